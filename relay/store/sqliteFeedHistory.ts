// The contact feed kept in the embedded SQLite file instead of process memory: a row per contact
// (its latest sequence number, content hash and JSON; JSON null = a remembered deletion) and a
// phone-key table for lookups. A million contacts then cost the relay disk and a page cache, not
// gigabytes of heap, and a restart keeps the epoch and every sequence number, so browsers' cursors
// stay valid. The rows are keyed by seq (the table's rowid), so a page is one range read.
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
} from './feedHistory.ts';
import { type Db, readMeta, writeMeta } from './sqliteDb.ts';

const STATE = 'feed.state';
const REGION = 'feed.region';

/** The first id after every id starting with `prefix` (ids are compared as text). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export class SqliteFeedHistory implements FeedHistory {
  private readonly state: HistoryState;
  private live: number;
  /** Live contacts per source prefix asked for, kept up to date with each change. */
  private readonly counts = new Map<string, number>();
  private open = false;
  /** Sweep table number per source prefix. */
  private readonly sweeps = new Map<string, number>();
  private readonly sql;

  constructor(
    private readonly db: Db,
    private readonly region: string,
    private readonly maxVersions = DEFAULT_HISTORY,
  ) {
    const saved = readMeta(db, STATE);
    this.state = saved
      ? (JSON.parse(saved) as HistoryState)
      : { epoch: randomBytes(6).toString('base64url'), seq: 0, versions: [], floor: 0 };
    this.sql = {
      get: db.prepare('SELECT seq, hash, json FROM feed_contacts WHERE id = ?'),
      put: db.prepare(
        `INSERT INTO feed_contacts (seq, id, hash, json) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, json = excluded.json`,
      ),
      dropPhones: db.prepare('DELETE FROM feed_phones WHERE id = ?'),
      addPhone: db.prepare('INSERT OR IGNORE INTO feed_phones (key, id) VALUES (?, ?)'),
      byPhone: db.prepare(
        'SELECT c.json FROM feed_phones p JOIN feed_contacts c ON c.id = p.id WHERE p.key = ? AND c.json IS NOT NULL',
      ),
      page: db.prepare(
        'SELECT seq, id, json FROM feed_contacts WHERE seq > ? AND (json IS NOT NULL OR seq > ?) ORDER BY seq LIMIT ?',
      ),
      forget: db.prepare('DELETE FROM feed_contacts WHERE json IS NULL AND seq <= ?'),
      countAll: db.prepare('SELECT count(*) AS n FROM feed_contacts WHERE json IS NOT NULL'),
      countIn: db.prepare(
        'SELECT count(*) AS n FROM feed_contacts WHERE id >= ? AND id < ? AND json IS NOT NULL',
      ),
      liveIn: db.prepare('SELECT id FROM feed_contacts WHERE id >= ? AND id < ? AND json IS NOT NULL'),
      liveAll: db.prepare('SELECT id FROM feed_contacts WHERE json IS NOT NULL'),
    };
    this.live = (this.sql.countAll.get() as { n: number }).n;
    if (readMeta(db, REGION) !== region) this.rebuildPhones();
  }

  get epoch(): string {
    return this.state.epoch;
  }

  get size(): number {
    return this.live;
  }

  get(id: string): Contact | undefined {
    const row = this.sql.get.get(id) as { json: string | null } | undefined;
    return row?.json ? (JSON.parse(row.json) as Contact) : undefined;
  }

  byPhone(e164: string): Contact[] {
    return (this.sql.byPhone.all(e164) as { json: string }[]).map((r) => JSON.parse(r.json) as Contact);
  }

  countIn(prefix: string): number {
    if (!prefix) return this.live;
    let n = this.counts.get(prefix);
    if (n === undefined) {
      n = (this.sql.countIn.get(prefix, prefixEnd(prefix)) as { n: number }).n;
      this.counts.set(prefix, n);
    }
    return n;
  }

  apply(contacts: readonly Contact[]): ChangeCount {
    return replaceAll(this, contacts);
  }

  applyChanges(upserts: readonly Contact[], deletedIds: readonly string[], more = false): ChangeCount {
    return this.db.transaction(() => {
      const count: ChangeCount = { upserted: 0, removed: 0 };
      for (const contact of upserts) if (this.upsert(contact)) count.upserted++;
      for (const id of deletedIds) if (this.remove(id)) count.removed++;
      if (count.upserted || count.removed) this.open = true;
      if (!more && this.open) this.commit();
      writeMeta(this.db, STATE, JSON.stringify(this.state));
      return count;
    })();
  }

  /**
   * The ids a complete load keeps go to a temporary table, so a million of them cost no heap; the
   * live ids of the prefix missing from it are then removed as one change.
   */
  sweep(prefix: string): Sweep {
    // A table per source prefix: two sources may load at the same time.
    let n = this.sweeps.get(prefix);
    if (n === undefined) this.sweeps.set(prefix, (n = this.sweeps.size));
    const table = `temp.feed_sweep_${n}`;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY) WITHOUT ROWID`);
    this.db.exec(`DELETE FROM ${table}`);
    const keep = this.db.prepare(`INSERT OR IGNORE INTO ${table} (id) VALUES (?)`);
    const has = this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).pluck();
    return {
      keep: (ids) => {
        this.db.transaction(() => {
          for (const id of ids) keep.run(id);
        })();
      },
      finish: () => {
        const live = prefix
          ? this.sql.liveIn.pluck().iterate(prefix, prefixEnd(prefix))
          : this.sql.liveAll.pluck().iterate();
        const gone: string[] = [];
        for (const id of live as Iterable<string>) if (!has.get(id)) gone.push(id);
        this.db.exec(`DELETE FROM ${table}`);
        return this.applyChanges([], gone);
      },
    };
  }

  page(after: string, limit: number): ContactPage {
    const total = this.live;
    const at = readCursor(after, this.state);
    if (!at) return resetPage(total);
    const rows = this.sql.page.all(at.pos, at.start, limit + 1) as {
      seq: number;
      id: string;
      json: string | null;
    }[];
    const done = rows.length <= limit;
    if (!done) rows.length = limit;
    const contacts: Contact[] = [];
    const deleted: string[] = [];
    for (const row of rows)
      if (row.json === null) deleted.push(row.id);
      else contacts.push(JSON.parse(row.json) as Contact);
    const last = rows.length ? (rows[rows.length - 1]?.seq as number) : at.pos;
    const cursor = writeCursor(this.state.epoch, done ? this.state.seq : last, at.start);
    return { contacts, deleted, cursor, done, total };
  }

  private upsert(contact: Contact): boolean {
    const hash = contentHash(contact);
    const before = this.sql.get.get(contact.id) as { hash: number; json: string | null } | undefined;
    if (before?.json != null && before.hash === hash) return false;
    this.state.seq++;
    this.sql.put.run(this.state.seq, contact.id, hash, JSON.stringify(contact));
    if (before?.json != null) this.sql.dropPhones.run(contact.id);
    else this.counted(contact.id, 1);
    for (const key of phoneKeys(contact.phones, this.region)) this.sql.addPhone.run(key, contact.id);
    return true;
  }

  private remove(id: string): boolean {
    const before = this.sql.get.get(id) as { json: string | null } | undefined;
    if (before?.json == null) return false;
    this.state.seq++;
    this.sql.put.run(this.state.seq, id, 0, null);
    this.sql.dropPhones.run(id);
    this.counted(id, -1);
    return true;
  }

  private counted(id: string, delta: number): void {
    this.live += delta;
    for (const [prefix, n] of this.counts) if (id.startsWith(prefix)) this.counts.set(prefix, n + delta);
  }

  /** Closes a version; deletions older than every answerable cursor are forgotten. */
  private commit(): void {
    this.open = false;
    const floor = closeVersion(this.state, this.maxVersions);
    if (floor !== undefined) this.sql.forget.run(floor);
  }

  /** The phone keys depend on the region numbers are read in: a new region rebuilds them. */
  private rebuildPhones(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM feed_phones');
      const rows = this.db.prepare('SELECT id, json FROM feed_contacts WHERE json IS NOT NULL').iterate();
      for (const row of rows as Iterable<{ id: string; json: string }>) {
        const contact = JSON.parse(row.json) as Contact;
        for (const key of phoneKeys(contact.phones, this.region)) this.sql.addPhone.run(key, row.id);
      }
      writeMeta(this.db, REGION, this.region);
    })();
  }
}
