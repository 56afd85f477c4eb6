import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countContacts, findByPhone, putContacts } from '../../../background/contactStore.ts';
import { openDb } from '../../../background/db.ts';
import { lastSyncStatus, recordSyncError, syncContacts } from '../../../background/sync.ts';
import type { Contact } from '../../../shared/contact.ts';
import { FakeFeed, json, person } from './fakeFeed.ts';

const base = { relayBase: 'http://relay.test', token: 'tok', region: 'TR' };
const ids = async (db: Awaited<ReturnType<typeof openDb>>, e164: string) =>
  (await findByPhone(db, e164)).map((c) => c.id);

describe('contact sync', () => {
  it('counts a contact once when a live lookup cached it before the first walk reached it', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    const contacts = Array.from({ length: 25 }, (_, i) => person(i));
    const feed = new FakeFeed(contacts);
    let requests = 0;
    const fetchDuringWalk: typeof fetch = async (input, init) => {
      // While the first walk runs, a call's live lookup caches the last contact (as on a miss).
      if (++requests === 2) await putContacts(db, [contacts[24] as Contact], [], 'TR', 0);
      return feed.fetch(input, init);
    };
    const status = await syncContacts({ ...base, db, fetch: fetchDuringWalk, pageSize: 10 });
    expect(status.contacts).toBe(25);
    expect(await countContacts(db)).toBe(25);
  });

  it('pages through the feed with the agent token and indexes every number', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    const feed = new FakeFeed(Array.from({ length: 25 }, (_, i) => person(i)));
    const status = await syncContacts({ ...base, db, fetch: feed.fetch, pageSize: 10 });
    expect(status.contacts).toBe(25);
    expect(status.last).toMatchObject({ added: 25, changed: 0, deleted: 0, full: true });
    expect(status.progress, 'no progress once finished').toBeUndefined();
    expect(feed.requests).toEqual([
      '/v1/contacts?after=&limit=10 Bearer tok',
      '/v1/contacts?after=s%3A10%3A0&limit=10 Bearer tok',
      '/v1/contacts?after=s%3A20%3A0&limit=10 Bearer tok',
    ]);
    expect(await ids(db, '+905331000024')).toEqual(['P-0024']);
  });

  it('resumes a walk stopped mid-way at the page it reached, and ends with the exact count', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    const feed = new FakeFeed(Array.from({ length: 95 }, (_, i) => person(i)));
    await syncContacts({ ...base, db, fetch: feed.fetch, pageSize: 10, maxPages: 4 });
    expect(await countContacts(db)).toBe(40);
    const running = await lastSyncStatus(db);
    expect(running.progress).toMatchObject({ done: 40, total: 95, full: true });
    feed.requests = [];
    const status = await syncContacts({ ...base, db, fetch: feed.fetch, pageSize: 10 });
    expect(feed.requests[0], 'the second run starts where the first stopped').toContain('after=s%3A40%3A0');
    expect(feed.requests).toHaveLength(6);
    expect(status.contacts).toBe(95);
    expect(status.last).toMatchObject({ added: 95, deleted: 0 });
  });

  it('fetches only changes after a finished walk: upserts, deletions and changed numbers', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    const feed = new FakeFeed([person(1), person(2), person(3)]);
    await syncContacts({ ...base, db, fetch: feed.fetch });
    feed.upsert(person(1, { phones: ['0533 999 99 99'] }));
    feed.remove('P-0002');
    feed.upsert(person(4));
    feed.requests = [];
    const status = await syncContacts({ ...base, db, fetch: feed.fetch });
    expect(feed.requests).toEqual(['/v1/contacts?after=c%3A0&limit=2000 Bearer tok']);
    expect(status.contacts).toBe(3);
    expect(status.last).toMatchObject({ added: 1, changed: 1, deleted: 1, full: false });
    expect(await ids(db, '+905331000001'), 'the old number of a moved contact no longer matches').toEqual([]);
    expect(await ids(db, '+905339999999')).toEqual(['P-0001']);
    expect(await ids(db, '+905331000002'), 'a deleted contact no longer matches').toEqual([]);
    expect(await ids(db, '+905331000004')).toEqual(['P-0004']);
  });

  it('drops the cache and walks again when the relay asks for a reset, keeping only what it has', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    const feed = new FakeFeed([person(1), person(2)]);
    await syncContacts({ ...base, db, fetch: feed.fetch });
    // The relay restarted with another file: its history is gone.
    feed.contacts.delete('P-0001');
    feed.contacts.set('P-0005', person(5));
    feed.resetNext = true;
    const status = await syncContacts({ ...base, db, fetch: feed.fetch });
    expect(status.contacts).toBe(2);
    expect(await ids(db, '+905331000001')).toEqual([]);
    expect(await ids(db, '+905331000005')).toEqual(['P-0005']);
    expect(status.last?.full).toBe(true);
  });

  it('sweeps contacts a full re-walk did not see (another relay or region)', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    await syncContacts({ ...base, db, fetch: new FakeFeed([person(1), person(2)]).fetch });
    const other = new FakeFeed([person(2)]);
    const status = await syncContacts({ ...base, relayBase: 'http://other.test', db, fetch: other.fetch });
    expect(other.requests[0]).toContain('after=&');
    expect(status.contacts).toBe(1);
    expect(status.last).toMatchObject({ added: 0, changed: 0, deleted: 1 });
    expect(await ids(db, '+905331000001')).toEqual([]);
  });

  it('fails with the HTTP status when the feed refuses, and records the error', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    const refusing: typeof fetch = async () => new Response('no', { status: 401 });
    await expect(syncContacts({ ...base, db, fetch: refusing, token: 'bad' })).rejects.toThrow('HTTP 401');
    const status = await recordSyncError(db, 'contact feed answered HTTP 401');
    expect(status.error).toContain('401');
    expect((await lastSyncStatus(db)).last?.error).toContain('401');
  });
});

describe('a feed that misbehaves', () => {
  it('never sweeps after a snapshot whose cursor stops moving', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    await syncContacts({ ...base, db, fetch: new FakeFeed([person(1), person(2)]).fetch });
    const stuck: typeof fetch = async () =>
      json({ contacts: [person(1)], deleted: [], cursor: '', done: false, total: 2 });
    await expect(syncContacts({ ...base, relayBase: 'http://other.test', db, fetch: stuck })).rejects.toThrow(
      'did not advance',
    );
    expect(await countContacts(db), 'nothing was swept').toBe(2);
  });

  it('refuses an answer that is no contact page', async () => {
    const db = await openDb(`sync-${randomUUID()}`);
    const html: typeof fetch = async () => json({ hello: 'world' });
    await expect(syncContacts({ ...base, db, fetch: html })).rejects.toThrow('no contact page');
  });
});
