// The suitecrm source against a local V8 JSON:API answering as the reference describes SuiteCRM 7.14.6.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactSource, SourceConfigBase } from '../../../../relay/contacts/sources/sourceTypes.ts';
import {
  createSuitecrmSource,
  filterFrom,
  type SuitecrmSourceConfig,
  suitecrmApiBase,
  suitecrmSourceKind,
} from '../../../../relay/contacts/sources/suitecrmSource.ts';
import type { Contact } from '../../../../shared/contact.ts';
import { type FakeSuitecrm, startFakeSuitecrm } from '../../../fixtures/crm/fakeSuitecrm.ts';

const SECRET = 'client-SeCrEt-4567';
const base: SourceConfigBase = { name: 'sc', kind: 'suitecrm', intervalSeconds: 60 };
const log = { info() {}, warn() {}, error() {} };
const byId = (cs: Contact[]) => Object.fromEntries(cs.map((c) => [c.id, c]));

function parse(raw: Record<string, unknown>) {
  return suitecrmSourceKind.parse(
    { name: 'sc', kind: 'suitecrm', clientId: 'screenpop', clientSecretEnv: 'SUITECRM_SECRET', ...raw },
    'contacts.sources[2]',
    base,
    '/',
    { SUITECRM_SECRET: SECRET },
  );
}

describe('suitecrm source config', () => {
  it('finds the API of SuiteCRM 7 and 8 (/legacy in the URL or as a flag)', () => {
    expect(suitecrmApiBase(parse({ url: 'https://suite.example/' }))).toBe('https://suite.example/Api/');
    expect(suitecrmApiBase(parse({ url: 'https://suite.example/legacy' }))).toBe(
      'https://suite.example/legacy/Api/',
    );
    expect(suitecrmApiBase(parse({ url: 'https://suite.example', legacy: true }))).toBe(
      'https://suite.example/legacy/Api/',
    );
    expect(parse({ url: 'https://suite.example' })).toMatchObject({
      clientSecret: SECRET,
      modules: ['Contacts', 'Accounts'],
      reconcileEverySeconds: 600,
    });
  });

  it('names the field at fault and never shows the secret', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ url: 'suite.example' }, /sources\[2\]\.url must be an absolute/],
      [{ url: 'https://x', clientId: '' }, /sources\[2\]\.clientId/],
      [
        { url: 'https://x', clientSecretEnv: 'MISSING' },
        /clientSecretEnv names the environment variable MISSING/,
      ],
      [{ url: 'https://x', clientSecret: SECRET }, /clientSecret must not be written in the config/],
      [{ url: 'https://x', legacy: 'yes' }, /legacy must be true or false/],
      [{ url: 'https://x', modules: [] }, /modules must be a non-empty array/],
    ];
    for (const [raw, message] of bad) {
      expect(() => parse(raw)).toThrow(message);
      expect(() => parse(raw)).not.toThrow(SECRET);
    }
  });

  it('starts a read a minute before the last minute seen', () => {
    expect(filterFrom('2026-12-03T19:55:00+00:00')).toBe('2026-12-03T19:54:00');
  });
});

