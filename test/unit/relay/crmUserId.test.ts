// An agent's optional CRM user id (the owner of the call records the journal writes): checked by the
// shared mapping rules, set in the config file, the admin API and the CSV, and kept by the stores.
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../relay/server/app.ts';
import { parseConfig } from '../../../relay/server/config.ts';
import { openAgents } from '../../../relay/server/openAgents.ts';
import { MappingError, parseAgentFields, parseCrmUserId } from '../../../shared/agentMapping.ts';
import { ADMIN_TOKEN, rawConfig, tempDir, testConfig } from './helpers.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const UUID = '5e8c2f4a-1b3d-4e6f-9a0b-7c2d1e3f4a5b';

function refusal(run: () => unknown): MappingError {
  try {
    run();
  } catch (error) {
    if (error instanceof MappingError) return error;
    throw error;
  }
  throw new Error('expected a MappingError');
}

function setup() {
  const app = buildApp({ config: testConfig(), logger: false });
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: admin,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const importCsv = (csv: string) =>
    app.inject({
      method: 'PUT',
      url: '/v1/admin/agents.csv',
      headers: { ...admin, 'content-type': 'text/csv' },
      payload: csv,
    });
  const agent = async (user: string) => (await call('GET', `/v1/admin/agents/${user}`)).json().agent;
  return { call, importCsv, agent };
}

describe('the CRM user id rule (shared/agentMapping.ts)', () => {
  it('takes vtiger ids, SuiteCRM UUIDs and login-like ids, trimmed; empty means none', () => {
    for (const id of ['5', '19x5', UUID, 'ayse@example.com', 'crm:user.7_a'])
      expect(parseCrmUserId(id), id).toBe(id);
    expect(parseCrmUserId(' 19x5 ')).toBe('19x5');
    expect(parseCrmUserId(''), 'an empty value clears the id').toBeUndefined();
    expect(parseCrmUserId(undefined)).toBeUndefined();
    const fields = parseAgentFields({ user: 'ayse', extensions: ['911'], crmUserId: '19x5' });
    expect(fields.crmUserId).toBe('19x5');
    expect(parseAgentFields({ user: 'ayse', extensions: ['911'], crmUserId: '' })).not.toHaveProperty(
      'crmUserId',
    );
  });

  it('refuses other characters, control characters, over 100 characters and non-strings, naming the field', () => {
    const cases: [unknown, RegExp][] = [
      ['19x5; DROP', /only letters, digits and \. _ : @ -/],
      ['ay se', /only letters/],
      ['5\n6', /control characters/],
      ['\u202e5x91', /bidirectional overrides/],
      ['x'.repeat(101), /at most 100 characters/],
      [5, /must be a string/],
    ];
    for (const [value, reason] of cases) {
      const error = refusal(() =>
        parseAgentFields({ user: 'ayse', extensions: ['911'], crmUserId: value }, { field: 'agents[2]' }),
      );
      expect(error.field, JSON.stringify(value)).toBe('agents[2].crmUserId');
      expect(error.message, JSON.stringify(value)).toMatch(reason);
    }
    expect(parseCrmUserId('x'.repeat(100))).toHaveLength(100);
  });
});

describe('the config file', () => {
  const withAyse = (extra: Record<string, unknown>) => {
    const raw = rawConfig();
    const [ayse, ...rest] = raw.agents as Record<string, unknown>[];
    return { ...raw, agents: [{ ...ayse, ...extra }, ...rest] };
  };

  it("reads an agent's crmUserId and names a bad one", () => {
    const config = parseConfig(withAyse({ crmUserId: '19x5' }), '/etc/screenpop');
    expect(config.agents[0]?.crmUserId).toBe('19x5');
    expect(config.agents[1], 'optional').not.toHaveProperty('crmUserId');
    expect(() => parseConfig(withAyse({ crmUserId: '19 x5' }), '/etc/screenpop')).toThrow(
      'config: agents[0].crmUserId must hold only letters, digits and . _ : @ -',
    );
    expect(() => parseConfig(withAyse({ crmUserId: 19 }), '/etc/screenpop')).toThrow(
      'config: agents[0].crmUserId must be a string',
    );
  });

  it.each(['sqlite', 'memory'])(
    'seeds the %s store with it, and the store keeps a change across a restart',
    async (kind) => {
      const dir = tempDir();
      try {
        const config = parseConfig({ ...withAyse({ crmUserId: '19x5' }), store: { kind } }, dir.dir);
        const start = async () => {
          const opened = await openAgents(config);
          const app = buildApp({ config, agents: opened.directory, logger: false });
          opened.attach(app);
          return app;
        };
        const first = await start();
        const get = async (app: typeof first) =>
          (await app.inject({ method: 'GET', url: '/v1/admin/agents/ayse', headers: admin })).json().agent;
        expect((await get(first)).crmUserId).toBe('19x5');
        const put = await first.inject({
          method: 'PUT',
          url: '/v1/admin/agents/ayse',
          headers: admin,
          payload: { crmUserId: UUID },
        });
        expect(put.statusCode, put.body).toBe(200);
        await first.close();
        const second = await start();
        expect((await get(second)).crmUserId).toBe(UUID);
        await second.close();
      } finally {
        dir.cleanup();
      }
    },
  );
});

