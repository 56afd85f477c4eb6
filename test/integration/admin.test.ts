// The admin API against real relay processes (build/relay/cli.js): in Redis mode two instances
// share the agents, so a change at one is in force at the other without a restart; in embedded
// mode the state file survives the process being killed in the middle of writes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { addAgent } from '../../relay/agents/agentChanges.ts';
import { ManagedAgentDirectory } from '../../relay/agents/agentDirectory.ts';
import { RedisAgentStore } from '../../relay/store/redisAgentStore.ts';
import { ADMIN_TOKEN, AYSE_TOKEN } from '../unit/relay/helpers.ts';
import { postCall, wsAgent } from './helpers/clients.ts';
import { cleanPrefix, describeRedis, REDIS_URL, redisClient, uniquePrefix } from './helpers/redis.ts';
import { type RelayProcess, Relays } from './helpers/relayProcess.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
const relays = new Relays();
const prefixes: string[] = [];
const dirs: string[] = [];

afterEach(() => relays.stopAll());
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  for (const prefix of prefixes) await cleanPrefix(prefix);
});

function prefix(): string {
  const p = uniquePrefix('admin');
  prefixes.push(p);
  return p;
}

/** The `agents: …` start-up line's source: `config` (seeded) or `store`. */
function agentSource(relay: RelayProcess): unknown {
  for (const line of relay.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line);
    if (String(entry.msg).startsWith('agents:')) return entry.source;
  }
  return undefined;
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, headers: { ...admin, ...(init.headers ?? {}) } });
  return { status: res.status, body: await res.json() };
}