for (const legacy of [false, true])
  describe(`suitecrm source against the V8 API${legacy ? ' of SuiteCRM 8 (/legacy)' : ''}`, () => {
    let sc: FakeSuitecrm;
    let source: ContactSource;
    let now = 0;
    const make = (over: Partial<SuitecrmSourceConfig> = {}) =>
      createSuitecrmSource(
        {
          ...base,
          kind: 'suitecrm',
          url: sc.url.replace(/\/legacy$/, ''),
          legacy,
          clientId: 'screenpop',
          clientSecret: SECRET,
          modules: ['Contacts', 'Accounts'],
          reconcileEverySeconds: 600,
          ...over,
        },
        { log, now: () => now },
      );

    beforeEach(async () => {
      now = 1_000_000;
      sc = await startFakeSuitecrm({ clientId: 'screenpop', clientSecret: SECRET, legacy });
      source = make();
    });
    afterEach(async () => {
      await source.close();
      await sc.close();
    });

    it('loads everything first: phones, company links and owners', async () => {
      const acme = sc.add('Accounts', {
        name: 'Acme Ltd',
        phone_office: '0212 555 00 00',
        assigned_user_id: 'u1',
      });
      const ali = sc.add('Contacts', {
        first_name: 'Ali',
        last_name: 'Veli',
        phone_mobile: '0532 111 22 33',
        phone_work: '+90 212 444 55 66',
        account_id: acme,
        assigned_user_id: 'u2',
        assigned_user_name: 'ayse',
      });
      const batch = await source.poll();
      expect(batch.complete).toBe(true);
      const got = byId(batch.upserts);
      expect(got[acme]).toEqual({
        id: acme,
        kind: 'company',
        name: 'Acme Ltd',
        phones: ['0212 555 00 00'],
        owner: 'u1',
        updatedAt: '2026-12-03T19:55:00.000Z',
      });
      expect(got[ali]).toEqual({
        id: ali,
        kind: 'person',
        name: 'Ali Veli',
        companyId: acme,
        company: 'Acme Ltd',
        phones: ['0532 111 22 33', '+90 212 444 55 66'],
        owner: 'ayse',
        updatedAt: '2026-12-03T19:55:00.000Z',
      });
      expect(sc.lists.every((q) => q.includes('sort=date_modified&page[size]=100&page[number]='))).toBe(true);
    });

    it('reads changes with seconds cut off without losing or repeating rows', async () => {
      const a = sc.add('Contacts', { last_name: 'A', phone_mobile: '1' });
      await source.poll();
      expect((await source.poll()).upserts, 'the same minute comes again: deduplicated').toEqual([]);
      // Saved later in the same minute: the answer says 19:55:00, the store holds 19:55:40.
      sc.clock = '2026-12-03 19:55:40';
      const b = sc.add('Contacts', { last_name: 'B', phone_mobile: '2' });
      sc.update(a, { phone_mobile: '11' });
      const batch = await source.poll();
      expect(batch.complete).toBe(false);
      expect(batch.upserts.map((c) => [c.id, c.phones]).sort()).toEqual(
        [
          [a, ['11']],
          [b, ['2']],
        ].sort(),
      );
      expect(sc.lists.at(-1)).toContain('filter[date_modified][gt]=2026-12-03T19:54:00');
      expect((await source.poll()).upserts).toEqual([]);
    });

    it('pages past 100 rows, and through a minute holding more than a page', async () => {
      for (let i = 0; i < 90; i++) sc.add('Contacts', { last_name: `Early${i}`, phone_mobile: `1${i}` });
      sc.clock = '2026-12-03 20:10:05';
      for (let i = 0; i < 150; i++) sc.add('Contacts', { last_name: `Tie${i}`, phone_mobile: `2${i}` });
      sc.clock = '2026-12-03 20:30:00';
      for (let i = 0; i < 15; i++) sc.add('Contacts', { last_name: `Late${i}`, phone_mobile: `3${i}` });
      const batch = await source.poll();
      expect(new Set(batch.upserts.map((c) => c.id)).size).toBe(255);
      expect(
        sc.lists.some((q) => q.includes('page[number]=2')),
        'a minute with more rows than a page is read by page number',
      ).toBe(true);
      sc.clock = '2026-12-03 21:00:00';
      for (let i = 0; i < 230; i++) sc.add('Contacts', { last_name: `Bulk${i}`, phone_mobile: `4${i}` });
      expect((await source.poll()).upserts).toHaveLength(230);
    });

    it('finds deletes by reconciling ids (deleted records cannot be listed)', async () => {
      const a = sc.add('Contacts', { last_name: 'Stays', phone_mobile: '1' });
      const b = sc.add('Contacts', { last_name: 'Goes', phone_mobile: '2' });
      await source.poll();
      sc.clock = '2026-12-03 22:00:00';
      sc.softDelete(b);
      expect((await source.poll()).deletes).toEqual([]);
      now += 600_000;
      const batch = await source.poll();
      expect(batch.deletes).toEqual([b]);
      expect(sc.lists.some((q) => q.startsWith('fields[Contacts]=id&'))).toBe(true);
      expect(sc.lists.some((q) => q.includes('filter[deleted]'))).toBe(false);
      expect(sc.calls.get, 'the missing id was checked (400: not found)').toBe(1);
      expect(a).not.toBe(b);
    });

    it('renews the token before it expires and after a 401', async () => {
      sc.add('Contacts', { last_name: 'A', phone_mobile: '1' });
      await source.poll();
      expect(sc.calls.token).toBe(1);
      sc.expireTokens();
      sc.clock = '2026-12-03 23:00:00';
      const b = sc.add('Contacts', { last_name: 'B', phone_mobile: '2' });
      expect((await source.poll()).upserts.map((c) => c.id)).toEqual([b]);
      expect(sc.calls.token).toBe(2);
      now += 3600_000;
      await source.poll();
      expect(sc.calls.token, 'renewed ahead of expires_in').toBe(3);
    });

    it('says clearly when the client secret is refused, without showing it', async () => {
      await source.close();
      source = make({ clientSecret: 'wrong-secret-98765' });
      const err = await source.poll().catch((e: Error) => e);
      expect(String(err)).toMatch(/suitecrm source "sc": the client credentials were refused \(HTTP 401/);
      expect(String(err)).toMatch(/OAuth2 Clients/);
      expect(String(err)).not.toContain('wrong-secret-98765');
    });

    it('says clearly when the URL is wrong', async () => {
      await source.close();
      source = make({ legacy: !legacy });
      await expect(source.poll()).rejects.toThrow(/suitecrm source "sc": no API at .*\/legacy/);
    });

    it('falls back to user ids as owners when assigned_user_name is unknown', async () => {
      await source.close();
      await sc.close();
      sc = await startFakeSuitecrm({
        clientId: 'screenpop',
        clientSecret: SECRET,
        legacy,
        unknownFields: ['assigned_user_name'],
      });
      source = make();
      sc.add('Contacts', { last_name: 'A', phone_mobile: '1', assigned_user_id: 'u7' });
      const [c] = (await source.poll()).upserts;
      expect(c?.owner).toBe('u7');
    });
  });
