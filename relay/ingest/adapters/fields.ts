// Reading one field of a PBX payload. PBXs send ids as strings or numbers, pad them with spaces and
// use null for "none"; everything else is refused with the field named, so the admin who set up the
// PBX sees exactly what to fix.
import { type NewCallEvent } from '../../../shared/callEvent.ts';
import { type FieldRule, RULES } from '../../../shared/fieldRules.ts';

export { type FieldRule, RULES };

/** An event as an adapter makes it: without the time the relay stamps on it. */
export type AdapterEvent = Omit<NewCallEvent, 'at'>;

/** What an adapter makes of a payload. */
export type AdapterResult = { ok: true; event: AdapterEvent } | { ok: false; reason: string; field?: string };

export class FieldError extends Error {
  constructor(
    readonly field: string | undefined,
    reason: string,
  ) {
    super(reason);
  }
}

export function asObject(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new FieldError(undefined, 'body must be a JSON object');
  return raw as Record<string, unknown>;
}

/** The field as a trimmed string, '' when absent or null. Numbers become their decimal text. */
export function rawString(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return v.trim();
  throw new FieldError(field, `${field} must be a string or a number`);
}

export function checkRule(value: string, field: string, rule: FieldRule): string {
  if (value.length > rule.max)
    throw new FieldError(field, `${field} is too long (${value.length} characters, at most ${rule.max})`);
  if (!rule.pattern.test(value)) throw new FieldError(field, `${field} may contain only ${rule.allowed}`);
  return value;
}

export function required(body: Record<string, unknown>, field: string, rule: FieldRule): string {
  const value = rawString(body, field);
  if (!value) throw new FieldError(field, `${field} is required`);
  return checkRule(value, field, rule);
}

/**
 * A field that must be sent but may be empty: a withheld caller id arrives as `""` or null, and
 * such a call must still reach the agent (as an unknown caller), not be refused.
 */
export function presentMaybeEmpty(body: Record<string, unknown>, field: string, rule: FieldRule): string {
  if (!(field in body)) throw new FieldError(field, `${field} is required`);
  const value = rawString(body, field);
  return value ? checkRule(value, field, rule) : '';
}

export function optional(body: Record<string, unknown>, field: string, rule: FieldRule): string | undefined {
  const value = rawString(body, field);
  return value ? checkRule(value, field, rule) : undefined;
}

/** Runs an adapter body, turning a FieldError into a refused result. */
export function adapt(build: () => Omit<NewCallEvent, 'at'>): AdapterResult {
  try {
    return { ok: true, event: build() };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, reason: error.message, field: error.field };
    throw error;
  }
}

/** Copies only the defined optional fields, so events carry no `"keypress": undefined` noise. */
export function withOptional<T extends object>(base: T, extra: Record<string, string | undefined>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) out[key] = value;
  return out as T;
}

/**
 * A field whose words are a PBX's vocabulary, mapped to ours (case and surrounding spaces ignored).
 * An unknown word is refused with the accepted ones listed, so the admin sees what to send.
 */
export function mapped<T>(
  body: Record<string, unknown>,
  field: string,
  words: Record<string, T>,
): T | undefined {
  const value = rawString(body, field).toLowerCase();
  if (!value) return undefined;
  if (!Object.hasOwn(words, value))
    throw new FieldError(field, `${field} must be one of ${Object.keys(words).join(', ')}`);
  return words[value];
}

export const MAX_URL = 2048;

/** An optional http(s) URL: the extension may render it as a link an agent clicks. */
export function httpUrl(body: Record<string, unknown>, field: string): string | undefined {
  const value = rawString(body, field);
  if (!value) return undefined;
  if (value.length > MAX_URL)
    throw new FieldError(field, `${field} is too long (at most ${MAX_URL} characters)`);
  let protocol = '';
  try {
    protocol = new URL(value).protocol;
  } catch {
    // Reported below with the same message as a wrong scheme.
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new FieldError(field, `${field} must be an http(s) URL`);
  return value;
}
