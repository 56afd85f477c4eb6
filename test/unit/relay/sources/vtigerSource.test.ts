// The vtiger source against a local webservice answering as the reference describes vtiger 8.2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactSource, SourceConfigBase } from '../../../../relay/contacts/sources/sourceTypes.ts';
import {
  createVtigerSource,
  type VtigerSourceConfig,
  vtigerSourceKind,
} from '../../../../relay/contacts/sources/vtigerSource.ts';
import type { Contact } from '../../../../shared/contact.ts';
import { type FakeVtiger, startFakeVtiger } from '../../../fixtures/crm/fakeVtiger.ts';

const KEY = 'sEcReTaCcEsSkEy123';
const base: SourceConfigBase = { name: 'vt', kind: 'vtiger', intervalSeconds: 60 };
const log = { info() {}, warn() {}, error() {} };

function parse(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = { VTIGER_ACCESS_KEY: KEY }, dir = '/') {
  return vtigerSourceKind.parse(
    { name: 'vt', kind: 'vtiger', ...raw },
    'contacts.sources[1]',
    base,
    dir,
    env,
  );
}

const byId = (cs: Contact[]) => Object.fromEntries(cs.map((c) => [c.id, c]));

describe('vtiger source config', () => {
  it('reads the access key from the environment variable it names', () => {
    const c = parse({
      url: 'https://vtiger.example/',
      username: 'screenpop',
      accessKeyEnv: 'VTIGER_ACCESS_KEY',
    });
    expect(c).toMatchObject({
      url: 'https://vtiger.example',
      accessKey: KEY,
      modules: ['Contacts', 'Accounts'],
    });
    expect(c.reconcileEverySeconds).toBe(600);
  });

  it('reads the access key from a file next to the config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vt-'));
    writeFileSync(join(dir, 'vt.key'), `${KEY}\n`);
    const c = parse({ url: 'https://vtiger.example', username: 'u', accessKeyFile: 'vt.key' }, {}, dir);
    expect(c.accessKey).toBe(KEY);
  });

  it('names the field at fault and never shows the secret', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ url: 'ftp://x', username: 'u', accessKeyEnv: 'VTIGER_ACCESS_KEY' }, /sources\[1\]\.url/],
      [{ url: 'https://x', accessKeyEnv: 'VTIGER_ACCESS_KEY' }, /sources\[1\]\.username/],
      [
        { url: 'https://x', username: 'u', accessKeyEnv: 'NOPE' },
        /accessKeyEnv names the environment variable NOPE/,
      ],
      [{ url: 'https://x', username: 'u' }, /needs accessKeyEnv/],
      [{ url: 'https://x', username: 'u', accessKey: KEY }, /accessKey must not be written in the config/],
      [
        {
          url: 'https://x',
          username: 'u',
          accessKeyEnv: 'VTIGER_ACCESS_KEY',
          modules: ['Contacts', 'Deals'],
        },
        /modules\[1\] must be one of/,
      ],
      [
        { url: 'https://x', username: 'u', accessKeyEnv: 'VTIGER_ACCESS_KEY', reconcileEverySeconds: 1 },
        /reconcileEverySeconds must be an integer/,
      ],
      [
        { url: 'https://x', username: 'u', accessKeyEnv: 'VTIGER_ACCESS_KEY', moduls: [] },
        /moduls is not a known key/,
      ],
    ];
    for (const [raw, message] of bad) {
      expect(() => parse(raw)).toThrow(message);
      try {
        parse(raw);
      } catch (err) {
        expect((err as Error).message, 'a config error never shows the access key').not.toContain(KEY);
      }
    }
  });
});