describe('the admin API', () => {
  it('adds an agent with a crmUserId, shows it, keeps it when a change leaves it out, clears it with ""', async () => {
    const { call, agent } = setup();
    const added = await call('POST', '/v1/admin/agents', {
      user: 'zeynep',
      extensions: ['914'],
      crmUserId: '19x7',
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().agent).toMatchObject({ user: 'zeynep', crmUserId: '19x7' });
    expect((await call('GET', '/v1/admin/agents')).json().agents[2]).toMatchObject({ crmUserId: '19x7' });
    expect(await agent('ayse'), 'an agent without one shows none').not.toHaveProperty('crmUserId');

    await call('PUT', '/v1/admin/agents/zeynep', { extensions: ['914', '915'] });
    expect((await agent('zeynep')).crmUserId, 'fields not sent stay as they were').toBe('19x7');
    const changed = await call('PUT', '/v1/admin/agents/zeynep', { crmUserId: UUID });
    expect(changed.json().agent.crmUserId).toBe(UUID);
    await call('PUT', '/v1/admin/agents/zeynep', { crmUserId: '' });
    expect(await agent('zeynep')).not.toHaveProperty('crmUserId');
  });

  it('refuses a bad crmUserId with 400 naming the field, and stores nothing', async () => {
    const { call, agent } = setup();
    for (const crmUserId of ['19x5\r\n', 'a b', 'x'.repeat(101)]) {
      const res = await call('PUT', '/v1/admin/agents/ayse', { crmUserId });
      expect(res.statusCode, crmUserId).toBe(400);
      expect(res.json(), crmUserId).toMatchObject({ error: 'bad-request', field: 'crmUserId' });
    }
    expect(await agent('ayse')).not.toHaveProperty('crmUserId');
  });
});

describe('the CSV', () => {
  it('exports crm_user_id and imports it back unchanged', async () => {
    const { call, importCsv } = setup();
    await call('PUT', '/v1/admin/agents/ayse', { crmUserId: '19x5' });
    const csv = (await call('GET', '/v1/admin/agents.csv')).body;
    expect(csv.split('\r\n')[0]).toBe('user,name,extensions,agentIds,crm_user_id');
    expect(csv.split('\r\n')[1]).toBe('ayse,Ayşe Yılmaz,911,911,19x5');
    expect((await importCsv(csv)).json()).toMatchObject({ changed: [], unchanged: 2 });
  });

  it('sets, changes and (with an empty cell) clears ids from the column', async () => {
    const { call, importCsv, agent } = setup();
    await call('PUT', '/v1/admin/agents/ayse', { crmUserId: '19x5' });
    const res = await importCsv(`crm_user_id,user,extensions\n,ayse,911\n${UUID},mehmet,912\n`);
    expect(res.json()).toMatchObject({ changed: ['ayse', 'mehmet'] });
    expect(await agent('ayse'), 'an empty cell clears the id').not.toHaveProperty('crmUserId');
    expect((await agent('mehmet')).crmUserId).toBe(UUID);
  });

  it('imports an older CSV without the column, keeping the stored ids', async () => {
    const { call, importCsv, agent } = setup();
    await call('PUT', '/v1/admin/agents/ayse', { crmUserId: '19x5' });
    const res = await importCsv('user,name,extensions,agentIds\nayse,Ayşe Yılmaz,911,911\nzeynep,,914,\n');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ added: ['zeynep'], changed: [], removed: ['mehmet'], unchanged: 1 });
    expect((await agent('ayse')).crmUserId).toBe('19x5');
    expect(await agent('zeynep')).not.toHaveProperty('crmUserId');
  });

  it('names the line and the column of a bad id, and imports nothing', async () => {
    const { importCsv, agent } = setup();
    const res = await importCsv('user,extensions,crm_user_id\nayse,911,19x5\nmehmet,912,no way\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toEqual([
      { line: 3, field: 'crm_user_id', reason: 'crm_user_id must hold only letters, digits and . _ : @ -' },
    ]);
    expect(await agent('ayse')).not.toHaveProperty('crmUserId');
  });
});
