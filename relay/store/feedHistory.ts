// The contact feed's rows and change history, wherever they are kept: in this process
// (relay/contacts/contactChanges.ts, for a relay without a durable store) or in the embedded SQLite
// file (sqliteFeedHistory.ts), where a million contacts cost disk, not memory, and survive restarts
// with their sequence numbers, so every browser's cursor stays valid.
//
// Every added, modified or deleted contact gets the next sequence number; a page returns what
// carries a number above the cursor, in that order. A contact changed again simply moves to the
// end, so a walk under way when the source changes skips nothing and sends no unchanged contact
// twice. Deletions are remembered for the last `maxVersions` changes; a cursor from before that,
// from another history (the epoch) or not ours at all gets `reset`, and the client syncs from ''.
import type { Contact, ContactPage } from '../../shared/contact.ts';

export const DEFAULT_HISTORY = 100;

/** What one change did: contacts added or modified, contacts removed. */
export interface ChangeCount {
  upserted: number;
  removed: number;
}

/**
 * Marks the contacts of one source (ids starting with `prefix`, '' = all) that a complete load
 * still has; `finish` removes the others (a contact deleted in the CRM while nobody looked).
 */
export interface Sweep {
  keep(ids: Iterable<string>): void;
  finish(): ChangeCount;
}

export interface FeedHistory {
  readonly epoch: string;
  /** Live contacts. */
  readonly size: number;
  get(id: string): Contact | undefined;
  /**
   * Applies what a source reported (upserts, deleted ids); unchanged content is no change. `more`:
   * another part of the same change follows (a load read page by page), so the version stays open
   * and a million-row load is one version of the history, not two hundred.
   */
  applyChanges(upserts: readonly Contact[], deletedIds: readonly string[], more?: boolean): ChangeCount;
  /** Makes `contacts` (unique ids) the whole current set. */
  apply(contacts: readonly Contact[]): ChangeCount;
  sweep(prefix: string): Sweep;
  /** Live contacts whose id starts with `prefix`. */
  countIn(prefix: string): number;
  /** The page after `after` ('' = a full walk), at most `limit` contacts and deleted ids. */
  page(after: string, limit: number): ContactPage;
  /** Contacts with one of their numbers equal to this E.164 key (in the history's region). */
  byPhone(e164: string): Contact[];
  close?(): void;
}

/** The persisted part of a history: which run it is, where it is, what it can still answer. */
export interface HistoryState {
  epoch: string;
  seq: number;
  /** The last seq of each change still answerable, oldest first. */
  versions: number[];
  /** Cursors below this seq may have missed forgotten deletions. */
  floor: number;
}

/** The cursor `EPOCH.POS` or, early in a walk from '', `EPOCH.POS.START` (the seq it started at). */
const CURSOR_RE = /^([A-Za-z0-9_-]{1,16})\.(\d{1,15})(?:\.(\d{1,15}))?$/;

/** Where a cursor points: after `pos`; deletions count only above `start`. Null → reset. */
export function readCursor(after: string, state: HistoryState): { pos: number; start: number } | null {
  if (after === '') return { pos: 0, start: state.seq };
  const m = CURSOR_RE.exec(after);
  if (!m || m[1] !== state.epoch) return null;
  const pos = Number(m[2]);
  const start = m[3] === undefined ? pos : Number(m[3]);
  if (pos > state.seq || start > state.seq || Math.max(pos, start) < state.floor) return null;
  return { pos, start };
}

export function writeCursor(epoch: string, at: number, start: number): string {
  return at >= start ? `${epoch}.${at}` : `${epoch}.${at}.${start}`;
}

export function resetPage(total: number): ContactPage {
  return { reset: true, contacts: [], deleted: [], cursor: '', done: true, total };
}

/** Closes a version: the seq is remembered for cursors; returns the new floor when it moved. */
export function closeVersion(state: HistoryState, maxVersions: number): number | undefined {
  state.versions.push(state.seq);
  if (state.versions.length <= maxVersions) return undefined;
  state.versions.splice(0, state.versions.length - maxVersions);
  state.floor = state.versions[0] ?? state.seq;
  return state.floor;
}

/**
 * A 53-bit hash of the contact's content (cyrb53). Not cryptographic: it only has to tell a changed
 * contact from the same one, and a million sha1 digests per reload cost seconds this does not.
 */
export function contentHash(c: Contact): number {
  // A fixed field order, so the same content always hashes the same however it was built.
  const text = JSON.stringify([
    c.id,
    c.kind,
    c.name,
    c.phones,
    c.companyId,
    c.company,
    c.owner,
    c.updatedAt,
    c.recordId,
    c.companyRecordId,
  ]);
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

/** `apply` for every home: the contacts as one change, then a sweep of every id not among them. */
export function replaceAll(history: FeedHistory, contacts: readonly Contact[]): ChangeCount {
  const sweep = history.sweep('');
  const count = history.applyChanges(contacts, [], true);
  sweep.keep(contacts.map((c) => c.id));
  const swept = sweep.finish();
  return { upserted: count.upserted, removed: count.removed + swept.removed };
}
