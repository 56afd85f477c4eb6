// The contact feed as a syncing client sees it: full walks, changes since a cursor, resets, and
// the sources (CSV, JSON, a directory of both) it is served from.
import { rmSync, utimesSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createContactsFeed } from '../../../relay/contacts/contactsFeed.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { parseConfig } from '../../../relay/server/config.ts';
import type { Contact, ContactPage } from '../../../shared/contact.ts';
import { AYSE_TOKEN, captureLog, fakeClock, rawConfig, tempDir, testConfig } from './helpers.ts';

const HEADER = 'id,kind,name,company_id,company,phones,owner,updated_at';
const row = (id: string, name: string, phones = '0533 000 00 00', companyId = '') =>
  `${id},person,${name},${companyId},,${phones},,`;
const csv = (...rows: string[]) => `${HEADER}\n${rows.join('\n')}\n`;
const people = (ids: string[]) =>
  csv(...ids.map((id, i) => row(id, `Person ${id}`, `0533 000 ${String(i).padStart(4, '0')}`)));

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

let mtime = Date.now();
/** Writes a file with a later mtime, as an export replacing it would. */
function rewrite(dir: ReturnType<typeof tempDir>, name: string, content: string): string {
  const path = dir.write(name, content);
  mtime += 10_000;
  utimesSync(path, new Date(mtime), new Date(mtime));
  return path;
}

