// The checks every section of the relay's JSON config uses. Each feature parses its own section
// (agents/agentConfig.ts, ingest/pbxSources.ts, delivery/deliveryConfig.ts, …) with these, so every
// problem names the field at fault in the same words: the reader is an admin editing the file by hand.
import { SECRET_PATTERN } from '../../shared/agentMapping.ts';
import { isObject } from '../../shared/isObject.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reports a bad field; never returns. */
export type Fail = (field: string, problem: string) => never;

export const fail: Fail = (field, problem) => {
  throw new ConfigError(`config: ${field} ${problem}`);
};

export function object(v: unknown, field: string): Record<string, unknown> {
  if (!isObject(v)) fail(field, 'must be an object');
  return v;
}

export function secret(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length < 16) fail(field, 'must be a string of at least 16 characters');
  if (!SECRET_PATTERN.test(v)) fail(field, 'must be at most 256 printable ASCII characters without spaces');
  return v;
}

export function text(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || !v.trim()) fail(field, 'must be a non-empty string');
  if (v.length > max) fail(field, `must be at most ${max} characters`);
  return v.trim();
}

export function integer(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(field, `must be an integer from ${min} to ${max}`);
  return v;
}

export function ids(v: unknown, field: string, pattern: RegExp): string[] {
  if (!Array.isArray(v)) fail(field, 'must be an array of strings');
  return v.map((item, i) => {
    if (typeof item !== 'string' || !pattern.test(item))
      fail(`${field}[${i}]`, `must be a string matching ${pattern}`);
    return item;
  });
}
