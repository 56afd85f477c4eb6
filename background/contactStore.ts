// The contact cache: batched writes inside IndexedDB transactions and lookups by match key.
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
import type { Db, StoredContact } from './db.ts';

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
  const tx = db.transaction(['contacts', 'meta'], 'readwrite');
  const store = tx.objectStore('contacts');
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
  for (;;) {
    const tx = db.transaction('contacts', 'readwrite');
    const ids = await tx.store.index('gen').getAllKeys(IDBKeyRange.upperBound(gen, true), batch);
    await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
    removed += ids.length;
    if (ids.length < batch) return removed;
  }
}

export async function clearContacts(db: Db): Promise<void> {
  await db.clear('contacts');
}

export function countContacts(db: Db): Promise<number> {
  return db.count('contacts');
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

export function toMatched(c: Contact): MatchedContact {
  return { id: c.id, kind: c.kind, name: c.name, companyId: c.companyId, company: c.company };
}

export function toMatchCandidate(c: Candidate): MatchCandidate {
  return { ...toMatched(c.contact), reason: c.reason, phone: c.phone, own: c.own };
}