describe('vtiger source against the webservice', () => {
  let vt: FakeVtiger;
  let source: ContactSource;
  let now = 0;
  const make = (over: Partial<VtigerSourceConfig> = {}) =>
    createVtigerSource(
      {
        ...base,
        kind: 'vtiger',
        url: vt.url,
        username: 'screenpop',
        accessKey: KEY,
        modules: ['Contacts', 'Accounts'],
        reconcileEverySeconds: 600,
        ...over,
      },
      { log, now: () => now },
    );

  beforeEach(async () => {
    now = 1_000_000;
    vt = await startFakeVtiger({
      users: [
        { id: 1, user_name: 'admin', accessKey: 'otherkey' },
        { id: 5, user_name: 'screenpop', accessKey: KEY },
      ],
    });
    source = make();
  });
  afterEach(async () => {
    await source.close();
    await vt.close();
  });

  it('loads everything first: plain ids, phones, company links and owners', async () => {
    const acme = vt.add('Accounts', {
      accountname: 'Acme Ltd',
      phone: '0212 555 00 00',
      assigned_user_id: '19x1',
    });
    const mk = vt.add('Contacts', {
      firstname: 'Mehmet',
      lastname: 'Kaya',
      phone: '',
      mobile: '0532 111 22 33',
      homephone: '+90 212 444 55 66',
      account_id: `11x${acme}`,
      assigned_user_id: '19x5',
    });
    const batch = await source.poll();
    expect(batch.complete).toBe(true);
    expect(batch.deletes).toEqual([]);
    const got = byId(batch.upserts);
    expect(got[String(acme)]).toEqual({
      id: String(acme),
      kind: 'company',
      name: 'Acme Ltd',
      phones: ['0212 555 00 00'],
      owner: 'admin',
      updatedAt: '2026-12-03T10:00:00',
    });
    expect(got[String(mk)], 'ids lose their NNx prefix, the account id too').toEqual({
      id: String(mk),
      kind: 'person',
      name: 'Mehmet Kaya',
      companyId: String(acme),
      company: 'Acme Ltd',
      phones: ['0532 111 22 33', '+90 212 444 55 66'],
      owner: 'screenpop',
      updatedAt: '2026-12-03T10:00:00',
    });
    expect(vt.calls.sync ?? 0, 'sync (HTTP 500 on PHP 8) is never used').toBe(0);
  });

  it('reads only changes later, deduplicating the rows of the last second', async () => {
    const a = vt.add('Contacts', { firstname: 'A', lastname: 'One', mobile: '1' });
    const b = vt.add('Contacts', { firstname: 'B', lastname: 'Two', mobile: '2' });
    await source.poll();
    expect((await source.poll()).upserts, 'nothing changed: nothing new').toEqual([]);
    vt.clock = '2026-12-03 10:05:00';
    vt.update(b, { mobile: '22' });
    const batch = await source.poll();
    expect(batch.complete).toBe(false);
    expect(batch.upserts.map((c) => [c.id, c.phones])).toEqual([[String(b), ['22']]]);
    // Another save in the same second as the watermark is not lost.
    vt.update(a, { mobile: '11' });
    expect((await source.poll()).upserts.map((c) => [c.id, c.phones])).toEqual([[String(a), ['11']]]);
    expect(vt.queries.at(-1)).toContain("WHERE modifiedtime >= '2026-12-03 10:05:00'");
  });

  it('pages past 100 rows and loses no row of a second spanning a page boundary', async () => {
    for (let i = 0; i < 95; i++) vt.add('Contacts', { lastname: `Early${i}`, mobile: `1${i}` });
    vt.clock = '2026-12-03 10:00:01';
    for (let i = 0; i < 130; i++) vt.add('Contacts', { lastname: `Tie${i}`, mobile: `2${i}` });
    vt.clock = '2026-12-03 10:00:02';
    for (let i = 0; i < 10; i++) vt.add('Contacts', { lastname: `Late${i}`, mobile: `3${i}` });
    const batch = await source.poll();
    expect(batch.upserts).toHaveLength(235);
    expect(new Set(batch.upserts.map((c) => c.id)).size).toBe(235);
    expect(
      vt.queries.filter((q) => q.includes('FROM Contacts')).every((q) => /LIMIT \d+,100;$/.test(q)),
    ).toBe(true);
    // An incremental read of a tie group larger than a page.
    vt.clock = '2026-12-03 10:10:00';
    for (let i = 0; i < 250; i++) vt.add('Contacts', { lastname: `Bulk${i}`, mobile: `4${i}` });
    expect((await source.poll()).upserts).toHaveLength(250);
  });

  it('finds soft deletes by reconciling ids, checking them with retrieve', async () => {
    const a = vt.add('Contacts', { lastname: 'Stays', mobile: '1' });
    const b = vt.add('Contacts', { lastname: 'Goes', mobile: '2' });
    const acc = vt.add('Accounts', { accountname: 'Gone Ltd', phone: '3' });
    await source.poll();
    vt.clock = '2026-12-03 11:00:00';
    vt.softDelete(b);
    vt.softDelete(acc);
    expect((await source.poll()).deletes, 'not before the reconcile interval').toEqual([]);
    now += 600_000;
    const batch = await source.poll();
    expect(batch.deletes.sort()).toEqual([String(b), String(acc)].sort());
    expect(vt.queries.some((q) => q.startsWith('SELECT id FROM Contacts'))).toBe(true);
    expect(vt.calls.retrieve).toBe(2);
    expect(vt.calls.sync ?? 0).toBe(0);
    now += 600_000;
    expect((await source.poll()).deletes, 'a delete is reported once').toEqual([]);
    expect(a).toBeGreaterThan(0);
  });

  it('logs in again once when the session expires', async () => {
    vt.add('Contacts', { lastname: 'A', mobile: '1' });
    await source.poll();
    expect(vt.calls.login).toBe(1);
    vt.invalidateSessions();
    vt.clock = '2026-12-03 12:00:00';
    const b = vt.add('Contacts', { lastname: 'B', mobile: '2' });
    const batch = await source.poll();
    expect(batch.upserts.map((c) => c.id)).toEqual([String(b)]);
    expect(vt.calls.login).toBe(2);
  });

  it('leaves owners empty when the user names cannot be read', async () => {
    vt.failUsersQuery = true;
    vt.add('Contacts', { lastname: 'A', mobile: '1', assigned_user_id: '19x5' });
    const [c] = (await source.poll()).upserts;
    expect(c?.owner).toBeUndefined();
    expect(c?.name).toBe('A');
  });

  it('says clearly when the access key is refused, without showing it', async () => {
    await source.close();
    source = make({ accessKey: 'wrong-key-1234567' });
    const err = await source.poll().catch((e: Error) => e);
    expect(String(err)).toMatch(
      /vtiger source "vt": login refused for user "screenpop" \(INVALID_USER_CREDENTIALS/,
    );
    expect(String(err)).toMatch(/access key/);
    expect(String(err)).not.toContain('wrong-key-1234567');
  });

  it('says clearly when the URL is wrong or unreachable', async () => {
    await source.close();
    source = make({ url: `${vt.url}/nothing-here` });
    await expect(source.poll()).rejects.toThrow(/vtiger source "vt": .*answered HTTP 404.*check url/);
    await source.close();
    const gone = await startFakeVtiger({ users: [] });
    await gone.close();
    source = make({ url: gone.url });
    await expect(source.poll()).rejects.toThrow(/vtiger source "vt": cannot reach .*ECONNREFUSED/);
  });

  it('a failed poll changes nothing: the next one starts from the same place', async () => {
    vt.add('Contacts', { lastname: 'A', mobile: '1' });
    await source.poll();
    vt.clock = '2026-12-03 13:00:00';
    const acc = vt.add('Accounts', { accountname: 'New Ltd', phone: '9' });
    const b = vt.add('Contacts', { lastname: 'B', mobile: '2' });
    vt.failModule = 'Contacts';
    await expect(source.poll()).rejects.toThrow(
      /vtiger source "vt": the Contacts query refused \(ACCESS_DENIED/,
    );
    vt.failModule = undefined;
    const batch = await source.poll();
    expect(batch.upserts.map((c) => c.id).sort()).toEqual([String(acc), String(b)].sort());
  });

  it('the fake answers sync with HTTP 500, as vtiger on PHP 8 does', async () => {
    const res = await fetch(`${vt.url}/webservice.php?operation=sync&modifiedTime=0&elementType=Contacts`);
    expect(res.status).toBe(500);
  });
});
