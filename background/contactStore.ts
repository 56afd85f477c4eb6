// The contact cache: batched writes inside IndexedDB transactions and lookups by E.164 key.
import type { Contact } from '../shared/contact.ts';
import type { MatchedContact } from '../shared/messages.ts';
import { phoneKeys } from '../shared/phone.ts';
import type { Db, StoredContact } from './db.ts';

/** Writes one page of the feed in a single transaction; ids in `deleted` are removed. */
export async function putContacts(
  db: Db,
  contacts: readonly Contact[],
  deleted: readonly string[],
  region: string,
  gen: number,
): Promise<void> {
  const tx = db.transaction('contacts', 'readwrite');
  for (const c of contacts) tx.store.put({ ...c, keys: phoneKeys(c.phones, region), gen });
  for (const id of deleted) tx.store.delete(id);
  await tx.done;
}

/** Removes contacts a full sync of generation `gen` did not write: they are gone from the source. */
export async function removeOlderThan(db: Db, gen: number): Promise<number> {
  let removed = 0;
  let cursor = await db.transaction('contacts', 'readwrite').store.openCursor();
  while (cursor) {
    if (cursor.value.gen < gen) {
      await cursor.delete();
      removed++;
    }
    cursor = await cursor.continue();
  }
  return removed;
}

export function countContacts(db: Db): Promise<number> {
  return db.count('contacts');
}

/**
 * Every contact with this E.164 number, best first. Ranking for now: a person before their company
 * (the person is who is calling), then most recently changed.
 */
export async function findByPhone(db: Db, e164: string): Promise<StoredContact[]> {
  const hits = await db.getAllFromIndex('contacts', 'keys', e164);
  return hits.sort(
    (a, b) =>
      Number(b.kind === 'person') - Number(a.kind === 'person') ||
      (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '') ||
      a.id.localeCompare(b.id),
  );
}

export function toMatched(c: StoredContact): MatchedContact {
  return { id: c.id, kind: c.kind, name: c.name, companyId: c.companyId, company: c.company };
}
