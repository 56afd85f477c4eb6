// Several contact sources as one feed: ids keyed by source (the CRM's own id kept for record URLs),
// a failing source keeps its last good contacts and says why, and /readyz and /metrics show each
// source's state.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ContactHistory } from '../../../../relay/contacts/contactChanges.ts';
import { SourceSet } from '../../../../relay/contacts/sources/sourceSet.ts';
import type { ContactSource, SourceBatch } from '../../../../relay/contacts/sources/sourceTypes.ts';
import { buildApp } from '../../../../relay/server/app.ts';
import { FIRST_LOAD_WAIT_MS } from '../../../../relay/server/contactsSetup.ts';
import type { Contact } from '../../../../shared/contact.ts';
import { templateValues } from '../../../../shared/template.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, SECRET, TestClient, tempDir, testConfig } from '../helpers.ts';

const quiet = { info() {}, warn() {}, error() {} };

/** A source whose next answers the test decides. */
function scripted(name: string, answers: (SourceBatch | Error)[]): ContactSource {
  return {
    name,
    kind: 'test',
    intervalSeconds: 3600,
    async poll() {
      const next = answers.shift();
      if (!next) return { upserts: [], deletes: [], complete: false };
      if (next instanceof Error) throw next;
      return next;
    },
    async close() {},
  };
}

const person = (id: string, phone: string, companyId?: string): Contact => ({
  id,
  kind: 'person',
  name: `Person ${id}`,
  phones: [phone],
  ...(companyId ? { companyId } : {}),
});

/** Every contact the feed serves now, as a browser walking it from the start would get them. */
function served(history: ContactHistory): Contact[] {
  return history.page('', 5000).contacts;
}

/** A source set writing into a feed history kept in memory. */
function setOf(sources: ContactSource[], options: Partial<ConstructorParameters<typeof SourceSet>[1]> = {}) {
  const history = new ContactHistory();
  const set = new SourceSet(sources, { log: quiet, ...options });
  set.attach(history);
  return { set, history };
}

describe('SourceSet', () => {
  it('keys ids by source when there are several, keeping the CRM ids for record URLs', async () => {
    const { set, history } = setOf([
      scripted('crm', [{ upserts: [person('42', '05334979714', '7')], deletes: [], complete: true }]),
      scripted('vt', [{ upserts: [person('42', '02125550100')], deletes: [], complete: true }]),
    ]);
    set.start();
    await set.firstPolls();
    const all = served(history);
    expect(all.map((c) => c.id).sort()).toEqual(['crm:42', 'vt:42']);
    const crm = all.find((c) => c.id === 'crm:42') as Contact;
    expect(crm).toMatchObject({ recordId: '42', companyId: 'crm:7', companyRecordId: '7' });
    // A pop of that contact fills the CRM's own ids into the URL template.
    expect(templateValues({ callerId: '05334979714', contact: crm } as never)).toMatchObject({
      contactId: '42',
      personId: '42',
      companyId: '7',
    });
    await set.close();
  });

  it('a failing poll keeps the last good contacts and reports the error; the next success clears it', async () => {
    const { set, history } = setOf(
      [
        scripted('crm', [
          { upserts: [person('1', '05334979714'), person('2', '05334979715')], deletes: [], complete: true },
          new Error('connection refused (127.0.0.1:5432)'),
          { upserts: [{ ...person('1', '05334979799') }], deletes: ['2'], complete: false },
        ]),
      ],
      { now: () => Date.UTC(2026, 11, 4, 9) },
    );
    set.start();
    await set.firstPolls();
    expect(served(history).map((c) => c.id)).toEqual(['1', '2']);
    const cursor = history.page('', 5000).cursor;
    await set.syncNow('crm');
    expect(history.page(cursor, 10).contacts, 'nothing changed').toEqual([]);
    expect(set.states()[0]).toMatchObject({
      ok: false,
      contacts: 2,
      lastError: 'connection refused (127.0.0.1:5432)',
    });
    expect(set.error(), 'contacts are still in service').toBeUndefined();
    await set.syncNow('crm');
    expect(served(history)).toEqual([person('1', '05334979799')]);
    expect(set.states()[0]).toMatchObject({ ok: true, contacts: 1, changes: 3, deletions: 1 });
    await set.close();
  });

  it('a source down at start serves the contacts the feed stored before', async () => {
    const { set, history } = setOf([
      scripted('crm', [new Error('login refused')]),
      scripted('vt', [{ upserts: [person('9', '0212')], deletes: [], complete: true }]),
    ]);
    // What the feed stored before this process started.
    history.applyChanges(
      [
        { ...person('crm:1', '05334979714'), recordId: '1' },
        { ...person('vt:8', '0212'), recordId: '8' },
      ],
      [],
    );
    set.start();
    await set.firstPolls();
    const ids = served(history)
      .map((c) => c.id)
      .sort();
    // crm is down: its stored contact stays; vt answered: its complete batch replaces what was stored.
    expect(ids).toEqual(['crm:1', 'vt:9']);
    expect(set.states().map((s) => [s.name, s.ok])).toEqual([
      ['crm', false],
      ['vt', true],
    ]);
    await set.close();
  });
});

