// Enterprise policy (managed storage) over the agent's own settings. A policy value replaces the
// local one field by field and locks it; a policy value the extension cannot use is dropped (the
// local value stays) and reported, the same way a bad stored field is.

import { isObject } from './isObject.ts';
import { defaults, type FieldError, type Settings, validateSettings } from './settings.ts';

export interface PolicyResult {
  /** The settings in force: policy values over the local ones, validated together. */
  settings: Settings;
  /** Dotted paths the policy sets (and the options page shows disabled), e.g. `crm.origin`. */
  locked: string[];
  /** Policy values that were dropped, and why. */
  errors: FieldError[];
  /** Local fields that fell back to their default (bad as stored, or at odds with the policy). */
  localErrors: FieldError[];
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** One value a policy sets, at its dotted path. */
interface Leaf {
  path: string;
  value: unknown;
}

/**
 * `local` is what storage.local holds (migrated, not yet validated); `managed` what
 * storage.managed answered. Both are validated as one, so a policy's templates are checked against
 * the policy's CRM origin and a local template against a locked origin.
 */
export function applyPolicy(local: unknown, managed: unknown): PolicyResult {
  const base = isObject(local) ? local : {};
  const all = isObject(managed) ? policyLeaves(managed) : [];
  // Keys that would reach an object's prototype are never anyone's setting.
  const errors: FieldError[] = all
    .filter((l) => l.path.split('.').some((k) => UNSAFE_KEYS.has(k)))
    .map((l) => ({ field: l.path, code: 'errUnknownField' as const }));
  let leaves = all.filter((l) => !errors.some((e) => e.field === l.path));
  // Dropping one value can make another invalid (templates on a dropped origin): repeat until the
  // remaining values all pass. Each round drops at least one, so it ends.
  for (;;) {
    const validated = validateSettings(overlay(base, leaves));
    const bad = validated.errors.filter((e) => leaves.some((l) => covers(l.path, e.field)));
    if (!bad.length) {
      const locked = leaves.map((l) => l.path);
      const localErrors = validated.errors.filter((e) => !locked.some((p) => covers(p, e.field)));
      return { settings: validated.settings, locked, errors, localErrors };
    }
    errors.push(...bad);
    leaves = leaves.filter((l) => !bad.some((e) => covers(l.path, e.field)));
  }
}

/** True when `field` is locked by one of `locked` (itself, or a part of a locked whole). */
export function isLocked(locked: readonly string[], field: string): boolean {
  return locked.some((p) => covers(p, field));
}

/**
 * `target` with every locked path set to `source`'s value there (the default when `source` has
 * none). A save uses it twice: the page's values get the policy's at locked paths (the policy wins
 * whatever the page sent), and what is stored gets the agent's own earlier values back there (so
 * lifting the policy gives back what the agent had).
 */
export function withLockedFrom(target: unknown, source: unknown, locked: readonly string[]): unknown {
  if (!isObject(target)) return target;
  const out = structuredClone(target);
  for (const path of locked) {
    const keys = path.split('.');
    const value = getPath(source, keys);
    setPath(out, keys, structuredClone(value === undefined ? getPath(defaults, keys) : value));
  }
  return out;
}

/** `value` with every locked path taken out, and the locked paths it had (for "not imported"). */
export function withoutLocked(
  value: unknown,
  locked: readonly string[],
): { value: unknown; skipped: string[] } {
  if (!isObject(value)) return { value, skipped: [] };
  const out = structuredClone(value);
  const skipped: string[] = [];
  for (const path of locked) {
    const keys = path.split('.');
    if (getPath(out, keys) === undefined) continue;
    skipped.push(path);
    const parent = getPath(out, keys.slice(0, -1));
    if (isObject(parent)) delete parent[keys[keys.length - 1] as string];
  }
  return { value: out, skipped };
}

/**
 * The policy as leaves: objects the schema has (crm, crm.templates, queue) are walked key by key;
 * the keypress map, scalars and anything unknown are one leaf each.
 */
function policyLeaves(managed: Record<string, unknown>): Leaf[] {
  const out: Leaf[] = [];
  const walk = (value: Record<string, unknown>, shape: Record<string, unknown>, prefix: string) => {
    for (const [key, v] of Object.entries(value)) {
      const path = prefix + key;
      const sub = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (isObject(v) && isObject(sub) && sub !== defaults.keypressActions) walk(v, sub, `${path}.`);
      else out.push({ path, value: v });
    }
  };
  walk(managed, defaults, '');
  return out;
}

function overlay(local: Record<string, unknown>, leaves: readonly Leaf[]): Record<string, unknown> {
  const out = structuredClone(local);
  for (const { path, value } of leaves) setPath(out, path.split('.'), structuredClone(value));
  return out;
}

/** `field` is `path` itself or inside it (`keypressActions` covers `keypressActions.5`). */
function covers(path: string, field: string): boolean {
  return field === path || field.startsWith(`${path}.`);
}

function getPath(value: unknown, keys: readonly string[]): unknown {
  let at = value;
  for (const key of keys) {
    if (!isObject(at) || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let at = target;
  for (const key of keys.slice(0, -1)) {
    // A local value that is not an object (a corrupt `crm: "x"`) gives way to the policy's.
    if (!isObject(at[key])) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys[keys.length - 1] as string] = value;
}
