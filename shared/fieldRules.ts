// The limits of the ids and numbers every relay route accepts, with the words an error uses to say
// what is allowed. One table, so a PBX adapter, the contact lookup and the route schemas agree.
import { CALLER_ID_PATTERN, EXTENSION_PATTERN, ID_PATTERN, KEYPRESS_PATTERN } from './callEvent.ts';

export interface FieldRule {
  pattern: RegExp;
  max: number;
  allowed: string;
}

export const RULES = {
  id: { pattern: ID_PATTERN, max: 64, allowed: 'letters, digits and . _ : @ -' },
  extension: { pattern: EXTENSION_PATTERN, max: 32, allowed: 'letters, digits and * # _ -' },
  phone: { pattern: CALLER_ID_PATTERN, max: 40, allowed: 'digits, letters, spaces and + ( ) . - / # *' },
  keypress: { pattern: KEYPRESS_PATTERN, max: 1, allowed: 'a single digit, * or #' },
} satisfies Record<string, FieldRule>;