describe('a load handed over page by page', () => {
  /** A source whose first poll hands `pages` over one by one, then returns `rest` as complete. */
  function paged(pages: Contact[][], rest: Contact[]): ContactSource {
    let polls = 0;
    return {
      name: 'crm',
      kind: 'test',
      intervalSeconds: 3600,
      async poll(hand) {
        polls++;
        if (polls > 1) return { upserts: [], deletes: [], complete: false };
        for (const page of pages) hand?.upserts(page);
        return { upserts: rest, deletes: [], complete: true };
      },
      async close() {},
    };
  }

  it('serves every page, gives a person its company name when the company came on a later page, and sweeps the rest', async () => {
    const company: Contact = { id: '7', kind: 'company', name: 'Acme', phones: ['02125550100'] };
    const { set, history } = setOf([
      paged([[person('1', '05334979714', '7')], [person('2', '05334979715')]], [company]),
    ]);
    // Stored from before: one contact the CRM no longer has.
    history.applyChanges([person('old', '05334979799')], []);
    const before = history.page('', 100).cursor;
    set.start();
    await set.firstPolls();
    const now = served(history);
    expect(now.map((c) => c.id).sort()).toEqual(['1', '2', '7']);
    expect(now.find((c) => c.id === '1')?.company, 'filled once its company was in').toBe('Acme');
    const changes = history.page(before, 100);
    expect(changes.deleted).toEqual(['old']);
    expect(set.states()[0]).toMatchObject({ ok: true, contacts: 3, deletions: 1 });
    await set.close();
  });
});

describe('a reconcile', () => {
  it('removes what the CRM no longer lists, of this source only, and keeps the rest', async () => {
    let polls = 0;
    const crm: ContactSource = {
      name: 'crm',
      kind: 'test',
      intervalSeconds: 3600,
      async poll(sink) {
        polls++;
        if (polls === 1)
          return {
            upserts: [person('1', '05334979714'), person('2', '05334979715')],
            deletes: [],
            complete: true,
          };
        sink?.present(['2']);
        sink?.present(['3']);
        return { upserts: [person('3', '05334979716')], deletes: [], complete: false, reconciled: true };
      },
      async close() {},
    };
    const vt = scripted('vt', [{ upserts: [person('1', '02125550100')], deletes: [], complete: true }]);
    const { set, history } = setOf([crm, vt]);
    set.start();
    await set.firstPolls();
    await set.syncNow('crm');
    expect(
      served(history)
        .map((c) => c.id)
        .sort(),
    ).toEqual(['crm:2', 'crm:3', 'vt:1']);
    expect(set.states()[0]).toMatchObject({ contacts: 2, deletions: 1 });
    await set.close();
  });
});