const contacts = (base: string, token: string) =>
  fetch(`${base}/v1/contacts`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

/** Polls until `check` is true; the signal between instances is fast but not synchronous. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 3000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not within ${ms} ms: ${what}`);
}

describeRedis('admin API on two relay instances sharing Redis', () => {
  it('an agent added at A authenticates at B, and a token revoked at A is refused at B', async () => {
    const redis = { url: REDIS_URL, prefix: prefix() };
    const a = await relays.start({ redis });
    const b = await relays.start({ redis });
    expect([agentSource(a), agentSource(b)], 'A seeds Redis from its config, B finds it').toEqual([
      'config',
      'store',
    ]);

    const body = JSON.stringify({ user: 'zeynep', name: 'Zeynep', extensions: ['911'] });
    expect((await json(`${a.url}/v1/admin/agents`, { method: 'POST', body })).status).toBe(201);
    const issued = await json(`${a.url}/v1/admin/agents/zeynep/tokens`, { method: 'POST', body: '{}' });
    expect(issued.status).toBe(201);
    const { token, id } = issued.body as { token: string; id: string };

    await eventually(async () => (await contacts(b.url, token)) === 200, 'B accepts the token issued at A');
    const listed = await json(`${b.url}/v1/admin/agents`);
    expect(listed.body.agents.map((x: { user: string }) => x.user)).toEqual(['ayse', 'mehmet', 'zeynep']);

    const revoked = await json(`${a.url}/v1/admin/agents/zeynep/tokens/${id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(await contacts(a.url, token)).toBe(401);
    await eventually(async () => (await contacts(b.url, token)) === 401, 'B refuses the token revoked at A');
    expect(await contacts(b.url, AYSE_TOKEN)).toBe(200);

    // A new instance on the same Redis has A's changes: Redis, not the config, is the truth.
    const c = await relays.start({ redis, config: { agents: [] } });
    expect(agentSource(c)).toBe('store');
    expect((await json(`${c.url}/v1/admin/agents/zeynep`)).body.agent.tokens).toEqual([]);
  });
});

describeRedis('Redis agent store', () => {
  const stores: RedisAgentStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  const open = async (p: string) => {
    const store = new RedisAgentStore({ url: REDIS_URL, prefix: p });
    stores.push(store);
    return (await ManagedAgentDirectory.open(store, [], { now: new Date().toISOString() })).directory;
  };

  it('loses no change when two instances write at once (WATCH retries), and each sees the other', async () => {
    const p = prefix();
    const [one, two] = await Promise.all([open(p), open(p)]);
    const adds = (d: ManagedAgentDirectory, name: string) =>
      Array.from({ length: 15 }, (_, i) =>
        d.apply(addAgent({ user: `${name}${i}`, name: 'x', extensions: ['1'], agentIds: [] })),
      );
    await Promise.all([...adds(one, 'a'), ...adds(two, 'b')]);
    await eventually(async () => one.views().length === 30 && two.views().length === 30, 'both see all 30');
    const reader = new RedisAgentStore({ url: REDIS_URL, prefix: p });
    stores.push(reader);
    expect((await reader.load())?.rev, 'one stored revision per change, after the seed').toBe(31);
  });

  it('refuses a change when the key vanished, instead of storing a near-empty mapping', async () => {
    const p = prefix();
    const dir = await open(p);
    const client = redisClient();
    await client.del(`${p}agents`);
    client.disconnect();
    await expect(
      dir.apply(addAgent({ user: 'x', name: 'x', extensions: ['1'], agentIds: [] })),
    ).rejects.toThrow(/is missing \(deleted\?\): restart a relay to seed it again/);
  });

  it('refuses to start on a damaged value, naming the key and the field', async () => {
    const p = prefix();
    const client = redisClient();
    await client.set(
      `${p}agents`,
      JSON.stringify({ version: 1, rev: 1, agents: [{ user: 'a b', tokens: [] }] }),
    );
    client.disconnect();
    await expect(open(p)).rejects.toThrow(
      `state: redis key ${p}agents at ${REDIS_URL}: agents[0].user must match`,
    );
  });
});

describeRedis('connected agents across instances', () => {
  it('lists at A an agent connected to B, with its last event, and drops it when it leaves', async () => {
    const redis = { url: REDIS_URL, prefix: prefix() };
    const a = await relays.start({ redis });
    const b = await relays.start({ redis });
    const { client } = await wsAgent(b.ws, AYSE_TOKEN);

    type Listed = { user: string; name: string; instance?: string; lastEventId?: string };
    const connections = async (): Promise<Listed[]> =>
      (await json(`${a.url}/v1/admin/connections`)).body.connections;
    await eventually(async () => (await connections()).some((c) => c.user === 'ayse'), 'A lists ayse');
    expect((await connections())[0]).toMatchObject({
      user: 'ayse',
      name: 'Ayşe Yılmaz',
      instance: expect.any(String),
    });

    const id = await postCall(a.url, { callId: 'c-1' });
    await client.nextOf('call', 5000);
    await eventually(
      async () => (await connections())[0]?.lastEventId === id,
      'A shows the last event',
      6000,
    );

    client.close();
    await eventually(async () => (await connections()).length === 0, 'A drops the closed connection');
  });
});

describe('admin API in embedded mode', () => {
  it('keeps a valid state file holding every acknowledged change when killed mid-write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'screenpop-admin-it-'));
    dirs.push(dir);
    const file = join(dir, 'relay-state.json');
    const relay = await relays.start({ config: { state: { file } } });
    const acked: string[] = [];
    let killed: Promise<void> | undefined;
    const adds = Array.from({ length: 200 }, (_, i) =>
      fetch(`${relay.url}/v1/admin/agents`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ user: `u${i}`, extensions: [String(100 + i)] }),
      }).then(
        (r) => {
          if (r.status === 201) acked.push(`u${i}`);
          if (acked.length === 40) killed ??= relay.kill('SIGKILL');
        },
        () => {}, // Requests in flight when the process died.
      ),
    );
    await Promise.all(adds);
    await killed;
    expect(acked.length, 'killed before every change was made').toBeLessThan(200);

    const state = JSON.parse(readFileSync(file, 'utf8'));
    const stored = new Set(state.agents.map((a: { user: string }) => a.user));
    for (const user of acked)
      expect(stored.has(user), `${user} was acknowledged, so it was stored`).toBe(true);

    const again = await relays.start({ config: { state: { file } } });
    expect(agentSource(again)).toBe('store');
    expect((await json(`${again.url}/v1/admin/agents`)).body.agents.length).toBe(state.agents.length);
  });
});
