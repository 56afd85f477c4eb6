// The PBX secret in its accepted forms (path prefix `/t/SECRET/`, bearer header, `?token=`) and
// which configured PBX source it belongs to.
import { safeEqual } from '../http/secrets.ts';

/** Splits `/t/SECRET/rest` into the secret and the path after it; other paths are returned as they are. */
export function splitPathSecret(path: string): { secret?: string; rest: string } {
  const match = /^\/t\/([^/]+)(\/.*)$/.exec(path);
  if (!match?.[1] || !match[2]) return { rest: path };
  let secret = match[1];
  try {
    secret = decodeURIComponent(secret);
  } catch {
    // A malformed escape cannot be the secret; compare it raw and let it fail.
  }
  return { secret, rest: match[2] };
}

export const MISSING_SECRET_REASON =
  'missing PBX secret: send Authorization: Bearer SECRET, ?token=SECRET or /t/SECRET/…';

export type SourceResult<S> = { ok: true; source: S } | { ok: false; reason: string };

/**
 * The PBX source whose secret one of the candidates is. Every candidate is compared with every
 * source, without stopping at a match, so timing tells neither which source nor which form matched.
 */
export function findSource<S extends { secret: string }>(
  candidates: readonly (string | undefined)[],
  sources: readonly S[],
): SourceResult<S> {
  const given = candidates.filter((c): c is string => typeof c === 'string' && c !== '');
  if (!given.length) return { ok: false, reason: MISSING_SECRET_REASON };
  let found: S | undefined;
  for (const candidate of given)
    for (const source of sources) if (safeEqual(candidate, source.secret) && !found) found = source;
  return found ? { ok: true, source: found } : { ok: false, reason: 'wrong PBX secret' };
}
