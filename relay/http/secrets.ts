// Secrets and tokens. Comparisons are constant-time so response timing cannot reveal how much of a
// guessed secret was right.
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string equality. Both sides are hashed first because timingSafeEqual needs equal
 * lengths, and comparing lengths directly would leak the secret's length.
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer TOKEN` header, if that is what the header holds. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
}

/** The agent whose token this is. Every agent is compared, so timing does not tell which one matched. */
export function findAgentByToken<T extends { token: string }>(
  agents: readonly T[],
  token: string,
): T | undefined {
  let found: T | undefined;
  for (const agent of agents) if (safeEqual(token, agent.token) && !found) found = agent;
  return found;
}

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

export type AuthResult = { ok: true } | { ok: false; reason: string };

/** Checks the PBX secret given in any of its accepted forms (path, header, query). */
export function checkPbxSecret(candidates: readonly (string | undefined)[], secret: string): AuthResult {
  const found = findSource(candidates, [{ secret }]);
  return found.ok ? { ok: true } : found;
}

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
