// The admin client against a recording fake `fetch`: what it sends, and how refusals and network
// failures become `_locales` keys.
import { describe, expect, it } from 'vitest';
import { adminClient, errorOf } from '../../../options/admin/adminApi.ts';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function fakeFetch(answer: (sent: Sent) => Response | Error) {
  const sent: Sent[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    const s: Sent = {
      url,
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    };
    sent.push(s);
    const a = answer(s);
    if (a instanceof Error) throw a;
    return a;
  };
  return { sent, fetchFn };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const BASE = 'http://127.0.0.1:8787';

describe('adminClient', () => {
  it('sends the admin token as a bearer and unwraps the agent list', async () => {
    const { sent, fetchFn } = fakeFetch(() => json(200, { agents: [{ user: 'ayse' }] }));
    const res = await adminClient(BASE, 'admin-token-0123456789', fetchFn).listAgents();
    expect(res).toEqual({ ok: true, value: [{ user: 'ayse' }] });
    expect(sent[0]?.url).toBe(`${BASE}/v1/admin/agents`);
    expect(sent[0]?.headers.authorization).toBe('Bearer admin-token-0123456789');
  });

  it('encodes the user in the path and sends JSON bodies', async () => {
    const { sent, fetchFn } = fakeFetch(() => json(200, { agent: { user: 'a:b@c' } }));
    const client = adminClient(BASE, 'tok-0123456789abcdef', fetchFn);
    await client.changeAgent('a:b@c', { extensions: ['913'] });
    expect(sent[0]).toMatchObject({
      url: `${BASE}/v1/admin/agents/a%3Ab%40c`,
      method: 'PUT',
      body: '{"extensions":["913"]}',
    });
    expect(sent[0]?.headers['content-type']).toBe('application/json');
  });

  it('sends a CSV as text/csv, with ?dryRun=true for a dry run', async () => {
    const summary = { ok: true, dryRun: true, added: [], changed: ['ayse'], removed: [], unchanged: 1 };
    const { sent, fetchFn } = fakeFetch(() => json(200, summary));
    const client = adminClient(BASE, 'tok-0123456789abcdef', fetchFn);
    expect(await client.importCsv('user\nayse\n', true)).toEqual({ ok: true, value: summary });
    await client.importCsv('user\nayse\n', false);
    expect(sent.map((s) => s.url)).toEqual([
      `${BASE}/v1/admin/agents.csv?dryRun=true`,
      `${BASE}/v1/admin/agents.csv`,
    ]);
    expect(sent[0]?.headers['content-type']).toMatch(/^text\/csv/);
  });

  it('reads the CSV export as text', async () => {
    const { fetchFn } = fakeFetch(() => new Response('user,name\r\nayse,Ayşe\r\n', { status: 200 }));
    expect(await adminClient(BASE, 'tok-0123456789abcdef', fetchFn).exportCsv()).toEqual({
      ok: true,
      value: 'user,name\r\nayse,Ayşe\r\n',
    });
  });

  it('turns a network failure into adminErrNetwork', async () => {
    const { fetchFn } = fakeFetch(() => new TypeError('Failed to fetch'));
    expect(await adminClient(BASE, 'tok-0123456789abcdef', fetchFn).connections()).toEqual({
      ok: false,
      error: { key: 'adminErrNetwork' },
    });
  });

  it('keeps the field and reason of a refusal', async () => {
    const { fetchFn } = fakeFetch(() =>
      json(400, { error: 'bad-request', reason: 'extensions[0] must match …', field: 'extensions[0]' }),
    );
    const res = await adminClient(BASE, 'tok-0123456789abcdef', fetchFn).addAgent({ user: 'x' });
    expect(res).toEqual({
      ok: false,
      error: {
        key: 'adminErrBadRequest',
        status: 400,
        field: 'extensions[0]',
        reason: 'extensions[0] must match …',
      },
    });
  });
});

describe('errorOf', () => {
  it('names each status the relay uses', () => {
    expect(errorOf(401, { error: 'unauthorized', reason: 'wrong admin token' }).key).toBe(
      'adminErrUnauthorized',
    );
    expect(errorOf(404, {}).key).toBe('adminErrNotFound');
    expect(errorOf(409, { field: 'tokens' }).key).toBe('adminErrConflict');
    expect(errorOf(503, {}).key).toBe('adminErrUnavailable');
    expect(errorOf(502, 'not json').key).toBe('adminErrServer');
  });

  it('has its own words for a taken user, a taken agent id and a refused CSV', () => {
    expect(errorOf(409, { field: 'user' }).key).toBe('adminErrUserTaken');
    expect(errorOf(409, { field: 'agentIds[1]' }).key).toBe('adminErrAgentIdTaken');
    const csv = errorOf(400, { field: 'csv', problems: [{ line: 3, field: 'user', reason: 'bad' }] });
    expect(csv.key).toBe('adminErrCsv');
    expect(csv.problems).toEqual([{ line: 3, field: 'user', reason: 'bad' }]);
  });
});
