// CSV export and import of the mapping through the admin API.
import { describe, expect, it } from 'vitest';
import { agentsToCsv, csvToAgents } from '../../../relay/admin/adminCsv.ts';
import { CSV_BODY_LIMIT } from '../../../relay/admin/adminRoutes.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, MEHMET_TOKEN, testConfig } from './helpers.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

function setup() {
  const app = buildApp({ config: testConfig(), logger: false });
  const exportCsv = () => app.inject({ method: 'GET', url: '/v1/admin/agents.csv', headers: admin });
  const importCsv = (csv: string, query = '') =>
    app.inject({
      method: 'PUT',
      url: `/v1/admin/agents.csv${query}`,
      headers: { ...admin, 'content-type': 'text/csv' },
      payload: csv,
    });
  const list = async () =>
    (await app.inject({ method: 'GET', url: '/v1/admin/agents', headers: admin })).json().agents;
  const contacts = (token: string) =>
    app.inject({ method: 'GET', url: '/v1/contacts', headers: { authorization: `Bearer ${token}` } });
  return { exportCsv, importCsv, list, contacts };
}

describe('agents CSV', () => {
  it('exports the mapping with ;-separated lists, as a download', async () => {
    const res = await setup().exportCsv();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="agents.csv"');
    expect(res.body).toBe(
      'user,name,extensions,agentIds,crm_user_id\r\nayse,Ayşe Yılmaz,911,911,\r\nmehmet,Mehmet Kaya,912,,\r\n',
    );
  });

  it('round-trips names with commas and quotes, and lists', () => {
    const agents = [
      { user: 'a', name: 'Kaya, "Memo"', extensions: ['1', '2'], agentIds: ['x'], tokens: [] },
      { user: 'b', name: ' padded', extensions: [], agentIds: ['y', 'z'], tokens: [] },
    ];
    const parsed = csvToAgents(agentsToCsv(agents));
    expect(parsed).toEqual({
      ok: true,
      rows: [
        { user: 'a', name: 'Kaya, "Memo"', extensions: ['1', '2'], agentIds: ['x'] },
        // Names are trimmed on the way in, as the API and config do.
        { user: 'b', name: 'padded', extensions: [], agentIds: ['y', 'z'] },
      ],
      crmUserIds: true,
    });
  });

  it('imports a whole mapping: adds, changes, removes, and keeps the tokens of agents that stay', async () => {
    const { importCsv, list, contacts } = setup();
    const csv = 'User,Name,Extensions,AgentIds\nayse,Ayşe Y.,911;920,911\nzeynep,,911, z-1 ; z-2 \n';
    const res = await importCsv(csv);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      ok: true,
      dryRun: false,
      added: ['zeynep'],
      changed: ['ayse'],
      removed: ['mehmet'],
      unchanged: 0,
    });
    const agents = await list();
    expect(agents.map((a: { user: string; name: string }) => [a.user, a.name])).toEqual([
      ['ayse', 'Ayşe Y.'],
      ['zeynep', 'zeynep'],
    ]);
    expect(agents[1].agentIds).toEqual(['z-1', 'z-2']);
    expect((await contacts(AYSE_TOKEN)).statusCode, 'ayse stayed, so her token still works').toBe(200);
    expect((await contacts(MEHMET_TOKEN)).statusCode, 'mehmet was removed with his token').toBe(401);
  });

  it('round-trips an export through an import unchanged', async () => {
    const { exportCsv, importCsv } = setup();
    const res = await importCsv((await exportCsv()).body);
    expect(res.json()).toMatchObject({ added: [], changed: [], removed: [], unchanged: 2 });
  });

  it('escapes cells a spreadsheet would run, and imports its own export back unchanged', () => {
    const agents = [
      { user: 'a', name: '=HYPERLINK("http://evil/")', extensions: ['-5'], agentIds: ['@x'], tokens: [] },
      { user: 'b', name: '+90 532 318 44 71', extensions: ['911'], agentIds: [], tokens: [] },
      { user: 'c', name: "'=already quoted", extensions: ['912'], agentIds: [], tokens: [] },
    ];
    const csv = agentsToCsv(agents);
    expect(csv.split('\r\n').slice(1, 4)).toEqual([
      `a,"'=HYPERLINK(""http://evil/"")",'-5,'@x,`,
      "b,'+90 532 318 44 71,911,,",
      "c,''=already quoted,912,,",
    ]);
    expect(csvToAgents(csv)).toEqual({
      ok: true,
      rows: agents.map(({ tokens: _tokens, ...fields }) => fields),
      crmUserIds: true,
    });
  });

  it('answers an import over the limit with 413 naming the real limit (1 MiB)', async () => {
    const { importCsv, list } = setup();
    const big = `user,name,extensions,agentIds\n${'x'.repeat(CSV_BODY_LIMIT)}\n`;
    const res = await importCsv(big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: 'payload-too-large',
      reason: `body is larger than ${CSV_BODY_LIMIT} bytes`,
    });
    expect(CSV_BODY_LIMIT).toBe(1024 * 1024);
    expect(await list()).toHaveLength(2);
    const fits = `user,name,extensions,agentIds\nayse,${'x'.repeat(100_000)},911,911\n`;
    expect((await importCsv(fits)).statusCode, 'a body over 64 KiB but under 1 MiB is read').not.toBe(413);
  });

  it('previews an import with ?dryRun=true without applying it', async () => {
    const { importCsv, list } = setup();
    const res = await importCsv('user,extensions\nayse,911\n', '?dryRun=true');
    expect(res.json()).toMatchObject({ dryRun: true, changed: ['ayse'], removed: ['mehmet'] });
    expect(await list()).toHaveLength(2);
  });

  it('rejects the whole import, reporting every bad line, when any line is bad', async () => {
    const { importCsv, list } = setup();
    const csv = [
      'user,name,extensions,agentIds',
      'ayse,Ayşe,911,911',
      'bad user,X,1,',
      'zeynep,Z,,',
      'ayse,again,5,',
      'can,Can,913,911',
      'ok,Ok,914,,extra',
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({
      error: 'bad-request',
      field: 'csv',
      reason: '5 line(s) are wrong; nothing was imported',
    });
    expect(body.problems.map((p: { line: number; field?: string }) => [p.line, p.field])).toEqual([
      [3, 'user'],
      [4, 'extensions'],
      [5, 'user'],
      [6, 'agentIds'],
      [7, undefined],
    ]);
    expect(body.problems[2].reason).toBe('user "ayse" is also on line 2');
    expect(await list(), 'nothing was applied').toHaveLength(2);
  });

  it('refuses a file that is not ours: unknown column, no user column, no agents, not text', async () => {
    const { importCsv, list } = setup();
    const unknown = await importCsv('user,token\nayse,secret-0123456789\n');
    expect(unknown.json().problems[0].reason).toMatch(/column "token" is not one of/);
    expect((await importCsv('name,extensions\nA,1\n')).json().problems[0].reason).toMatch(/first line/);
    expect((await importCsv('user,name,extensions,agentIds\n')).json().problems[0].reason).toBe(
      'the file has no agents',
    );
    expect((await importCsv('user,name\n"ayse,A\n')).statusCode).toBe(400);
    expect(await list()).toHaveLength(2);
  });
});
