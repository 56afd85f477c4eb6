// The embedded mode's JSON state file: seeding, persistence across restarts, atomic writes.

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManagedAgentDirectory } from '../../../relay/agents/agentDirectory.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { ConfigError, type RelayConfig } from '../../../relay/server/config.ts';
import { openAgents } from '../../../relay/server/openAgents.ts';
import { StateError } from '../../../relay/store/agentStore.ts';
import { FileAgentStore } from '../../../relay/store/fileAgentStore.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, rawConfig, tempDir, testConfig } from './helpers.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function configIn(extra: Record<string, unknown> = {}): { config: RelayConfig; dir: string; file: string } {
  const d = tempDir();
  dirs.push(d);
  const config = testConfig(extra, d.dir);
  return { config, dir: d.dir, file: config.store.stateFile };
}

async function start(config: RelayConfig) {
  const opened = await openAgents(config);
  const app = buildApp({ config, agents: opened.directory, logger: false });
  opened.attach(app);
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
  const contacts = (token: string) =>
    app.inject({ method: 'GET', url: '/v1/contacts', headers: { authorization: `Bearer ${token}` } });
  return { app, opened, call, contacts };
}

describe('JSON state file', () => {
  it('defaults to relay-state.json beside the config, and seeds it from the config once', async () => {
    const { config, dir, file } = configIn();
    expect(file).toBe(join(dir, 'relay-state.json'));
    const first = await start(config);
    expect(first.opened.source).toBe('config');
    await first.app.close();
    const text = readFileSync(file, 'utf8');
    expect(text, 'tokens are stored hashed').not.toContain(AYSE_TOKEN);
    expect(JSON.parse(text)).toMatchObject({
      version: 1,
      rev: 1,
      agents: [{ user: 'ayse' }, { user: 'mehmet' }],
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Later the file is the source of truth: agents added to the config are not read.
    const raw = rawConfig();
    const changed = testConfig(
      {
        agents: [
          ...(raw.agents as object[]),
          { user: 'new', extensions: ['1'], token: 'new-token-0123456789' },
        ],
      },
      dir,
    );
    const second = await start(changed);
    expect(second.opened.source).toBe('store');
    expect((await second.call('GET', '/v1/admin/agents')).json().agents).toHaveLength(2);
    await second.app.close();
  });

  it('keeps changes across a restart on the same file', async () => {
    const { config } = configIn();
    const a = await start(config);
    await a.call('POST', '/v1/admin/agents', { user: 'zeynep', extensions: ['911'] });
    const { token } = (await a.call('POST', '/v1/admin/agents/zeynep/tokens', { label: 'Chrome' })).json();
    await a.call('DELETE', '/v1/admin/agents/ayse/tokens/config0');
    await a.app.close();

    const b = await start(config);
    expect((await b.contacts(token)).statusCode).toBe(200);
    expect((await b.contacts(AYSE_TOKEN)).statusCode, 'a revoked token stays revoked').toBe(401);
    expect((await b.call('GET', '/v1/admin/agents/zeynep')).json().agent.tokens[0].label).toBe('Chrome');
    await b.app.close();
  });

  it('is valid JSON at every moment of many concurrent changes, and leaves no temp file', async () => {
    const { config, dir, file } = configIn();
    const { app, call } = await start(config);
    let reads = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        JSON.parse(readFileSync(file, 'utf8'));
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call('POST', '/v1/admin/agents', { user: `u${i}`, extensions: [`${i}`] }),
      ),
    );
    reading = false;
    await reader;
    expect(results.map((r) => r.statusCode)).toEqual(Array(40).fill(201));
    expect(reads).toBeGreaterThan(0);
    const state = JSON.parse(readFileSync(file, 'utf8'));
    expect(state.agents).toHaveLength(42);
    expect(state.rev, 'one stored revision per change').toBe(41);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    await app.close();
  });

  it('keeps the old file and refuses the change (503) when a write fails half-way', async () => {
    const { config, dir, file } = configIn();
    await (await start(config)).app.close();
    const before = readFileSync(file, 'utf8');
    const failingRename: typeof fsPromises.rename = async () => {
      throw Object.assign(new Error('disk gone'), { code: 'EIO' });
    };
    const store = new FileAgentStore(file, { ...fsPromises, rename: failingRename });
    const { directory } = await ManagedAgentDirectory.open(store, config.agents, {
      now: new Date().toISOString(),
    });
    const app = buildApp({ config, agents: directory, logger: false });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/admin/agents/ayse/tokens',
      headers: admin,
      payload: {},
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'unavailable', reason: expect.stringContaining('EIO') });
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(directory.view('ayse')?.tokens, 'nothing changed in memory either').toHaveLength(1);
    await app.close();
  });

  it('removes temp files a crashed write left behind, and never reads them', async () => {
    const { config, dir, file } = configIn();
    await (await start(config)).app.close();
    const stale = join(dir, 'relay-state.json.tmp-999-deadbeef');
    writeFileSync(stale, '{"version":1,"rev":9,"agents":[');
    const again = await start(config);
    expect(existsSync(stale)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).rev).toBe(1);
    await again.app.close();
  });

  it('stops start-up with a message naming the problem in a damaged or hand-edited file', async () => {
    const { config, file } = configIn({ state: { file: 'state/agents.json' } });
    expect(file).toMatch(/state\/agents\.json$/);
    const opening = openAgents(config);
    await expect(opening).rejects.toThrow(ConfigError);
    await expect(opening).rejects.toThrow(/cannot write .*agents\.json \(ENOENT\)/);

    const other = configIn();
    writeFileSync(other.file, '{"version":1,');
    await expect(openAgents(other.config)).rejects.toThrow(/is not valid JSON/);
    writeFileSync(
      other.file,
      JSON.stringify({
        version: 1,
        rev: 3,
        agents: [{ user: 'a', extensions: ['1 2'], agentIds: [], tokens: [] }],
      }),
    );
    await expect(openAgents(other.config)).rejects.toThrow(
      /relay-state\.json: agents\[0\]\.extensions\[0\] must be a string matching/,
    );
  });

  it('refuses to seed a config whose agents share an agent id, naming the field', async () => {
    const raw = rawConfig();
    const [ayse, mehmet] = raw.agents as Record<string, unknown>[];
    const { config } = configIn({ agents: [ayse, { ...mehmet, agentIds: ['911'] }] });
    await expect(openAgents(config)).rejects.toThrow(
      'config: agents[1].agentIds[0] "911" already belongs to agent "ayse"',
    );
  });

  it('reports a store that cannot be read as a StateError', async () => {
    const { dir } = configIn();
    const store = new FileAgentStore(dir);
    await expect(store.load()).rejects.toThrow(StateError);
  });
});