describe('contacts.sources in the relay', () => {
  it('serves two file sources as one feed and shows their state in /readyz and /metrics', async () => {
    const tmp = tempDir();
    try {
      tmp.write(
        'a.csv',
        'id,kind,name,company_id,company,phones,owner\n1,person,Ayşe Demir,,,05334979714,ayse\n',
      );
      tmp.write(
        'b.csv',
        'id,kind,name,company_id,company,phones,owner\n1,company,IP Santral,,,02125550100,mehmet\n',
      );
      const config = testConfig(
        {
          contacts: {
            sources: [
              { name: 'a', kind: 'file', file: 'a.csv', intervalSeconds: 1 },
              { name: 'b', kind: 'file', file: 'b.csv' },
            ],
          },
        },
        tmp.dir,
      );
      const app = buildApp({ config, logger: false });
      await app.ready();
      const page = await app.inject({
        method: 'GET',
        url: '/v1/contacts',
        headers: { authorization: `Bearer ${AYSE_TOKEN}` },
      });
      expect(page.statusCode, page.body).toBe(200);
      const contacts = page.json().contacts as Contact[];
      expect(contacts.map((c) => [c.id, c.recordId, c.name]).sort()).toEqual([
        ['a:1', '1', 'Ayşe Demir'],
        ['b:1', '1', 'IP Santral'],
      ]);
      const ready = (await app.inject({ method: 'GET', url: '/readyz' })).json();
      expect(ready.contactSources).toEqual([
        expect.objectContaining({ name: 'a', kind: 'file', ok: true, contacts: 1 }),
        expect.objectContaining({ name: 'b', kind: 'file', ok: true, contacts: 1 }),
      ]);
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/screenpop_contact_source_up\{source="a"\} 1/);
      expect(metrics).toMatch(/screenpop_contact_source_contacts\{source="b"\} 1/);

      // The admin API lists them and polls one on demand.
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const list = await app.inject({ method: 'GET', url: '/v1/admin/contact-sources', headers: admin });
      expect(list.json().sources.map((s: { name: string }) => s.name)).toEqual(['a', 'b']);
      expect((await app.inject({ method: 'GET', url: '/v1/admin/contact-sources' })).statusCode).toBe(401);
      tmp.write(
        'b.csv',
        'id,kind,name,company_id,company,phones,owner\n1,company,IP Santral,,,02125550100,mehmet\n2,person,Zeynep Ak,1,,05551112233,\n',
      );
      const synced = await app.inject({
        method: 'POST',
        url: '/v1/admin/contact-sources/b/sync',
        headers: admin,
      });
      expect(synced.statusCode, synced.body).toBe(200);
      expect(synced.json().sources).toEqual([expect.objectContaining({ name: 'b', ok: true, contacts: 2 })]);
      const missing = await app.inject({
        method: 'POST',
        url: '/v1/admin/contact-sources/zz/sync',
        headers: admin,
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ field: 'name' });
      await app.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('names the field at fault in a sources config', () => {
    const problem = (contacts: unknown) => {
      try {
        testConfig({ contacts });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problem({ sources: [] })).toMatch(/contacts\.sources must be a non-empty list/);
    expect(problem({ sources: [{ name: 'Crm!', kind: 'file', file: 'a.csv' }] })).toMatch(
      /contacts\.sources\[0\]\.name/,
    );
    expect(
      problem({
        sources: [
          { name: 'a', kind: 'file', file: 'a.csv' },
          { name: 'a', kind: 'file', file: 'b.csv' },
        ],
      }),
    ).toMatch(/contacts\.sources\[1\]\.name .*used by another source/);
    expect(problem({ sources: [{ name: 'a', kind: 'ldap' }] })).toMatch(
      /contacts\.sources\[0\]\.kind must be one of file, sql, vtiger, suitecrm/,
    );
    expect(problem({ sources: [{ name: 'a', kind: 'file', file: 'a.csv', intervalSeconds: 0 }] })).toMatch(
      /contacts\.sources\[0\]\.intervalSeconds/,
    );
    expect(problem({ file: 'a.csv', sources: [{ name: 'a', kind: 'file', file: 'a.csv' }] })).toMatch(
      /either sources or file/,
    );
    // The shipped vtiger-database query by name.
    const vtiger = testConfig({
      contacts: {
        sources: [
          { name: 'vt', kind: 'sql', url: 'mysql://screenpop@127.0.0.1:3306/vtiger', query: 'vtiger' },
        ],
      },
    });
    expect(vtiger.contactSources?.[0]?.query).toMatch(/vtiger_crmentity/);
  });
});

describe('the feed moved', () => {
  it('tells connected agents at once when a source poll changed contacts', async () => {
    const tmp = tempDir();
    try {
      tmp.write(
        'a.csv',
        'id,kind,name,company_id,company,phones,owner\n1,person,Ayşe Demir,,,05334979714,ayse\n',
      );
      const config = testConfig(
        { contacts: { sources: [{ name: 'a', kind: 'file', file: 'a.csv', intervalSeconds: 1 }] } },
        tmp.dir,
      );
      const app = buildApp({ config, logger: false });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as { port: number };
      const client = new TestClient(`ws://127.0.0.1:${port}/v1/stream`);
      await client.opened();
      client.send({ type: 'hello', token: AYSE_TOKEN, after: '' });
      await client.nextOf('welcome');
      tmp.write(
        'a.csv',
        'id,kind,name,company_id,company,phones,owner\n1,person,Ayşe Demir,,,05334979799,ayse\n',
      );
      await client.nextOf('contacts', 5_000);
      // The feed already holds the change when the browser comes to sync.
      const page = await app.inject({
        method: 'GET',
        url: '/v1/contacts',
        headers: { authorization: `Bearer ${AYSE_TOKEN}` },
      });
      expect(page.json().contacts[0].phones).toEqual(['05334979799']);
      client.ws.close();
      await app.close();
    } finally {
      tmp.cleanup();
    }
  });
});

describe('a source that does not answer at start-up', () => {
  it('does not hold the relay back: it starts, takes calls, and /readyz shows the source not in service', async () => {
    // A "database" that accepts the connection and never says a word.
    const silent = createServer(() => {});
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
    const { port } = silent.address() as { port: number };
    const config = testConfig({
      contacts: {
        sources: [
          {
            name: 'crm',
            kind: 'sql',
            url: `postgres://reader@127.0.0.1:${port}/crm`,
            query: 'SELECT * FROM contacts',
          },
        ],
      },
    });
    const app = buildApp({ config, logger: false });
    const started = Date.now();
    await app.ready();
    expect(Date.now() - started).toBeLessThan(FIRST_LOAD_WAIT_MS + 2_000);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().contactSources).toEqual([
      expect.objectContaining({ name: 'crm', ok: false, contacts: 0 }),
    ]);
    const call = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: { authorization: `Bearer ${SECRET}` },
      payload: { callId: 'S1', state: 'ringing', extension: '911', callerId: '05334979714' },
    });
    expect(call.statusCode).toBe(200);
    await app.close();
    silent.close();
  }, 20_000);
});
