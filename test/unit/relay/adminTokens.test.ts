// The admin API's tokens and connection list, driven by `inject` on the default (in-memory) store.
import { describe, expect, it } from 'vitest';
import { ManagedAgentDirectory } from '../../../relay/agents/agentDirectory.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { MemoryAgentStore, seedState } from '../../../relay/store/agentStore.ts';
import { MemoryPresence } from '../../../relay/store/presence.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, testConfig } from './helpers.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

function setup() {
  const app = buildApp({ config: testConfig(), logger: false });
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: admin,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const contacts = (token: string) =>
    app.inject({ method: 'GET', url: '/v1/contacts', headers: { authorization: `Bearer ${token}` } });
  return { app, call, contacts };
}

describe('admin tokens', () => {
  it('issues a token that works at once and is shown only once; revoking it refuses it at once', async () => {
    const { call, contacts } = setup();
    const res = await call('POST', '/v1/admin/agents/mehmet/tokens', { label: 'Firefox, desk 12' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const issued = res.json();
    expect(issued).toEqual({
      user: 'mehmet',
      id: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
      label: 'Firefox, desk 12',
      createdAt: expect.any(String),
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/),
    });
    expect((await contacts(issued.token)).statusCode).toBe(200);
    const listed = (await call('GET', '/v1/admin/agents/mehmet')).json().agent.tokens;
    expect(listed.map((t: { id: string }) => t.id)).toContain(issued.id);
    expect(JSON.stringify(listed)).not.toContain(issued.token);

    expect((await call('DELETE', `/v1/admin/agents/mehmet/tokens/${issued.id}`)).json()).toEqual({
      ok: true,
    });
    expect((await contacts(issued.token)).statusCode).toBe(401);
    const again = await call('DELETE', `/v1/admin/agents/mehmet/tokens/${issued.id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ field: 'tokenId' });
  });

  it('keeps several tokens per agent, and removing the agent revokes them all', async () => {
    const { call, contacts } = setup();
    const a = (await call('POST', '/v1/admin/agents/ayse/tokens', { label: 'Chrome' })).json();
    const b = (await call('POST', '/v1/admin/agents/ayse/tokens')).json();
    expect(a.token).not.toBe(b.token);
    expect(b.label).toBe('');
    for (const token of [AYSE_TOKEN, a.token, b.token]) expect((await contacts(token)).statusCode).toBe(200);
    await call('DELETE', '/v1/admin/agents/ayse/tokens/config0');
    expect((await contacts(AYSE_TOKEN)).statusCode, 'the config token was revoked').toBe(401);
    expect((await contacts(a.token)).statusCode).toBe(200);
    await call('DELETE', '/v1/admin/agents/ayse');
    for (const token of [a.token, b.token]) expect((await contacts(token)).statusCode).toBe(401);
  });

  it('takes an empty JSON body as no body, and refuses malformed JSON with 400', async () => {
    const { app } = setup();
    const send = (method: 'POST' | 'DELETE', url: string, payload: string) =>
      app.inject({ method, url, payload, headers: { ...admin, 'content-type': 'application/json' } });
    const issued = await send('POST', '/v1/admin/agents/ayse/tokens', '');
    expect(issued.statusCode, issued.body).toBe(201);
    expect((await send('DELETE', `/v1/admin/agents/ayse/tokens/${issued.json().id}`, '')).statusCode).toBe(
      200,
    );
    const bad = await send('POST', '/v1/admin/agents', '{"user":');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'bad-request' });
    const poisoned = await send(
      'POST',
      '/v1/admin/agents',
      '{"user":"x","extensions":["1"],"__proto__":{"a":1}}',
    );
    expect(poisoned.statusCode).toBe(400);
  });

  it('refuses bad labels, unknown fields and unknown agents', async () => {
    const { call } = setup();
    expect(
      (await call('POST', '/v1/admin/agents/ayse/tokens', { label: 'x'.repeat(101) })).json(),
    ).toMatchObject({
      field: 'label',
    });
    expect((await call('POST', '/v1/admin/agents/ayse/tokens', { token: 'mine' })).json()).toMatchObject({
      field: 'token',
    });
    expect((await call('POST', '/v1/admin/agents/nobody/tokens', {})).statusCode).toBe(404);
    expect((await call('DELETE', '/v1/admin/agents/ayse/tokens/bad%20id')).json()).toMatchObject({
      field: 'tokenId',
    });
  });

  it('tells onChange listeners about every stored change, and not about a refused one', async () => {
    const config = testConfig();
    const seed = seedState(config.agents, '2024-05-27T09:00:00.000Z');
    const directory = new ManagedAgentDirectory(new MemoryAgentStore(seed), seed);
    const app = buildApp({ config, agents: directory, logger: false });
    let changes = 0;
    directory.onChange(() => changes++);
    const call = (method: 'POST' | 'DELETE', url: string, payload?: object) =>
      app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
    await call('POST', '/v1/admin/agents', { user: 'x', extensions: ['1'] });
    const { id } = (await call('POST', '/v1/admin/agents/x/tokens', {})).json();
    await call('DELETE', `/v1/admin/agents/x/tokens/${id}`);
    expect(changes).toBe(3);
    await call('POST', '/v1/admin/agents', { user: 'x', extensions: ['1'] });
    expect(changes, 'a refused change is not a change').toBe(3);
  });
});

describe('admin connections', () => {
  it('lists the connected agents with their last event', async () => {
    const presence = new MemoryPresence();
    const app = buildApp({ config: testConfig(), logger: false, presence });
    const session = presence.open({ user: 'ayse', transport: 'ws', connectedAt: '2024-05-27T09:35:00.000Z' });
    presence.sent(session, 'e1.7', '2024-05-27T09:36:00.000Z');
    const res = await app.inject({ method: 'GET', url: '/v1/admin/connections', headers: admin });
    expect(res.json()).toEqual({
      connections: [
        {
          id: session,
          user: 'ayse',
          name: 'Ayşe Yılmaz',
          transport: 'ws',
          connectedAt: '2024-05-27T09:35:00.000Z',
          lastEventId: 'e1.7',
          lastEventAt: '2024-05-27T09:36:00.000Z',
        },
      ],
    });
  });
});
