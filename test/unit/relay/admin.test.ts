// The admin API driven by `inject` on the default (in-memory) agent store.
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../relay/server/app.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, captureLog, SECRET, testConfig } from './helpers.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

function setup() {
  const log = captureLog();
  const app = buildApp({ config: testConfig(), logger: { stream: log.stream } });
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: admin,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const contacts = (token: string) =>
    app.inject({ method: 'GET', url: '/v1/contacts', headers: { authorization: `Bearer ${token}` } });
  return { app, log, call, contacts };
}

describe('admin auth', () => {
  const { app } = setup();

  it('refuses a missing token, a wrong one, and agent or PBX tokens, with a JSON reason', async () => {
    const missing = await app.inject({ method: 'GET', url: '/v1/admin/agents' });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toEqual({
      error: 'unauthorized',
      reason: 'missing admin token: send Authorization: Bearer ADMIN_TOKEN',
    });
    for (const token of ['wrong-admin-token-0123456789', AYSE_TOKEN, SECRET]) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/admin/agents',
        headers: { authorization: `Bearer ${token}` },
        payload: { user: 'x', extensions: ['1'] },
      });
      expect(res.statusCode, `token ${token} must not be an admin token`).toBe(401);
      expect(res.json()).toEqual({ error: 'unauthorized', reason: 'wrong admin token' });
    }
  });

  it('answers CORS preflights from extension origins only, and reflects them on answers', async () => {
    const origin = 'chrome-extension://abcdefghijklmnop';
    const pre = await app.inject({ method: 'OPTIONS', url: '/v1/admin/agents/ayse', headers: { origin } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(origin);
    expect(pre.headers['access-control-allow-methods']).toBe('GET, POST, PUT, DELETE, OPTIONS');
    expect(pre.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
    const web = await app.inject({
      method: 'OPTIONS',
      url: '/v1/admin/agents',
      headers: { origin: 'https://evil.example' },
    });
    expect(web.headers['access-control-allow-origin']).toBeUndefined();
    const denied = await app.inject({ method: 'GET', url: '/v1/admin/agents', headers: { origin } });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['access-control-allow-origin'], 'the options page must be able to read a 401').toBe(
      origin,
    );
  });
});

describe('admin agents', () => {
  it('lists agents with token ids and labels, never tokens or hashes', async () => {
    const { call } = setup();
    const res = await call('GET', '/v1/admin/agents');
    expect(res.statusCode).toBe(200);
    const { agents } = res.json();
    expect(agents.map((a: { user: string }) => a.user)).toEqual(['ayse', 'mehmet']);
    expect(agents[0]).toMatchObject({
      user: 'ayse',
      name: 'Ayşe Yılmaz',
      extensions: ['911'],
      agentIds: ['911'],
    });
    expect(agents[0].tokens).toEqual([
      { id: 'config0', label: 'config file', createdAt: expect.any(String) },
    ]);
    expect(res.body).not.toContain(AYSE_TOKEN);
    expect(res.body).not.toMatch(/[0-9a-f]{64}/);
  });

  it('adds, changes and removes agents; a ring group shares an extension', async () => {
    const { call } = setup();
    const added = await call('POST', '/v1/admin/agents', {
      user: 'zeynep',
      name: 'Zeynep',
      extensions: ['911'],
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().agent).toEqual({
      user: 'zeynep',
      name: 'Zeynep',
      extensions: ['911'],
      agentIds: [],
      tokens: [],
    });
    const changed = await call('PUT', '/v1/admin/agents/zeynep', { agentIds: ['z-7'] });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().agent, 'fields not sent stay as they were').toMatchObject({
      name: 'Zeynep',
      extensions: ['911'],
      agentIds: ['z-7'],
    });
    expect((await call('GET', '/v1/admin/agents/zeynep')).json().agent.agentIds).toEqual(['z-7']);
    expect((await call('DELETE', '/v1/admin/agents/zeynep')).json()).toEqual({ ok: true });
    const gone = await call('GET', '/v1/admin/agents/zeynep');
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({
      error: 'not-found',
      reason: 'user "zeynep" is not an agent',
      field: 'user',
    });
  });

  it('refuses bad input with 400 naming the field', async () => {
    const { call } = setup();
    const cases: [unknown, string][] = [
      [{ extensions: ['1'] }, 'user'],
      [{ user: 'bad user', extensions: ['1'] }, 'user'],
      [{ user: 'a'.repeat(65), extensions: ['1'] }, 'user'],
      [{ user: 'x' }, 'extensions'],
      [{ user: 'x', extensions: '911' }, 'extensions'],
      [{ user: 'x', extensions: ['9 1'] }, 'extensions[0]'],
      [{ user: 'x', extensions: ['1', '1'] }, 'extensions[1]'],
      [{ user: 'x', extensions: ['1'], agentIds: [7] }, 'agentIds[0]'],
      [{ user: 'x', extensions: ['1'], name: 'n'.repeat(201) }, 'name'],
      [{ user: 'x', extensions: ['1'], name: 'a\nb' }, 'name'],
      [{ user: 'x', extensions: ['1'], token: 'my-own-token-0123456789' }, 'token'],
      [{ user: 'x', extensions: ['1'], extension: '1' }, 'extension'],
      [[1, 2], '(body)'],
    ];
    for (const [payload, field] of cases) {
      const res = await call('POST', '/v1/admin/agents', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json(), JSON.stringify(payload)).toMatchObject({ error: 'bad-request', field });
    }
    const rename = await call('PUT', '/v1/admin/agents/ayse', { user: 'ayse2' });
    expect(rename.json()).toMatchObject({
      field: 'user',
      reason: expect.stringMatching(/cannot be changed/),
    });
    expect((await call('PUT', '/v1/admin/agents/bad%20user', {})).json()).toMatchObject({ field: 'user' });
    expect((await call('PUT', '/v1/admin/agents/nobody', { name: 'N' })).statusCode).toBe(404);
  });

  it('refuses a second agent of the same user or with an agent id someone else holds (409)', async () => {
    const { call } = setup();
    const twice = await call('POST', '/v1/admin/agents', { user: 'ayse', extensions: ['1'] });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ error: 'conflict', field: 'user' });
    const id = await call('POST', '/v1/admin/agents', {
      user: 'x',
      extensions: ['1'],
      agentIds: ['a', '911'],
    });
    expect(id.statusCode).toBe(409);
    expect(id.json()).toMatchObject({ field: 'agentIds[1]', reason: expect.stringContaining('"ayse"') });
    const change = await call('PUT', '/v1/admin/agents/mehmet', { agentIds: ['911'] });
    expect(change.statusCode).toBe(409);
  });

  it('logs every change as an audit line without token values', async () => {
    const { call, log } = setup();
    await call('POST', '/v1/admin/agents', { user: 'zeynep', extensions: ['913'] });
    const issued = (await call('POST', '/v1/admin/agents/zeynep/tokens', { label: 'Chrome' })).json();
    await call('DELETE', `/v1/admin/agents/zeynep/tokens/${issued.id}`);
    await call('DELETE', '/v1/admin/agents/zeynep');
    const audit = log.entries().filter((e) => e.msg === 'admin change');
    expect(audit.map((e) => [e.who, e.action, e.user])).toEqual([
      ['admin', 'agent.add', 'zeynep'],
      ['admin', 'token.issue', 'zeynep'],
      ['admin', 'token.revoke', 'zeynep'],
      ['admin', 'agent.remove', 'zeynep'],
    ]);
    expect(log.text()).not.toContain(issued.token);
    expect(log.text()).not.toContain(ADMIN_TOKEN);
  });
});
