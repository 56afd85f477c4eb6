import { utimesSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseContacts } from '../../../relay/contacts/contactsCsv.ts';
import { buildApp } from '../../../relay/server/app.ts';
import type { ContactPage } from '../../../shared/contact.ts';
import { AYSE_TOKEN, captureLog, fakeClock, SECRET, tempDir, testConfig } from './helpers.ts';

const HEADER = 'id,kind,name,company_id,company,phones,owner,updated_at';
const CSV = `\uFEFF${HEADER}
C-1,company,IP Santral Firması,,,0212 555 01 00;+90 (212) 555-0101,ayse,2024-05-27T09:30:00Z
P-1,person,Ayşe Demir,C-1,IP Santral Firması,0533 497 97 14,ayse,
P-2,person,"Öztürk, Kemal",C-1,,"+90 (532) 318-4471 ; 0212 555 01 05",mehmet,
C-2,company,"Ege ""Mavi"" Turizm","",,+7 (495) 123-45-67,,
`;

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function setup(csv = CSV) {
  const dir = tempDir();
  dirs.push(dir);
  const file = dir.write('contacts.csv', csv);
  const clock = fakeClock();
  const log = captureLog();
  const app = buildApp({ config: testConfig({ contacts: { file } }), logger: { stream: log.stream }, clock });
  const get = (url: string, headers: Record<string, string> = { authorization: `Bearer ${AYSE_TOKEN}` }) =>
    app.inject({ method: 'GET', url, headers });
  const page = async (url: string) => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as ContactPage;
  };
  return { app, dir, file, clock, log, get, page };
}

describe('contacts file', () => {
  it('reads quoted names, raw phones split on ";", and fills a person’s company from its company row', () => {
    const { contacts, problems } = parseContacts(CSV);
    expect(problems).toEqual([]);
    expect(contacts[0]).toEqual({
      id: 'C-1',
      kind: 'company',
      name: 'IP Santral Firması',
      phones: ['0212 555 01 00', '+90 (212) 555-0101'],
      owner: 'ayse',
      updatedAt: '2024-05-27T09:30:00.000Z',
    });
    expect(contacts[2]).toMatchObject({
      name: 'Öztürk, Kemal',
      companyId: 'C-1',
      company: 'IP Santral Firması',
      phones: ['+90 (532) 318-4471', '0212 555 01 05'],
    });
    expect(contacts[3]?.name).toBe('Ege "Mavi" Turizm');
  });

  it('skips bad rows with their line numbers and keeps the good ones', () => {
    const csv = `${HEADER}
P-1,person,Good One,,,0533 497 97 14,,
P-2,robot,Bad Kind,,,1,,
"P 3",person,Bad Id,,,1,,
P-4,person,,,,1,,
P-1,person,Duplicate,,,1,,
P-5,person,"Multi
Line Note",,,1,,not-a-date
P-6,person,Too,Many,Fields,1,x,2024-01-01,extra
P-7,person,Short Row`;
    const { contacts, problems } = parseContacts(csv);
    expect(contacts.map((c) => c.id)).toEqual(['P-1', 'P-7']);
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 9]);
    expect(problems[0]?.reason).toBe('kind must be company or person, not "robot"');
    expect(problems[3]?.reason).toBe('duplicate id P-1 (first on line 2)');
  });

  it('refuses a file without the needed columns', () => {
    expect(parseContacts('id,name\n1,x\n').error).toBe('the header row lacks column(s): kind, phones');
    expect(parseContacts('').error).toMatch(/empty/);
  });
});

