// Options of the adapters that need some (Netsantral's routing answer, UIS's fallback agents) and
// the CRM links the lookups redirect to, plus the small readers pbxSources.ts shares. Each problem
// names its config field, as in config.ts.
import { EXTENSION_PATTERN } from '../../shared/callEvent.ts';
import { isObject } from '../../shared/isObject.ts';
import { normalizePhone } from '../../shared/phone.ts';
import { buildUrl, httpOrigin, SAMPLE_VALUES } from '../../shared/template.ts';

export interface NetsantralOptions {
  /** Extension the pop goes to when nothing more specific is known. */
  extension?: string;
  /** Called number (`aranan_no`) → extension, keyed by numberKey(). */
  extensionByNumber: Record<string, string>;
  /** Answer `result: "extensions"` with the contact owner's extension. Off by default. */
  routeToOwner: boolean;
  defaultResult: string;
  defaultRedirect?: string;
  /** Text read to a known caller (`data`), with `{name}`; none by default. */
  greeting?: string;
}

export interface CrmLinks {
  origin: string;
  cardUrl?: string;
  searchUrl?: string;
}

export type { Fail } from '../http/configFields.ts';

import type { Fail } from '../http/configFields.ts';

/** One key for every spelling of a number (`0850 303 03 03`, `8503030303`): E.164, else its digits. */
export function numberKey(raw: string, region: string): string {
  return normalizePhone(raw, region)?.e164 ?? raw.replace(/\D/g, '');
}

export function known(o: Record<string, unknown>, keys: Set<string>, field: string, fail: Fail): void {
  for (const key of Object.keys(o)) if (!keys.has(key)) fail(`${field}.${key}`, 'is not a known field');
}

export function list(
  v: unknown,
  field: string,
  fail: Fail,
  check: (s: string) => boolean,
  what: string,
): string[] {
  if (!Array.isArray(v) || !v.length) fail(field, 'must be a non-empty array of strings');
  return v.map((item, i) => {
    if (typeof item !== 'string' || !check(item)) fail(`${field}[${i}]`, `must be ${what}`);
    return item;
  });
}

function extension(v: unknown, field: string, fail: Fail): string {
  if (typeof v !== 'string' || !EXTENSION_PATTERN.test(v))
    fail(field, `must be a string matching ${EXTENSION_PATTERN}`);
  return v;
}

export function parseNetsantral(v: unknown, region: string, fail: Fail): NetsantralOptions {
  const o: Record<string, unknown> =
    v === undefined ? {} : isObject(v) ? v : fail('pbx.netsantral', 'must be an object');
  known(
    o,
    new Set([
      'extension',
      'extensionByNumber',
      'routeToOwner',
      'defaultResult',
      'defaultRedirect',
      'greeting',
    ]),
    'pbx.netsantral',
    fail,
  );
  const text = (x: unknown, field: string, max: number) => {
    if (typeof x !== 'string' || !x.trim() || x.length > max)
      fail(field, `must be a non-empty string of at most ${max} characters`);
    return x.trim();
  };
  const out: NetsantralOptions = { extensionByNumber: {}, routeToOwner: false, defaultResult: '1' };
  if (o.extension !== undefined) out.extension = extension(o.extension, 'pbx.netsantral.extension', fail);
  if (o.extensionByNumber !== undefined) {
    if (!isObject(o.extensionByNumber))
      fail('pbx.netsantral.extensionByNumber', 'must be an object of number → extension');
    for (const [number, ext] of Object.entries(o.extensionByNumber))
      out.extensionByNumber[numberKey(number, region)] = extension(
        ext,
        `pbx.netsantral.extensionByNumber.${number}`,
        fail,
      );
  }
  if (o.routeToOwner !== undefined) {
    if (typeof o.routeToOwner !== 'boolean') fail('pbx.netsantral.routeToOwner', 'must be true or false');
    out.routeToOwner = o.routeToOwner;
  }
  if (o.defaultResult !== undefined)
    out.defaultResult = text(o.defaultResult, 'pbx.netsantral.defaultResult', 64);
  if (o.defaultRedirect !== undefined)
    out.defaultRedirect = text(o.defaultRedirect, 'pbx.netsantral.defaultRedirect', 64);
  if (o.greeting !== undefined) out.greeting = text(o.greeting, 'pbx.netsantral.greeting', 500);
  return out;
}

export function parseCrm(v: unknown, fail: Fail): CrmLinks | null {
  if (v === undefined) return null;
  if (!isObject(v)) fail('crm', 'must be an object');
  known(v, new Set(['origin', 'cardUrl', 'searchUrl']), 'crm', fail);
  for (const key of ['origin', 'cardUrl', 'searchUrl'])
    if (v[key] !== undefined && typeof v[key] !== 'string') fail(`crm.${key}`, 'must be a string');
  const cardUrl = v.cardUrl as string | undefined;
  const searchUrl = v.searchUrl as string | undefined;
  const origin =
    v.origin !== undefined ? httpOrigin(v.origin as string) : httpOrigin(cardUrl ?? searchUrl ?? '');
  if (!origin) fail(v.origin !== undefined ? 'crm.origin' : 'crm.cardUrl', 'must be an absolute http(s) URL');
  // Checked now with sample values, so a template that could leave the CRM's origin stops start-up.
  for (const [key, template] of [
    ['cardUrl', cardUrl],
    ['searchUrl', searchUrl],
  ] as const)
    if (template !== undefined && !buildUrl(template, SAMPLE_VALUES, origin).ok)
      fail(`crm.${key}`, `must be an http(s) URL on ${origin} using only known {placeholders}`);
  return { origin, ...(cardUrl ? { cardUrl } : {}), ...(searchUrl ? { searchUrl } : {}) };
}

export function parseUis(v: unknown, fail: Fail): { fallbackExtensions: string[] } {
  if (v === undefined) return { fallbackExtensions: [] };
  if (!isObject(v)) fail('pbx.uis', 'must be an object');
  known(v, new Set(['fallbackExtensions']), 'pbx.uis', fail);
  if (v.fallbackExtensions === undefined) return { fallbackExtensions: [] };
  const fallbackExtensions = list(
    v.fallbackExtensions,
    'pbx.uis.fallbackExtensions',
    fail,
    (e) => EXTENSION_PATTERN.test(e),
    `a string matching ${EXTENSION_PATTERN}`,
  );
  return { fallbackExtensions };
}
