// The embedded default keeps the agents in its SQLite file: seeded once from the config, kept across
// restarts, migrated from the JSON state file an older relay left, and refused when damaged.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../relay/server/app.ts';
import { ConfigError, type RelayConfig } from '../../../../relay/server/config.ts';
import { openAgents } from '../../../../relay/server/openAgents.ts';
import { MIGRATED_SUFFIX } from '../../../../relay/store/sqliteAgentStore.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, tempDir, testConfig } from '../helpers.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function configIn(store: Record<string, unknown> = { kind: 'sqlite' }) {
  const d = tempDir();
  dirs.push(d);
  return { config: testConfig({ store }, d.dir), dir: d.dir };
}

async function start(config: RelayConfig) {
  const opened = await openAgents(config);
  const app = buildApp({ config, agents: opened.directory, logger: false });
  opened.attach(app);
  await app.ready();
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
  const contacts = (token: string) =>
    app.inject({ method: 'GET', url: '/v1/contacts', headers: { authorization: `Bearer ${token}` } });
  return { app, opened, call, contacts };
}

function storedState(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare('SELECT json FROM agent_state WHERE id = 1').get() as { json: string };
    return { text: row.json, state: JSON.parse(row.json) };
  } finally {
    db.close();
  }
}

describe('SQLite agent store', () => {
  it('lives in screenpop.db beside the config, seeded once from the config, tokens hashed', async () => {
    const { config, dir } = configIn();
    expect(config.store.sqlitePath).toBe(join(dir, 'screenpop.db'));
    const first = await start(config);
    expect(first.opened.source).toBe('config');
    await first.app.close();
    const { text, state } = storedState(config.store.sqlitePath);
    expect(text, 'tokens are stored hashed').not.toContain(AYSE_TOKEN);
    expect(state).toMatchObject({ version: 1, rev: 1, agents: [{ user: 'ayse' }, { user: 'mehmet' }] });
    const again = await start(config);
    expect(again.opened.source).toBe('store');
    await again.app.close();
  });

  it('keeps changes across a restart, and stores one revision per change under concurrency', async () => {
    const { config } = configIn();
    const a = await start(config);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        a.call('POST', '/v1/admin/agents', { user: `u${i}`, extensions: [`${i}`] }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    const { token } = (await a.call('POST', '/v1/admin/agents/u3/tokens', { label: 'Chrome' })).json();
    await a.call('DELETE', '/v1/admin/agents/ayse/tokens/config0');
    await a.app.close();
    expect(storedState(config.store.sqlitePath).state.rev).toBe(23);

    const b = await start(config);
    expect((await b.contacts(token)).statusCode).toBe(200);
    expect((await b.contacts(AYSE_TOKEN)).statusCode, 'a revoked token stays revoked').toBe(401);
    expect((await b.call('GET', '/v1/admin/agents')).json().agents).toHaveLength(22);
    await b.app.close();
  });

  it('moves the agents of an older relay’s JSON state file in on first start and renames the file', async () => {
    const d = tempDir();
    dirs.push(d);
    const old = await start(testConfig({ store: { kind: 'memory' } }, d.dir));
    await old.call('POST', '/v1/admin/agents', { user: 'zeynep', extensions: ['913'] });
    const { token } = (await old.call('POST', '/v1/admin/agents/zeynep/tokens', { label: 'Edge' })).json();
    await old.app.close();
    const jsonFile = join(d.dir, 'relay-state.json');
    expect(existsSync(jsonFile)).toBe(true);

    const config = testConfig({ store: { kind: 'sqlite' } }, d.dir);
    const upgraded = await start(config);
    expect(upgraded.opened.source).toBe('store');
    expect((await upgraded.contacts(token)).statusCode, 'a token issued before the upgrade works').toBe(200);
    expect(existsSync(jsonFile)).toBe(false);
    expect(JSON.parse(readFileSync(`${jsonFile}${MIGRATED_SUFFIX}`, 'utf8')).agents).toHaveLength(3);
    await upgraded.app.close();
  });

  it('stops start-up naming the field of a damaged stored state', async () => {
    const { config } = configIn();
    await (await start(config)).app.close();
    const db = new Database(config.store.sqlitePath);
    db.prepare('UPDATE agent_state SET json = ?').run(
      JSON.stringify({
        version: 1,
        rev: 3,
        agents: [{ user: 'a', extensions: ['1 2'], agentIds: [], tokens: [] }],
      }),
    );
    db.close();
    const opening = openAgents(config);
    await expect(opening).rejects.toThrow(ConfigError);
    await expect(opening).rejects.toThrow(
      /screenpop\.db \(agent_state\): agents\[0\]\.extensions\[0\] must be/,
    );
  });
});
