// "Test connection" in the options page: which step failed and why, in words an admin can act on.
// The browser hides why a fetch failed (DNS, refused, TLS all read "Failed to fetch"); with the
// optional `webRequest` permission for the relay's origin, the net error code says it.
import { relayBase } from './settings.ts';

export type ConnectionProblem =
  | 'badUrl'
  | 'noToken'
  | 'dns'
  | 'refused'
  | 'tls'
  | 'timeout'
  | 'unreachable'
  | 'notRelay'
  | 'unauthorized'
  | 'relayError';

export interface ConnectionTestResult {
  ok: boolean;
  problem?: ConnectionProblem;
  /** The net error code or HTTP status behind the problem, for the admin's support ticket. */
  detail?: string;
}

export interface ConnectionTestDeps {
  fetch: (
    url: string,
    init: { headers?: Record<string, string>; signal: AbortSignal; mode?: 'no-cors' },
  ) => Promise<{
    status: number;
    json(): Promise<unknown>;
  }>;
  /**
   * Runs `request` and returns the browser's net error for `urlPattern` if one occurred (null
   * when the browser gives none or we may not see it).
   */
  watchNetError?: (urlPattern: string, request: () => Promise<unknown>) => Promise<string | null>;
  timeoutMs?: number;
}

/** Maps Chrome's `net::ERR_…` codes to what an admin checks. */
export function classifyNetError(error: string | null): ConnectionProblem {
  if (!error) return 'unreachable';
  if (/NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|DNS/.test(error)) return 'dns';
  if (/CONNECTION_REFUSED|ADDRESS_UNREACHABLE|UNSAFE_PORT/.test(error)) return 'refused';
  if (/SSL|CERT|TLS/.test(error)) return 'tls';
  if (/TIMED_OUT|TIMEOUT/.test(error)) return 'timeout';
  return 'unreachable';
}

export async function testConnection(
  deps: ConnectionTestDeps,
  relayUrl: string,
  token: string,
): Promise<ConnectionTestResult> {
  const base = relayBase(relayUrl.trim());
  if (!base) return { ok: false, problem: 'badUrl' };
  const timeoutMs = deps.timeoutMs ?? 8000;

  const get = async (path: string, headers?: Record<string, string>, mode?: 'no-cors') => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await deps.fetch(`${base}${path}`, { headers, signal: controller.signal, mode });
      return { res };
    } catch (err) {
      return { err: controller.signal.aborted ? 'timeout' : String(err) };
    } finally {
      clearTimeout(timer);
    }
  };

  // 1. Does something answer at that address, and is it a ScreenPop relay?
  let health: Awaited<ReturnType<typeof get>> = { err: 'not run' };
  const netError = deps.watchNetError
    ? await deps.watchNetError(`${base}/*`, async () => {
        health = await get('/healthz');
      })
    : ((health = await get('/healthz')), null);
  if ('err' in health) {
    if (health.err === 'timeout' && !netError) return { ok: false, problem: 'timeout' };
    // The relay allows extension pages to read /healthz (CORS); a server that answers only an
    // opaque request is up, but it is something else (a CRM, a proxy's page).
    if (!netError && !('err' in (await get('/healthz', undefined, 'no-cors'))))
      return { ok: false, problem: 'notRelay', detail: 'no CORS' };
    return { ok: false, problem: classifyNetError(netError), detail: netError ?? undefined };
  }
  const body = await health.res.json().catch(() => null);
  if (health.res.status !== 200 || (body as { ok?: unknown } | null)?.ok !== true)
    return { ok: false, problem: 'notRelay', detail: `HTTP ${health.res.status}` };

  // 2. Does the relay accept this agent's token?
  if (!token.trim()) return { ok: false, problem: 'noToken' };
  const auth = await get('/v1/contacts?limit=1', { authorization: `Bearer ${token.trim()}` });
  if ('err' in auth) return { ok: false, problem: 'unreachable', detail: auth.err };
  if (auth.res.status === 401 || auth.res.status === 403)
    return { ok: false, problem: 'unauthorized', detail: `HTTP ${auth.res.status}` };
  if (auth.res.status !== 200) return { ok: false, problem: 'relayError', detail: `HTTP ${auth.res.status}` };
  return { ok: true };
}
