import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { openDB } from 'idb';
import { beforeEach, describe, expect, it } from 'vitest';
import { getCall } from '../../../background/callQueue.ts';
import { countContacts, findByPhone, putContacts } from '../../../background/contactStore.ts';
import { type Db, openDb } from '../../../background/db.ts';
import { liveLookup } from '../../../background/lookup.ts';
import { applyEvent, pickCandidate } from '../../../background/popCall.ts';
import { syncContacts } from '../../../background/sync.ts';
import type { CallEvent } from '../../../shared/callEvent.ts';
import type { Contact } from '../../../shared/contact.ts';
import { type Settings, validateSettings } from '../../../shared/settings.ts';
import { callEvent } from '../../fixtures/calls.ts';
import { FakeFeed, json, person } from './fakeFeed.ts';

const CRM = 'http://crm.test';
const settings: Settings = validateSettings({
  crm: {
    origin: CRM,
    templates: {
      card: `${CRM}/card/{contactId}`,
      quote: `${CRM}/quote/{contactId}`,
      ticket: `${CRM}/ticket/{contactId}`,
      newContact: `${CRM}/new?phone={phone}`,
    },
  },
}).settings;

let db: Db;
let opened: string[];
const deps = (over: object = {}) => ({
  db,
  settings,
  openUrl: async (url: string) => void opened.push(url),
  ...over,
});
const event = (over: Partial<CallEvent> = {}): CallEvent => callEvent({ callId: 'A1', ...over });
const contact = (id: string, over: Partial<Contact> = {}): Contact => ({
  id,
  kind: 'person',
  name: id,
  phones: ['+90 533 497 97 14'],
  ...over,
});

beforeEach(async () => {
  db = await openDb(`cand-${randomUUID()}`);
  opened = [];
});

describe('several contacts with the caller number', () => {
  beforeEach(async () => {
    await putContacts(
      db,
      [
        contact('C-1', { kind: 'company', updatedAt: '2026-11-20' }),
        contact('P-1', { updatedAt: '2026-01-01' }),
        contact('P-mine', { owner: 'ayse', updatedAt: '2025-01-01' }),
      ],
      [],
      'TR',
      1,
    );
  });

  it('pops the best and keeps every candidate with its reason on the queue row', async () => {
    expect((await applyEvent(deps({ agentUser: 'ayse' }), event())).outcome).toBe('popped');
    expect(opened).toEqual([`${CRM}/card/P-mine`]);
    const call = await getCall(db, 'A1');
    expect(call?.contact?.id).toBe('P-mine');
    expect(call?.candidates?.map((c) => [c.id, c.reason, c.own])).toEqual([
      ['P-mine', 'exact', true],
      ['P-1', 'exact', false],
      ['C-1', 'exact', false],
    ]);
  });

  it('opens the action for another candidate the agent picks and makes it the contact', async () => {
    await applyEvent(deps(), event());
    const call = await getCall(db, 'A1');
    if (!call) throw new Error('call not stored');
    expect(await pickCandidate(deps(), call, 'C-1')).toEqual({ ok: true });
    expect(opened.at(-1)).toBe(`${CRM}/card/C-1`);
    expect(call.contact?.id).toBe('C-1');
    expect(await pickCandidate(deps(), call, 'nobody')).toEqual({ ok: false, error: 'errCandidateNotFound' });
  });
});

describe('live lookup on a cache miss', () => {
  const fresh = contact('P-new', { name: 'New Caller' });

  it('matches a contact the cache does not have yet, and caches it', async () => {
    const fetch: typeof globalThis.fetch = async (input) => {
      expect(String(input)).toBe('http://relay.test/v1/contacts/lookup?phone=%2B905334979714');
      return json({ contacts: [fresh] });
    };
    const lookup = (e164: string) =>
      liveLookup({ db, fetch, relayBase: 'http://relay.test', token: 'tok', region: 'TR' }, e164);
    expect((await applyEvent(deps({ lookup }), event())).outcome).toBe('popped');
    expect(opened).toEqual([`${CRM}/card/P-new`]);
    expect((await findByPhone(db, '+905334979714')).map((c) => c.id)).toEqual(['P-new']);
  });

  it('gives up after the timeout and pops the unknown action', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const lookup = (e164: string) =>
      liveLookup(
        { db, fetch: hanging, relayBase: 'http://relay.test', token: 'tok', region: 'TR', timeoutMs: 30 },
        e164,
      );
    expect((await applyEvent(deps({ lookup }), event())).outcome).toBe('popped');
    expect(opened).toEqual([`${CRM}/new?phone=%2B905334979714`]);
  });

  it('is not asked for internal numbers or when the cache has a match', async () => {
    let asked = 0;
    const lookup = async () => {
      asked++;
      return false;
    };
    await applyEvent(deps({ lookup }), event({ callerId: '2001', callId: 'I1' }));
    await putContacts(db, [fresh], [], 'TR', 1);
    await applyEvent(deps({ lookup }), event({ callId: 'A2' }));
    expect(asked).toBe(0);
  });
});