function setup(files: Record<string, string>, mode: 'file' | 'dir' = 'file') {
  const dir = tempDir();
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) rewrite(dir, name, content);
  const clock = fakeClock();
  const log = captureLog();
  const source = mode === 'dir' ? { dir: dir.dir } : { file: `${dir.dir}/${Object.keys(files)[0]}` };
  const app = buildApp({ config: testConfig({ contacts: source }), logger: { stream: log.stream }, clock });
  const get = (url: string, headers: Record<string, string> = { authorization: `Bearer ${AYSE_TOKEN}` }) =>
    app.inject({ method: 'GET', url, headers });
  const page = async (after: string, limit = 500) => {
    const res = await get(`/v1/contacts?after=${encodeURIComponent(after)}&limit=${limit}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as ContactPage;
  };
  /** Applies a file change the way the relay will see it: after the once-a-second check. */
  const change = (name: string, content: string) => {
    rewrite(dir, name, content);
    clock.advance(1100);
  };
  return { app, dir, clock, log, get, page, change };
}

/** A client's cache: walks pages from `after` until done, applying upserts and deletions. */
async function sync(
  page: (after: string, limit: number) => Promise<ContactPage>,
  cache: Map<string, Contact>,
  after: string,
  limit = 500,
) {
  const received: string[] = [];
  const deleted: string[] = [];
  let cursor = after;
  for (let pages = 1; ; pages++) {
    const p = await page(cursor, limit);
    expect(p.reset, 'no reset expected here').toBeUndefined();
    for (const c of p.contacts) cache.set(c.id, c);
    for (const id of p.deleted) cache.delete(id);
    received.push(...p.contacts.map((c) => c.id));
    deleted.push(...p.deleted);
    expect(p.contacts.length + p.deleted.length).toBeLessThanOrEqual(limit);
    cursor = p.cursor;
    if (p.done) return { cursor, received, deleted, pages, total: p.total };
  }
}

const ids = (cache: Map<string, Contact>) => [...cache.keys()].sort();

describe('full walk', () => {
  it('delivers every contact exactly once across pages, then nothing until something changes', async () => {
    const all = Array.from({ length: 23 }, (_, i) => `P-${i}`);
    const { page } = setup({ 'contacts.csv': people(all) });
    const cache = new Map<string, Contact>();
    const walk = await sync(page, cache, '', 5);
    expect(walk).toMatchObject({ pages: 5, total: 23, deleted: [] });
    expect(walk.received).toEqual(all);
    expect(await page(walk.cursor)).toEqual({
      contacts: [],
      deleted: [],
      cursor: walk.cursor,
      done: true,
      total: 23,
    });
  });

  it('stays consistent when the file is reloaded mid-walk: ends on exactly the new file', async () => {
    const { page, change } = setup({ 'contacts.csv': people(['A', 'B', 'C', 'D', 'E', 'F']) });
    const cache = new Map<string, Contact>();
    const first = await page('', 2);
    for (const c of first.contacts) cache.set(c.id, c);
    expect(ids(cache)).toEqual(['A', 'B']);
    // A (already received) renamed, B (received) deleted, D (not yet) renamed, E (not yet) deleted, G new.
    const next = csv(
      row('A', 'Person A renamed', '0533 000 0000'),
      row('C', 'Person C', '0533 000 0002'),
      row('D', 'Person D renamed', '0533 000 0003'),
      row('F', 'Person F', '0533 000 0005'),
      row('G', 'Person G', '0533 000 0006'),
    );
    change('contacts.csv', next);
    const rest = await sync(page, cache, first.cursor, 2);
    expect(ids(cache)).toEqual(['A', 'C', 'D', 'F', 'G']);
    expect(cache.get('A')?.name).toBe('Person A renamed');
    expect(cache.get('D')?.name).toBe('Person D renamed');
    expect(
      rest.received.filter((id) => id === 'C' || id === 'F'),
      'unchanged contacts come once',
    ).toEqual(['C', 'F']);
    expect(rest.received, 'what was deleted before the client got it is never sent').not.toContain('E');
    expect(rest.total).toBe(5);
  });
});

describe('changes since a finished walk', () => {
  it('returns exactly the modified and added contacts and the deleted ids', async () => {
    const { page, change } = setup({ 'contacts.csv': people(['A', 'B', 'C', 'D']) });
    const cache = new Map<string, Contact>();
    const walk = await sync(page, cache, '');
    change(
      'contacts.csv',
      csv(
        row('A', 'Person A', '0533 000 0000'),
        row('B', 'Person B (new name)', '0533 000 0001'),
        row('D', 'Person D', '0533 000 0003'),
        row('E', 'Person E', '0533 000 0004'),
      ),
    );
    const delta = await page(walk.cursor);
    expect(delta.contacts.map((c) => [c.id, c.name])).toEqual([
      ['B', 'Person B (new name)'],
      ['E', 'Person E'],
    ]);
    expect(delta).toMatchObject({ deleted: ['C'], done: true, total: 4 });
    expect(delta.cursor).not.toBe(walk.cursor);
    expect(await page(delta.cursor)).toMatchObject({ contacts: [], deleted: [], done: true });
  });

  it('shows a phone change of one contact as that contact changed, with its new phones', async () => {
    const { page, change, get } = setup({ 'contacts.csv': people(['A', 'B']) });
    const walk = await sync(page, new Map(), '');
    change(
      'contacts.csv',
      csv(row('A', 'Person A', '0533 000 0000'), row('B', 'Person B', '0533 999 9999;0212 555 01 05')),
    );
    const delta = await page(walk.cursor);
    expect(delta.contacts).toEqual([
      { id: 'B', kind: 'person', name: 'Person B', phones: ['0533 999 9999', '0212 555 01 05'] },
    ]);
    expect(delta.deleted).toEqual([]);
    const lookup = async (phone: string) =>
      (
        (await get(`/v1/contacts/lookup?phone=${encodeURIComponent(phone)}`)).json() as {
          contacts: Contact[];
        }
      ).contacts;
    expect(await lookup('05330000001'), 'the old number no longer matches').toEqual([]);
    expect((await lookup('+90 533 999 99 99')).map((c) => c.id)).toEqual(['B']);
  });

  it('pages many changes and sums up several reloads', async () => {
    const all = Array.from({ length: 30 }, (_, i) => `P-${i}`);
    const { page, change } = setup({ 'contacts.csv': people(all) });
    const cache = new Map<string, Contact>();
    const walk = await sync(page, cache, '');
    change('contacts.csv', people(all.slice(10)));
    change('contacts.csv', people([...all.slice(10), 'N-1', 'N-2']));
    const page1 = await page('', 1);
    expect(page1.total).toBe(22);
    const delta = await sync(page, cache, walk.cursor, 4);
    expect(delta.deleted.sort()).toEqual(all.slice(0, 10).sort());
    // Every kept contact moved to another phone (people() numbers by position), so all changed.
    expect(delta.received.sort()).toEqual([...all.slice(10), 'N-1', 'N-2'].sort());
    expect(delta.pages).toBe(8);
    expect(ids(cache)).toEqual([...all.slice(10), 'N-1', 'N-2'].sort());
  });
});

describe('reset', () => {
  const RESET = { reset: true, contacts: [], deleted: [], cursor: '', done: true };

  it('answers garbage and cursors of the old offset feed with reset, and the live total', async () => {
    const { page } = setup({ 'contacts.csv': people(['A', 'B', 'C']) });
    for (const after of ['abc', '3', 'x.1', '..', `${'a'.repeat(16)}.1`])
      expect(await page(after), after).toEqual({ ...RESET, total: 3 });
  });

  it('answers a cursor from another relay run with reset', async () => {
    const first = setup({ 'contacts.csv': people(['A', 'B']) });
    const cursor = (await first.page('')).cursor;
    const second = setup({ 'contacts.csv': people(['A', 'B']) });
    expect(await second.page(cursor)).toEqual({ ...RESET, total: 2 });
  });

  it('answers a cursor older than the history with reset, a recent one with the changes', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = rewrite(dir, 'contacts.csv', people(['A', 'B']));
    const clock = fakeClock();
    const feed = createContactsFeed({
      source: { file },
      log: { info() {}, warn() {}, error() {} },
      clock,
      history: 2,
    });
    const cursors = [(await feed.page('', 10)).cursor];
    for (const next of [['A'], ['A', 'C'], ['C']]) {
      rewrite(dir, 'contacts.csv', people(next));
      clock.advance(1100);
      cursors.push((await feed.page(cursors.at(-1) as string, 10)).cursor);
    }
    expect(await feed.page(cursors[0] as string, 10), 'three reloads ago').toEqual({ ...RESET, total: 1 });
    expect(await feed.page(cursors[1] as string, 10), 'two reloads ago').toEqual({ ...RESET, total: 1 });
    const recent = await feed.page(cursors[2] as string, 10);
    // C moved to the first row, so people() gave it the first row's phone.
    expect(recent.contacts.map((c) => [c.id, c.phones])).toEqual([['C', ['0533 000 0000']]]);
    expect(recent).toMatchObject({ deleted: ['A'], done: true, total: 1 });
  });
});

describe('sources', () => {
  it('serves a JSON file: an array or {contacts}, several phones, company links and owner', async () => {
    const contacts = [
      { id: 'C-1', kind: 'company', name: 'IP Santral Firması', phones: ['0212 555 01 00'], owner: 'ayse' },
      {
        id: 'P-1',
        kind: 'person',
        name: 'Ayşe Demir',
        companyId: 'C-1',
        phones: ['0533 497 97 14', '+90 212 555 01 01'],
      },
      { id: 'P-2', kind: 'robot', name: 'Bad', phones: [] },
    ];
    for (const body of [contacts, { contacts }]) {
      const { page, log } = setup({ 'contacts.json': JSON.stringify(body) });
      const walk = await page('');
      expect(walk.contacts).toEqual([
        { id: 'C-1', kind: 'company', name: 'IP Santral Firması', phones: ['0212 555 01 00'], owner: 'ayse' },
        {
          id: 'P-1',
          kind: 'person',
          name: 'Ayşe Demir',
          companyId: 'C-1',
          company: 'IP Santral Firması',
          phones: ['0533 497 97 14', '+90 212 555 01 01'],
        },
      ]);
      expect(log.entries()).toContainEqual(
        expect.objectContaining({
          msg: 'contacts: row skipped',
          line: 3,
          reason: expect.stringMatching(/kind/),
        }),
      );
    }
  });

  it('merges a directory of CSV and JSON files, the later file winning a duplicate id', async () => {
    const { dir, page, change, log } = setup(
      {
        'a-companies.csv': csv(
          'C-1,company,Ege Turizm,,,0232 555 00 00,,',
          row('P-1', 'Old Name', '0533 000 0001'),
        ),
        'b-people.json': JSON.stringify([
          {
            id: 'P-1',
            kind: 'person',
            name: 'Ali Veli',
            company_id: 'C-1',
            phones: ['0533 000 0001'],
            owner: 'ayse',
          },
          { id: 'P-2', kind: 'person', name: 'Can Su', phones: ['0533 000 0002'] },
        ]),
        'notes.txt': 'not contacts',
      },
      'dir',
    );
    const cache = new Map<string, Contact>();
    const walk = await sync(page, cache, '');
    expect(ids(cache)).toEqual(['C-1', 'P-1', 'P-2']);
    expect(cache.get('P-1'), 'a company in another file still names the person').toMatchObject({
      name: 'Ali Veli',
      company: 'Ege Turizm',
      owner: 'ayse',
    });
    expect(log.entries()).toContainEqual(
      expect.objectContaining({ msg: 'contacts: duplicate id, the later file wins', id: 'P-1' }),
    );

    change('a-companies.csv', csv('C-1,company,Ege Turizm A.Ş.,,,0232 555 00 00,,'));
    const renamed = await page(walk.cursor);
    expect(renamed.contacts.map((c) => [c.id, c.company ?? c.name])).toEqual([
      ['C-1', 'Ege Turizm A.Ş.'],
      ['P-1', 'Ege Turizm A.Ş.'],
    ]);
    expect(renamed.deleted).toEqual([]);

    rmSync(`${dir.dir}/b-people.json`);
    change(
      'c-more.json',
      JSON.stringify({ contacts: [{ id: 'P-3', kind: 'person', name: 'Ece', phones: [] }] }),
    );
    const moved = await page(renamed.cursor);
    expect(moved.contacts.map((c) => c.id)).toEqual(['P-3']);
    expect(moved.deleted.sort()).toEqual(['P-1', 'P-2']);
    expect(moved.total).toBe(2);
  });

  it('keeps serving the last good data when a reload is broken, and moves on once it is fixed', async () => {
    const { page, change, log, get } = setup(
      {
        'a.csv': people(['A', 'B']),
        'b.json': JSON.stringify([{ id: 'J', kind: 'person', name: 'J', phones: [] }]),
      },
      'dir',
    );
    const walk = await sync(page, new Map(), '');
    change('b.json', '[{"id": "J", "kind": "person",');
    change('a.csv', 'no,header,here\n');
    const during = await page(walk.cursor);
    expect(during).toMatchObject({ contacts: [], deleted: [], done: true, total: 3 });
    expect(during.reset).toBeUndefined();
    expect((await page('')).contacts.map((c) => c.id)).toEqual(['A', 'B', 'J']);
    expect(log.text()).toContain('is not valid JSON');
    expect(log.text()).toContain('still serving the previous 2 contacts');
    const failures = async () =>
      /^screenpop_contact_reload_failures_total (\d+)$/m.exec((await get('/metrics', {})).body)?.[1];
    expect(await failures(), 'each broken file counted once').toBe('2');
    await page(walk.cursor);
    expect(await failures(), 'a lasting failure is not counted again').toBe('2');
    change('a.csv', people(['A']));
    expect(await page(during.cursor)).toMatchObject({ contacts: [], deleted: ['B'], total: 2 });
  });

  it('refuses to start with a broken file in the directory, naming it', async () => {
    const { app } = setup({ 'a.csv': people(['A']), 'b.json': '{"contacts": 5}' }, 'dir');
    await expect(app.ready()).rejects.toThrow(/b\.json: must be an array of contacts/);
  });
});

describe('config contacts', () => {
  it('takes a file or a directory, relative to the config file, but not both', () => {
    expect(parseConfig(rawConfig({ contacts: { dir: 'exports' } }), '/etc/sp').contacts).toEqual({
      dir: '/etc/sp/exports',
    });
    expect(() => parseConfig(rawConfig({ contacts: { file: 'a.csv', dir: 'exports' } }), '/etc/sp')).toThrow(
      'config: contacts must have exactly one of file or dir',
    );
    expect(() => parseConfig(rawConfig({ contacts: {} }), '/etc/sp')).toThrow(/exactly one of file or dir/);
  });
});

describe('GET /v1/contacts/lookup', () => {
  const FILE = csv(
    'C-1,company,IP Santral Firması,,,0212 555 01 00;0533 497 97 14,,',
    row('P-1', 'Ayşe Demir', '0533 497 97 14', 'C-1'),
    row('P-2', 'Kemal Öztürk', '+90 (533) 497-9714;0532 318 44 71', 'C-1'),
    row('P-3', 'Ivan Petrov', '+7 (495) 123-45-67'),
  );
  const lookup = async (get: ReturnType<typeof setup>['get'], phone: string) => {
    const res = await get(`/v1/contacts/lookup?phone=${encodeURIComponent(phone)}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { contacts: Contact[] }).contacts.map((c) => c.id);
  };

  it('finds the contact whatever the number’s format', async () => {
    const { get } = setup({ 'contacts.csv': FILE });
    for (const phone of ['+74951234567', '0074951234567', '+7 495 123 45 67'])
      expect(await lookup(get, phone), phone).toEqual(['P-3']);
    expect(await lookup(get, '0532 318 44 71')).toEqual(['P-2']);
    const unencoded = await get('/v1/contacts/lookup?phone=+74951234567');
    expect(unencoded.json(), 'a "+" not sent as %2B still means +').toMatchObject({
      contacts: [{ id: 'P-3' }],
    });
  });

  it('returns every contact with the number, persons before their company', async () => {
    const { get } = setup({ 'contacts.csv': FILE });
    for (const phone of ['05334979714', '5334979714', '+90 533 497 97 14', '0090 (533) 497-97-14'])
      expect(await lookup(get, phone), phone).toEqual(['P-1', 'P-2', 'C-1']);
  });

  it('answers 200 with an empty list when nobody has the number, or it is internal', async () => {
    const { get } = setup({ 'contacts.csv': FILE });
    expect(await lookup(get, '0555 999 88 77')).toEqual([]);
    expect(await lookup(get, '211')).toEqual([]);
    const bad = await get('/v1/contacts/lookup');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'bad-request', field: 'phone' });
  });

  it('sees a contact added to the file since the last load', async () => {
    const { get, change } = setup({ 'contacts.csv': FILE });
    expect(await lookup(get, '0555 999 88 77')).toEqual([]);
    change('contacts.csv', `${FILE}${row('P-9', 'New Caller', '0555 999 88 77')}\n`);
    expect(await lookup(get, '0555 999 88 77')).toEqual(['P-9']);
  });

  it('needs an agent token, and lets the extension read the answer (CORS)', async () => {
    const { get } = setup({ 'contacts.csv': FILE });
    const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-0123456789' }];
    for (const headers of attempts) {
      const res = await get('/v1/contacts/lookup?phone=05334979714', { origin, ...headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'unauthorized' });
      expect(res.headers['access-control-allow-origin']).toBe(origin);
    }
    const ok = await get('/v1/contacts/lookup?phone=05334979714', {
      origin,
      authorization: `Bearer ${AYSE_TOKEN}`,
    });
    expect(ok.headers['access-control-allow-origin']).toBe(origin);
  });

  it('answers an empty list when no contacts are configured', async () => {
    const app = buildApp({ config: testConfig(), logger: false });
    const res = await app.inject({
      method: 'GET',
      url: '/v1/contacts/lookup?phone=05334979714',
      headers: { authorization: `Bearer ${AYSE_TOKEN}` },
    });
    expect(res.json()).toEqual({ contacts: [] });
  });
});
