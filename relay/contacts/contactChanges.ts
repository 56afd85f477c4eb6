// The contact feed's memory of what changed when, so a client that synced once moves only the
// changes afterwards. Every added, modified or deleted contact gets the next sequence number; a
// page returns what carries a number above the cursor, in that order. A contact changed again
// simply moves to the end, so a walk under way when the source is reloaded skips nothing and sends
// no unchanged contact twice: it ends on exactly the new version. Deletions are remembered for the
// last `maxVersions` reloads; a cursor from before that, from another history (the epoch) or not
// ours at all gets `reset`, and the client syncs again from ''. With a durable store (the embedded
// default) the history survives restarts: same epoch, same sequence numbers, cursors stay valid.
import { randomBytes } from 'node:crypto';
import type { Contact, ContactPage } from '../../shared/contact.ts';
import type { ContactHistoryStore, StoredContact } from '../store/contactHistoryStore.ts';

export const DEFAULT_HISTORY = 100;

export interface ContactChanges {
  /** Added or modified contacts, with the previous version of a modified one. */
  upserted: { before?: Contact; after: Contact }[];
  removed: Contact[];
}

interface Entry {
  contact: Contact;
  hash: number;
  seq: number;
}

/** The cursor `EPOCH.POS` or, early in a walk from '', `EPOCH.POS.START` (the seq it started at). */
const CURSOR_RE = /^([A-Za-z0-9_-]{1,16})\.(\d{1,15})(?:\.(\d{1,15}))?$/;

/**
 * A 53-bit hash of the contact's content (cyrb53). Not cryptographic: it only has to tell a changed
 * contact from the same one, and a million sha1 digests per reload cost seconds this does not.
 */
