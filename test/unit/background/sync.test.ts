import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findByPhone } from '../../../background/contactStore.ts';
import { openDb } from '../../../background/db.ts';
import { syncContacts } from '../../../background/sync.ts';
import type { Contact, ContactPage } from '../../../shared/contact.ts';

// A feed that pages through `contacts` like the relay does.
function feed(contacts: Contact[], seen: string[] = []): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    seen.push(`${url.pathname}${url.search} ${new Headers(init?.headers).get('authorization')}`);
    const after = Number(url.searchParams.get('after') || 0);
    const limit = Number(url.searchParams.get('limit'));
    const page: ContactPage = {
      contacts: contacts.slice(after, after + limit),
      deleted: [],
      cursor: String(Math.min(after + limit, contacts.length)),
      done: after + limit >= contacts.length,
      total: contacts.length,
    };
    return new Response(JSON.stringify(page), { headers: { 'content-type': 'application/json' } });
  };
}

const person = (i: number): Contact => ({
  id: `P-${i}`,
  kind: 'person',
  name: `Kişi ${i}`,
  phones: [`0533 100 ${String(i).padStart(4, '0')}`],
});

describe('contact sync', () => {
  it('pages through the feed with the agent token and indexes every number', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    const seen: string[] = [];
    const contacts = Array.from({ length: 25 }, (_, i) => person(i));
    const status = await syncContacts({
      db,
      fetch: feed(contacts, seen),
      relayBase: 'http://relay.test',
      token: 'tok',
      region: 'TR',
      pageSize: 10,
    });
    expect(status.contacts).toBe(25);
    expect(seen).toEqual([
      '/v1/contacts?after=&limit=10 Bearer tok',
      '/v1/contacts?after=10&limit=10 Bearer tok',
      '/v1/contacts?after=20&limit=10 Bearer tok',
    ]);
    expect((await findByPhone(db, '+905331000024'))[0]?.id).toBe('P-24');
  });

  it('drops contacts the source no longer has and numbers that changed', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    const deps = { db, relayBase: 'http://relay.test', token: 'tok', region: 'TR' };
    await syncContacts({ ...deps, fetch: feed([person(1), person(2)]) });
    const moved = { ...person(1), phones: ['0533 999 99 99'] };
    const status = await syncContacts({ ...deps, fetch: feed([moved]) });
    expect(status.contacts).toBe(1);
    expect(await findByPhone(db, '+905331000001')).toEqual([]);
    expect(await findByPhone(db, '+905331000002')).toEqual([]);
    expect((await findByPhone(db, '+905339999999'))[0]?.id).toBe('P-1');
  });

  it('fails with the HTTP status when the feed refuses', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    const refusing: typeof fetch = async () => new Response('no', { status: 401 });
    await expect(
      syncContacts({ db, fetch: refusing, relayBase: 'http://relay.test', token: 'bad', region: 'TR' }),
    ).rejects.toThrow('HTTP 401');
  });
});
