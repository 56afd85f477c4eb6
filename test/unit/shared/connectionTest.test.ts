import { describe, expect, it } from 'vitest';
import { type ConnectionTestDeps, classifyNetError, testConnection } from '../../../shared/connectionTest.ts';

type Route = { status: number; body?: unknown } | Error;

/** A fetch that answers by path; `netError` is what the browser would report for a failure. */
function deps(
  routes: Record<string, Route>,
  netError: string | null = null,
): ConnectionTestDeps & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    fetch: async (url, init) => {
      const path = new URL(url).pathname + new URL(url).search;
      seen.push(`${path} ${init.headers?.authorization ?? ''}`.trim());
      const route = routes[init.mode === 'no-cors' ? `no-cors ${path}` : path];
      if (!route || route instanceof Error) throw route ?? new TypeError('Failed to fetch');
      return { status: route.status, json: async () => route.body ?? null };
    },
    watchNetError: async (_pattern, request) => {
      await request();
      return netError;
    },
  };
}

const healthy = { '/healthz': { status: 200, body: { ok: true } } };

describe('testConnection', () => {
  it('passes with a relay that answers and accepts the token', async () => {
    const d = deps({ ...healthy, '/v1/contacts?limit=1': { status: 200, body: {} } });
    expect(await testConnection(d, 'wss://relay.example.com/', 'agent-token-1')).toEqual({ ok: true });
    expect(d.seen).toEqual(['/healthz', '/v1/contacts?limit=1 Bearer agent-token-1']);
  });

  it('names a refused token', async () => {
    const d = deps({ ...healthy, '/v1/contacts?limit=1': { status: 401 } });
    expect(await testConnection(d, 'https://relay.example.com', 'wrong')).toMatchObject({
      ok: false,
      problem: 'unauthorized',
    });
  });

  it('says when the address answers but is not a ScreenPop relay', async () => {
    expect(
      await testConnection(deps({ '/healthz': { status: 404 } }), 'https://crm.example.com', 't'),
    ).toEqual({
      ok: false,
      problem: 'notRelay',
      detail: 'HTTP 404',
    });
    const html = deps({ '/healthz': { status: 200, body: null } });
    expect((await testConnection(html, 'https://crm.example.com', 't')).problem).toBe('notRelay');
  });

  it('says a server that answers without letting the extension read it is not a relay', async () => {
    const crm = deps({ '/healthz': new TypeError('Failed to fetch'), 'no-cors /healthz': { status: 0 } });
    expect(await testConnection(crm, 'https://crm.example.com', 't')).toEqual({
      ok: false,
      problem: 'notRelay',
      detail: 'no CORS',
    });
  });

  it('tells DNS, refused and TLS apart by the browser net error', async () => {
    const fail = (err: string) => testConnection(deps({}, err), 'https://relay.example.com', 't');
    expect((await fail('net::ERR_NAME_NOT_RESOLVED')).problem).toBe('dns');
    expect((await fail('net::ERR_CONNECTION_REFUSED')).problem).toBe('refused');
    expect((await fail('net::ERR_CERT_AUTHORITY_INVALID')).problem).toBe('tls');
    expect((await fail('net::ERR_SSL_PROTOCOL_ERROR')).problem).toBe('tls');
    expect(await fail('net::ERR_CONNECTION_RESET')).toEqual({
      ok: false,
      problem: 'unreachable',
      detail: 'net::ERR_CONNECTION_RESET',
    });
  });

  it('without the permission to see net errors, says only that nothing answered', async () => {
    const { watchNetError: _w, ...plain } = deps({});
    expect(await testConnection(plain, 'https://relay.example.com', 't')).toEqual({
      ok: false,
      problem: 'unreachable',
    });
  });

  it('checks the address and the token before asking anything', async () => {
    const d = deps(healthy);
    expect((await testConnection(d, 'relay.example.com', 't')).problem).toBe('badUrl');
    expect((await testConnection(d, 'https://relay.example.com', '  ')).problem).toBe('noToken');
  });

  it('reports a timeout', async () => {
    const slow: ConnectionTestDeps = {
      timeoutMs: 20,
      fetch: (_url, init) =>
        new Promise((_ok, fail) => init.signal.addEventListener('abort', () => fail(new Error('aborted')))),
    };
    expect((await testConnection(slow, 'https://relay.example.com', 't')).problem).toBe('timeout');
  });

  it('classifies unknown codes as unreachable', () => {
    expect(classifyNetError(null)).toBe('unreachable');
    expect(classifyNetError('net::ERR_TIMED_OUT')).toBe('timeout');
  });
});
