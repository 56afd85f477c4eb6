// The contact feed's history kept in this process, for a relay without a durable store (the
// embedded default keeps it in its file, behind relay/store/feedHistory.ts). Same contract as that
// one (relay/store/feedHistory.ts): sequence numbers per change, a cursor gets what came after it.
import { randomBytes } from 'node:crypto';
import type { Contact, ContactPage } from '../../shared/contact.ts';
import { phoneKeys } from '../../shared/phone.ts';
import {
  type ChangeCount,
  closeVersion,
  contentHash,
  DEFAULT_HISTORY,
  type FeedHistory,
  type HistoryState,
  readCursor,
  replaceAll,
  resetPage,
  type Sweep,
  writeCursor,
} from '../store/feedHistory.ts';

interface Entry {
  contact: Contact;
  hash: number;
  seq: number;
}

/** E.164 → contacts, kept up to date with each change instead of being rebuilt. */
class PhoneIndex {
  private readonly map = new Map<string, Contact[]>();

  constructor(readonly region: string) {}

  find(key: string): Contact[] {
    return this.map.get(key) ?? [];
  }

  add(contact: Contact): void {
    for (const key of phoneKeys(contact.phones, this.region)) {
      const list = this.map.get(key);
      if (list) list.push(contact);
      else this.map.set(key, [contact]);
    }
  }

  remove(contact: Contact): void {
    for (const key of phoneKeys(contact.phones, this.region)) {
      const rest = (this.map.get(key) ?? []).filter((c) => c.id !== contact.id);
      if (rest.length) this.map.set(key, rest);
      else this.map.delete(key);
    }
  }
}

export class ContactHistory implements FeedHistory {
  private readonly state: HistoryState;
  private readonly live = new Map<string, Entry>();
  /** Deleted id → the seq of its deletion, for the changes still in the history. */
  private readonly tombs = new Map<string, number>();
  /** Every change in seq order; an entry is stale once its id changed again (or was forgotten). */
  private logIds: string[] = [];
  private logSeqs: number[] = [];
  private readonly index: PhoneIndex;
  /** Changes applied since the last version closed. */
  private open = false;

  constructor(
    private readonly maxVersions = DEFAULT_HISTORY,
    epoch = randomBytes(6).toString('base64url'),
    region = 'TR',
  ) {
    this.state = { epoch, seq: 0, versions: [], floor: 0 };
    this.index = new PhoneIndex(region);
  }

  get epoch(): string {
    return this.state.epoch;
  }

  get size(): number {
    return this.live.size;
  }

  get(id: string): Contact | undefined {
    return this.live.get(id)?.contact;
  }

  byPhone(e164: string): Contact[] {
    return this.index.find(e164);
  }

  countIn(prefix: string): number {
    if (!prefix) return this.live.size;
    let n = 0;
    for (const id of this.live.keys()) if (id.startsWith(prefix)) n++;
    return n;
  }

  apply(contacts: readonly Contact[]): ChangeCount {
    return replaceAll(this, contacts);
  }

  applyChanges(upserts: readonly Contact[], deletedIds: readonly string[], more = false): ChangeCount {
    const count: ChangeCount = { upserted: 0, removed: 0 };
    for (const contact of upserts) if (this.upsert(contact)) count.upserted++;
    for (const id of deletedIds) if (this.remove(id)) count.removed++;
    if (count.upserted || count.removed) this.open = true;
    if (!more && this.open) this.commit();
    return count;
  }

  sweep(prefix: string): Sweep {
    const kept = new Set<string>();
    return {
      keep: (ids) => {
        for (const id of ids) kept.add(id);
      },
      finish: () => {
        const gone = [...this.live.keys()].filter((id) => id.startsWith(prefix) && !kept.has(id));
        return this.applyChanges([], gone);
      },
    };
  }

  private upsert(contact: Contact): boolean {
    const hash = contentHash(contact);
    const before = this.live.get(contact.id);
    if (before?.hash === hash) return false;
    this.record(contact.id);
    if (before) this.index.remove(before.contact);
    this.live.set(contact.id, { contact, hash, seq: this.state.seq });
    this.index.add(contact);
    this.tombs.delete(contact.id);
    return true;
  }

  private remove(id: string): boolean {
    const entry = this.live.get(id);
    if (!entry) return false;
    this.record(id);
    this.live.delete(id);
    this.index.remove(entry.contact);
    this.tombs.set(id, this.state.seq);
    return true;
  }

  /** Closes a version: remembered for cursors, old deletions forgotten. */
  private commit(): void {
    this.open = false;
    const floor = closeVersion(this.state, this.maxVersions);
    if (floor !== undefined) for (const [id, seq] of this.tombs) if (seq <= floor) this.tombs.delete(id);
    this.compact();
  }

  page(after: string, limit: number): ContactPage {
    const total = this.live.size;
    const at = readCursor(after, this.state);
    if (!at) return resetPage(total);
    const { pos, start } = at;
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
    const cursor = writeCursor(this.state.epoch, done ? this.state.seq : last, start);
    return { contacts, deleted, cursor, done, total };
  }

  private record(id: string): void {
    this.state.seq++;
    this.logIds.push(id);
    this.logSeqs.push(this.state.seq);
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