describe('GET /v1/contacts', () => {
  it('needs an agent token: contacts are personal data', async () => {
    const { get } = setup();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: `Bearer ${SECRET}` },
    ];
    for (const headers of attempts) {
      const res = await get('/v1/contacts', headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'unauthorized' });
    }
  });

  it('pages through all contacts with the returned cursor', async () => {
    const { page } = setup();
    const first = await page('/v1/contacts?limit=3');
    expect(first).toMatchObject({ done: false, total: 4, deleted: [] });
    expect(first.reset, 'a walk from the start is never a reset').toBeUndefined();
    expect(first.contacts.map((c) => c.id)).toEqual(['C-1', 'P-1', 'P-2']);
    const second = await page(`/v1/contacts?after=${first.cursor}&limit=3`);
    expect(second).toMatchObject({ done: true, total: 4, deleted: [] });
    expect(second.contacts.map((c) => c.id)).toEqual(['C-2']);
    const again = await page(`/v1/contacts?after=${second.cursor}`);
    expect(again, 'nothing changed since the finished walk').toEqual({ ...second, contacts: [] });
    const whole = await page('/v1/contacts?after=');
    expect(whole).toMatchObject({ cursor: second.cursor, done: true, total: 4 });
    expect(whole.contacts).toHaveLength(4);
  });

  it('serves 500 by default and at most 5000 per page', async () => {
    const rows = Array.from(
      { length: 5200 },
      (_, i) => `P-${i},person,Person ${i},,,0533 000 ${String(i).padStart(4, '0')},,`,
    );
    const { page } = setup(`${HEADER}\n${rows.join('\n')}\n`);
    expect((await page('/v1/contacts')).contacts).toHaveLength(500);
    const big = await page('/v1/contacts?limit=100000');
    expect(big).toMatchObject({ done: false, total: 5200 });
    expect(big.contacts).toHaveLength(5000);
    const rest = await page(`/v1/contacts?after=${big.cursor}&limit=100000`);
    expect(rest).toMatchObject({ done: true, total: 5200 });
    expect(rest.contacts.map((c) => c.id)).toEqual(Array.from({ length: 200 }, (_, i) => `P-${5000 + i}`));
  });

  it('answers 400 naming after or limit when they are not usable at all', async () => {
    const { get } = setup();
    expect((await get(`/v1/contacts?after=${'x'.repeat(101)}`)).json()).toMatchObject({
      error: 'bad-request',
      field: 'after',
    });
    expect((await get('/v1/contacts?after=a&after=b')).json()).toMatchObject({ field: 'after' });
    expect((await get('/v1/contacts?limit=0')).json()).toMatchObject({ field: 'limit' });
    expect((await get('/v1/contacts?limit=ten')).statusCode).toBe(400);
  });

  it('logs skipped rows with their line number', async () => {
    const { page, log } = setup(`${HEADER}\nP-1,person,Ok,,,1,,\nP-2,alien,X,,,1,,\n`);
    expect((await page('/v1/contacts')).total).toBe(1);
    expect(log.entries()).toContainEqual(expect.objectContaining({ msg: 'contacts: row skipped', line: 3 }));
  });

  it('picks up a changed file, checking at most once a second', async () => {
    const { page, dir, file, clock } = setup();
    expect((await page('/v1/contacts')).total).toBe(4);
    dir.write('contacts.csv', `${HEADER}\nN-1,person,New Person,,,0555 111 22 33,,\n`);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    clock.advance(500);
    expect((await page('/v1/contacts')).total).toBe(4);
    clock.advance(600);
    const fresh = await page('/v1/contacts');
    expect(fresh.total).toBe(1);
    expect(fresh.contacts[0]?.name).toBe('New Person');
  });

  it('keeps serving the last good file when a new one is unusable', async () => {
    const { page, dir, file, clock, log } = setup();
    await page('/v1/contacts');
    dir.write('contacts.csv', 'this is not,the right header\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    clock.advance(1500);
    expect((await page('/v1/contacts')).total).toBe(4);
    expect(log.text()).toContain('still serving the previous 4 contacts');
  });

  it('refuses to start with a contacts file that lacks columns, saying which', async () => {
    const { app } = setup('name,phone\nx,1\n');
    await expect(app.ready()).rejects.toThrow(/lacks column\(s\): id, kind, phones/);
  });

  it('serves an empty, finished feed when no contacts file is configured', async () => {
    const app = buildApp({ config: testConfig(), logger: false });
    const res = await app.inject({
      method: 'GET',
      url: '/v1/contacts',
      headers: { authorization: `Bearer ${AYSE_TOKEN}` },
    });
    expect(res.json()).toEqual({ contacts: [], deleted: [], cursor: '', done: true, total: 0 });
  });
});

describe('CORS for the extension', () => {
  const origins = [
    'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
    'moz-extension://2c127fa4-62c7-7e4f-90e5-472b45eecfdc',
  ];

  it('answers the preflight of an extension origin, allowing the Authorization header', async () => {
    const { app } = setup();
    for (const origin of origins) {
      for (const url of ['/v1/contacts', '/healthz']) {
        const res = await app.inject({
          method: 'OPTIONS',
          url,
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
        expect(res.statusCode).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe(origin);
        expect(String(res.headers['access-control-allow-headers'])).toMatch(/authorization/i);
      }
    }
  });

  it('reflects extension origins on responses, including a 401 the extension must be able to read', async () => {
    const { get } = setup();
    const ok = await get('/v1/contacts', {
      origin: origins[1] as string,
      authorization: `Bearer ${AYSE_TOKEN}`,
    });
    expect(ok.headers['access-control-allow-origin']).toBe(origins[1]);
    const refused = await get('/v1/contacts', { origin: origins[0] as string });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(origins[0]);
    const health = await get('/healthz', { origin: origins[0] as string });
    expect(health.json()).toEqual({ ok: true });
    expect(health.headers['access-control-allow-origin']).toBe(origins[0]);
  });

  it('never allows web origins and never uses a wildcard', async () => {
    const { app, get } = setup();
    for (const origin of [
      'https://evil.example',
      'null',
      'chrome-extension://x/../evil',
      'http://chrome-extension.example',
    ]) {
      const pre = await app.inject({ method: 'OPTIONS', url: '/v1/contacts', headers: { origin } });
      expect(pre.headers['access-control-allow-origin'], origin).toBeUndefined();
      const res = await get('/v1/contacts', { origin, authorization: `Bearer ${AYSE_TOKEN}` });
      expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
    const plain = await get('/healthz', {});
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });
});
