// The contact cache: batched writes inside IndexedDB transactions and lookups by match key.
import type { IDBPTransaction } from 'idb';
import type { Contact } from '../shared/contact.ts';
import {
  approximateCandidates,
  type Candidate,
  exactCandidates,
  matchKeys,
  nsnKey,
  rankCandidates,
} from '../shared/match.ts';
import type { MatchCandidate, MatchedContact } from '../shared/messages.ts';
import type { NormalizedPhone } from '../shared/phone.ts';
import type { Db, ScreenPopDb, StoredContact } from './db.ts';

export interface WriteCounts {
  added: number;
  changed: number;
  deleted: number;
}

/**
 * Writes one page of the feed in a single transaction; ids in `deleted` are removed. Rewriting a
 * record rewrites its multi-entry keys, so a contact's old numbers stop matching. `meta` entries
 * are written in the same transaction: a sync's cursor is saved exactly with the page it follows.
 */
export async function putContacts(
  db: Db,
  contacts: readonly Contact[],
  deleted: readonly string[],
  region: string,
  gen: number,
  /** Entries for `meta` to write in the same transaction, given this page's counts. */
  meta?: (counts: WriteCounts) => Record<string, unknown>,
  /** The store held none of these before (a first walk): skip the reads that tell added from changed. */
  allNew = false,
): Promise<WriteCounts> {
  await ensureCount(db);
  const tx = db.transaction(['contacts', 'meta'], 'readwrite');
  const store = tx.objectStore('contacts');
  // Queued before the writes, so it reads the count as it was before this page.
  const countBefore = storedCount(tx);
  const counts: WriteCounts = { added: 0, changed: 0, deleted: 0 };
  // Requests in one transaction are queued together; awaiting them all at once keeps it short.
  const writes = contacts.map(async (c) => {
    if (allNew) {
      counts.added++;
      await store.put({ ...c, keys: matchKeys(c.phones, region), gen });
      return;
    }
    const before = await store.get(c.id);
    if (!before) counts.added++;
    else if (!sameContact(before, c)) counts.changed++;
    await store.put({ ...c, keys: matchKeys(c.phones, region), gen });
  });
  const removals = deleted.map(async (id) => {
    if ((await store.count(id)) > 0) counts.deleted++;
    await store.delete(id);
  });
  await Promise.all([...writes, ...removals]);
  // Still inside the transaction: the page's cursor and counts commit with the page, or not at all.
  const entries = Object.entries(meta?.(counts) ?? {});
  const total = (await countBefore) + counts.added - counts.deleted;
  entries.push([COUNT_KEY, total]);
  await Promise.all([...entries.map(([key, value]) => tx.objectStore('meta').put(value, key)), tx.done]);
  return counts;
}

function sameContact(a: Contact, b: Contact): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    a.companyId === b.companyId &&
    a.company === b.company &&
    a.owner === b.owner &&
    a.updatedAt === b.updatedAt &&
    a.phones.join('\n') === b.phones.join('\n')
  );
}

/**
 * Removes contacts a full sync of generation `gen` did not write: they are gone from the source.
 * Works in small transactions so a call's lookup never waits behind the whole sweep.
 */
export async function removeOlderThan(db: Db, gen: number, batch = 500): Promise<number> {
  let removed = 0;
  await ensureCount(db);
  for (;;) {
    const tx = db.transaction(['contacts', 'meta'], 'readwrite');
    const store = tx.objectStore('contacts');
    const ids = await store.index('gen').getAllKeys(IDBKeyRange.upperBound(gen, true), batch);
    const total = (await storedCount(tx)) - ids.length;
    await Promise.all([
      ...ids.map((id) => store.delete(id)),
      tx.objectStore('meta').put(total, COUNT_KEY),
      tx.done,
    ]);
    removed += ids.length;
    if (ids.length < batch) return removed;
  }
}

export async function clearContacts(db: Db): Promise<void> {
  const tx = db.transaction(['contacts', 'meta'], 'readwrite');
  await Promise.all([tx.objectStore('contacts').clear(), tx.objectStore('meta').put(0, COUNT_KEY), tx.done]);
}

/**
 * The number of cached contacts, kept in `meta` by every write. IndexedDB's own count() walks the
 * whole store in Chromium: at a million contacts each call takes long enough, and blocks the sync's
 * writes long enough, that polling the status would starve the sync.
 */
export async function countContacts(db: Db): Promise<number> {
  await ensureCount(db);
  return ((await db.get('meta', COUNT_KEY)) as number | undefined) ?? 0;
}

const COUNT_KEY = 'contactCount';

type CountTx = IDBPTransaction<ScreenPopDb, ('contacts' | 'meta')[], 'readwrite'>;

async function storedCount(tx: CountTx): Promise<number> {
  return ((await tx.objectStore('meta').get(COUNT_KEY)) as number | undefined) ?? 0;
}

/**
 * Counts the store once and keeps that. A first walk writes without reading (it assumes every
 * contact is new), so a contact a live lookup cached meanwhile is counted twice until this runs.
 */
export async function recountContacts(db: Db): Promise<number> {
  const tx = db.transaction(['contacts', 'meta'], 'readwrite');
  const n = await tx.objectStore('contacts').count();
  await Promise.all([tx.objectStore('meta').put(n, COUNT_KEY), tx.done]);
  return n;
}

/** A cache written before the count was kept is counted once, in a transaction of its own. */
async function ensureCount(db: Db): Promise<void> {
  if ((await db.get('meta', COUNT_KEY)) !== undefined) return;
  const tx = db.transaction(['contacts', 'meta'], 'readwrite');
  const meta = tx.objectStore('meta');
  if ((await meta.get(COUNT_KEY)) === undefined)
    await meta.put(await tx.objectStore('contacts').count(), COUNT_KEY);
  await tx.done;
}

/** Every contact indexed under this E.164 number, in no particular order. */
export function findByPhone(db: Db, e164: string): Promise<StoredContact[]> {
  return db.getAllFromIndex('contacts', 'keys', e164);
}

/**
 * Every contact the caller's number matches, ranked (shared/match.ts). Exact E.164 hits first;
 * only when there are none, contacts with the same national number under one other country code.
 */
export async function findCandidates(
  db: Db,
  caller: NormalizedPhone,
  region: string,
  agentUser?: string,
): Promise<Candidate[]> {
  const exact = exactCandidates(caller, await findByPhone(db, caller.e164), region, agentUser);
  if (exact.length) return rankCandidates(exact);
  const key = nsnKey(caller.nsn);
  if (!key) return [];
  const hits = await db.getAllFromIndex('contacts', 'keys', key);
  return rankCandidates(approximateCandidates(caller, hits, region, agentUser));
}

function toMatched(c: Contact): MatchedContact {
  const matched: MatchedContact = {
    id: c.id,
    kind: c.kind,
    name: c.name,
    companyId: c.companyId,
    company: c.company,
  };
  if (c.recordId !== undefined) matched.recordId = c.recordId;
  if (c.companyRecordId !== undefined) matched.companyRecordId = c.companyRecordId;
  return matched;
}

export function toMatchCandidate(c: Candidate): MatchCandidate {
  return { ...toMatched(c.contact), reason: c.reason, phone: c.phone, own: c.own };
}