export function contentHash(c: Contact): number {
  // A fixed field order, so the same content always hashes the same however it was built.
  const text = JSON.stringify([c.id, c.kind, c.name, c.phones, c.companyId, c.company, c.owner, c.updatedAt]);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export class ContactHistory {
  /** Differs per history (per relay run without a store): sequence numbers restart with it. */
  epoch: string;
  private seq = 0;
  private readonly live = new Map<string, Entry>();
  /** Deleted id → the seq of its deletion, for the reloads still in the history. */
  private readonly tombs = new Map<string, number>();
  /** Every change in seq order; an entry is stale once its id changed again (or was forgotten). */
  private logIds: string[] = [];
  private logSeqs: number[] = [];
  /** The last seq of each reload still answerable, oldest first. */
  private readonly versions: number[] = [];
  /** Cursors below this seq may have missed forgotten deletions. */
  private floor = 0;

  constructor(
    private readonly maxVersions = DEFAULT_HISTORY,
    epoch = randomBytes(6).toString('base64url'),
    private readonly store?: ContactHistoryStore,
  ) {
    this.epoch = epoch;
    const saved = store?.load();
    if (!saved) return;
    this.epoch = saved.epoch;
    this.seq = saved.seq;
    this.versions.push(...saved.versions);
    this.floor = saved.floor;
    for (const row of saved.rows) {
      if (row.contact) this.live.set(row.id, { contact: row.contact, hash: row.hash, seq: row.seq });
      else this.tombs.set(row.id, row.seq);
      this.logIds.push(row.id);
      this.logSeqs.push(row.seq);
    }
  }

  get size(): number {
    return this.live.size;
  }

  get(id: string): Contact | undefined {
    return this.live.get(id)?.contact;
  }

  /** Every contact in the current version. */
  *contacts(): IterableIterator<Contact> {
    for (const entry of this.live.values()) yield entry.contact;
  }

  /** Makes `contacts` (unique ids) the current version; null when nothing in it changed. */
  apply(contacts: readonly Contact[]): ContactChanges | null {
    const changes: ContactChanges = { upserted: [], removed: [] };
    const ids = new Set<string>();
    for (const contact of contacts) {
      ids.add(contact.id);
      this.upsert(contact, changes);
    }
    if (ids.size < this.live.size)
      for (const id of [...this.live.keys()]) if (!ids.has(id)) this.remove(id, changes);
    return this.commit(changes);
  }

  /**
   * Applies only what a source reported as changed (upserts, deleted ids): a change in a large
   * CRM costs what changed, not a pass over every contact. Null when nothing actually changed.
   */
  applyChanges(upserts: readonly Contact[], deletedIds: readonly string[]): ContactChanges | null {
    const changes: ContactChanges = { upserted: [], removed: [] };
    for (const contact of upserts) this.upsert(contact, changes);
    for (const id of deletedIds) if (this.live.has(id)) this.remove(id, changes);
    return this.commit(changes);
  }

  private upsert(contact: Contact, changes: ContactChanges): void {
    const hash = contentHash(contact);
    const before = this.live.get(contact.id);
    if (before?.hash === hash) return;
    this.record(contact.id);
    this.live.set(contact.id, { contact, hash, seq: this.seq });
    this.tombs.delete(contact.id);
    changes.upserted.push(before ? { before: before.contact, after: contact } : { after: contact });
  }

  private remove(id: string, changes: ContactChanges): void {
    const entry = this.live.get(id);
    if (!entry) return;
    this.record(id);
    this.live.delete(id);
    this.tombs.set(id, this.seq);
    changes.removed.push(entry.contact);
  }

  /** Closes a version: remembered for cursors, old deletions forgotten, persisted. */
  private commit(changes: ContactChanges): ContactChanges | null {
    if (!changes.upserted.length && !changes.removed.length) return null;
    this.versions.push(this.seq);
    const forget: string[] = [];
    if (this.versions.length > this.maxVersions) {
      this.versions.splice(0, this.versions.length - this.maxVersions);
      this.floor = this.versions[0] ?? this.seq;
      for (const [id, seq] of this.tombs)
        if (seq <= this.floor) {
          this.tombs.delete(id);
          forget.push(id);
        }
    }
    this.compact();
    this.persist(changes, forget);
    return changes;
  }

  private persist(changes: ContactChanges, forget: string[]): void {
    if (!this.store) return;
    const rows: StoredContact[] = [];
    for (const { after } of changes.upserted) {
      const entry = this.live.get(after.id) as Entry;
      rows.push({ id: after.id, seq: entry.seq, hash: entry.hash, contact: entry.contact });
    }
    for (const removed of changes.removed)
      if (this.tombs.has(removed.id))
        rows.push({ id: removed.id, seq: this.tombs.get(removed.id) as number, hash: 0, contact: null });
      else forget.push(removed.id);
    this.store.save(
      { epoch: this.epoch, seq: this.seq, versions: this.versions, floor: this.floor },
      rows,
      forget,
    );
  }

  /** The page after `after` ('' = a full walk), at most `limit` contacts and deleted ids. */
  page(after: string, limit: number): ContactPage {
    const total = this.live.size;
    let pos = 0;
    let start = this.seq;
    if (after !== '') {
      const m = CURSOR_RE.exec(after);
      if (!m || m[1] !== this.epoch) return reset(total);
      pos = Number(m[2]);
      start = m[3] === undefined ? pos : Number(m[3]);
      if (pos > this.seq || start > this.seq || Math.max(pos, start) < this.floor) return reset(total);
    }
    const contacts: Contact[] = [];
    const deleted: string[] = [];
    let i = this.firstAfter(pos);
    let last = pos;
    for (; i < this.logIds.length; i++) {
      const id = this.logIds[i] as string;
      const seq = this.logSeqs[i] as number;
      const entry = this.live.get(id);
      const isContact = entry?.seq === seq;
      // A walk from '' never had what was deleted before it started.
      const isDeletion = !isContact && seq > start && this.tombs.get(id) === seq;
      if (isContact || isDeletion) {
        if (contacts.length + deleted.length >= limit) break;
        if (isContact) contacts.push(entry.contact);
        else deleted.push(id);
      }
      last = seq;
    }
    const done = i >= this.logIds.length;
    const at = done ? this.seq : last;
    const cursor = at >= start ? `${this.epoch}.${at}` : `${this.epoch}.${at}.${start}`;
    return { contacts, deleted, cursor, done, total };
  }

  private record(id: string): void {
    this.seq++;
    this.logIds.push(id);
    this.logSeqs.push(this.seq);
  }

  /** Index of the first log entry with a seq above `seq`. */
  private firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.logSeqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.logSeqs[mid] as number) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops stale log entries once they outnumber the live ones, so pages never scan far. */
  private compact(): void {
    const current = this.live.size + this.tombs.size;
    if (this.logIds.length <= 2 * current + 1024) return;
    const ids: string[] = [];
    const seqs: number[] = [];
    this.logIds.forEach((id, i) => {
      const seq = this.logSeqs[i] as number;
      if (this.live.get(id)?.seq === seq || this.tombs.get(id) === seq) {
        ids.push(id);
        seqs.push(seq);
      }
    });
    this.logIds = ids;
    this.logSeqs = seqs;
  }
}

function reset(total: number): ContactPage {
  return { reset: true, contacts: [], deleted: [], cursor: '', done: true, total };
}
