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

/**
 * What no name may hold (agent names, token labels, contact names): C0 and C1 controls, the line
 * and paragraph separators, and the bidirectional overrides and isolates, with which a name can
 * break a log line or a CSV row, or show its text reversed (U+202E) in the popup and the options page.
 */
export const UNSAFE_TEXT_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
export const UNSAFE_TEXT_REASON =
  'must not contain control characters, line separators or bidirectional overrides';
