// Contact sync from the relay's feed into the cache. This first cut does a full pass each time:
// every page is written with a new generation number and, once the feed is done, contacts the
// pass did not see are removed, so the cache never keeps a contact the source deleted.
import type { ContactPage } from '../shared/contact.ts';
import type { SyncStatus } from '../shared/messages.ts';
import { countContacts, putContacts, removeOlderThan } from './contactStore.ts';
import type { Db } from './db.ts';

export interface SyncDeps {
  db: Db;
  fetch: typeof fetch;
  /** HTTP base of the relay, e.g. `http://127.0.0.1:8787`. */
  relayBase: string;
  token: string;
  region: string;
  now?: () => Date;
  pageSize?: number;
}

const MAX_PAGES = 100_000;

export async function syncContacts(deps: SyncDeps): Promise<SyncStatus> {
  const { db, relayBase, token, region } = deps;
  const now = deps.now ?? (() => new Date());
  const gen = ((await db.get('meta', 'contactsGen')) as number | undefined) ?? 0;
  const nextGen = gen + 1;
  let after = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = `${relayBase}/v1/contacts?after=${encodeURIComponent(after)}&limit=${deps.pageSize ?? 2000}`;
    const res = await deps.fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`contact feed answered HTTP ${res.status}`);
    const body = (await res.json()) as ContactPage;
    await putContacts(db, body.contacts, body.deleted, region, nextGen);
    if (body.done || body.cursor === after) break;
    after = body.cursor;
  }
  await removeOlderThan(db, nextGen);
  await db.put('meta', nextGen, 'contactsGen');
  const status: SyncStatus = { contacts: await countContacts(db), lastSyncAt: now().toISOString() };
  await db.put('meta', status, 'syncStatus');
  return status;
}

export async function lastSyncStatus(db: Db): Promise<SyncStatus> {
  const stored = (await db.get('meta', 'syncStatus')) as SyncStatus | undefined;
  return stored ?? { contacts: await countContacts(db) };
}