describe('while a sync is running', () => {
  it('a call still pops from the cache between pages', async () => {
    const feed = new FakeFeed([...Array.from({ length: 30 }, (_, i) => person(i)), contact('P-x')]);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let pages = 0;
    const slow: typeof fetch = async (input, init) => {
      // The third page waits until the call has popped.
      if (++pages === 3) await gate;
      return feed.fetch(input, init);
    };
    const sync = syncContacts({
      db,
      fetch: slow,
      relayBase: 'http://r',
      token: 't',
      region: 'TR',
      pageSize: 10,
    });
    while (pages < 3) await new Promise((r) => setTimeout(r, 5));
    expect((await applyEvent(deps(), event({ callerId: '05331000005' }))).outcome).toBe('popped');
    expect(opened).toEqual([`${CRM}/card/P-0005`]);
    release();
    expect((await sync).contacts).toBe(31);
  });
});

describe('database upgrade', () => {
  it('keeps a version-1 database and its calls, and the next sync rewrites every contact', async () => {
    const name = `v1-${randomUUID()}`;
    const v1 = await openDB(name, 1, {
      upgrade(d) {
        const contacts = d.createObjectStore('contacts', { keyPath: 'id' });
        contacts.createIndex('keys', 'keys', { multiEntry: true });
        d.createObjectStore('calls', { keyPath: 'id' }).createIndex('at', 'at');
        d.createObjectStore('meta');
      },
    });
    await v1.put('contacts', { ...person(1), keys: ['+905331000001'], gen: 3 });
    await v1.put('contacts', { ...person(2), keys: ['+905331000002'], gen: 3 });
    await v1.put('calls', { id: 'old', at: '2026-01-01' });
    await v1.put('meta', 3, 'contactsGen');
    v1.close();

    db = await openDb(name);
    expect(await db.get('calls', 'old')).toBeTruthy();
    expect(await countContacts(db)).toBe(2);
    const feed = new FakeFeed([person(1)]);
    const status = await syncContacts({
      db,
      fetch: feed.fetch,
      relayBase: 'http://r',
      token: 't',
      region: 'TR',
    });
    expect(feed.requests[0], 'a full walk after the upgrade').toContain('after=&');
    expect(status.contacts).toBe(1);
    expect((await db.get('contacts', 'P-0001'))?.keys).toEqual(['+905331000001', 'n:5331000001']);
  });
});

describe('the national-number fallback in the cache', () => {
  const moscow = { callerId: '+7 495 123 45 67', callId: 'M1' };

  it('pops an approximate match only when there is no exact one', async () => {
    // Saved without a country code under region TR.
    await putContacts(db, [contact('P-ru', { phones: ['495 123 45 67'] })], [], 'TR', 1);
    await applyEvent(deps(), event(moscow));
    const call = await getCall(db, 'M1');
    expect(call?.candidates?.map((c) => [c.id, c.reason])).toEqual([['P-ru', 'approximate']]);
    await putContacts(db, [contact('P-exact', { phones: ['+74951234567'] })], [], 'TR', 1);
    await applyEvent(deps(), event({ ...moscow, callId: 'M2' }));
    expect((await getCall(db, 'M2'))?.candidates?.map((c) => [c.id, c.reason])).toEqual([
      ['P-exact', 'exact'],
    ]);
  });

  it('pops nobody when the national number is known under two other country codes', async () => {
    await putContacts(
      db,
      [contact('P-tr', { phones: ['+90 495 123 45 67'] }), contact('P-de', { phones: ['+49 4951234567'] })],
      [],
      'TR',
      1,
    );
    await applyEvent(deps(), event(moscow));
    expect((await getCall(db, 'M1'))?.candidates).toBeUndefined();
    expect(opened).toEqual([`${CRM}/new?phone=%2B74951234567`]);
  });
});
