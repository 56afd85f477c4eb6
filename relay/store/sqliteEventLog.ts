// The event log in the embedded relay's SQLite file: calls survive a restart, and so do their ids.
// The epoch is created with the file and kept in it, so an agent's cursor from before a restart
// still places it in the log and it gets exactly the calls it missed. Tables (sqliteDb.ts):
// `events` (one row per event), `event_keys` (which routing keys it is stored under), `log_keys`
// (per key: newest seq, and the newest seq dropped by retention, so a reader behind it gets
// `resync`), `idempotency` (the PBX-retry window, also across restarts).
import { randomBytes } from 'node:crypto';
import type { CallEvent, NewCallEvent } from '../../shared/callEvent.ts';
import {
  type Appended,
  DEFAULT_RETENTION,
  type EventListener,
  type EventLog,
  parseCursor,
  type ReadResult,
  type Retention,
  type SubscribeOptions,
} from './eventLog.ts';
import { ListenerIndex } from './listenerIndex.ts';
import { eventKeys } from './logKeys.ts';
import { closeDb, type Db, readMeta, writeMeta } from './sqliteDb.ts';

export interface SqliteEventLogOptions {
  db: Db;
  retention?: Partial<Retention>;
  now?: () => number;
  onListenerError?: (error: unknown) => void;
}

/** How often expired events and idempotency keys are deleted. */
const AGE_CHECK_MS = 60_000;

function newEpoch(): string {
  // 's' marks SQLite cursors; the time keeps epochs readable, the random part makes them unique.
  return `s${Date.now().toString(36)}${randomBytes(3).readUIntBE(0, 3).toString(36)}`.slice(0, 16);
}

export class SqliteEventLog implements EventLog {
  readonly kind = 'sqlite';
  readonly epoch: string;
  private seq: number;
  private droppedKeysSeq: number;
  private keyCount: number;
  private lastAgeCheck = 0;
  private readonly db: Db;
  private readonly retention: Retention;
  private readonly now: () => number;
  private readonly listeners: ListenerIndex;
  private readonly sql;

  constructor(options: SqliteEventLogOptions) {
    this.db = options.db;
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.now = options.now ?? Date.now;
    this.listeners = new ListenerIndex(options.onListenerError);
    const db = this.db;
    this.sql = {
      insertEvent: db.prepare('INSERT INTO events (seq, at, json) VALUES (?, ?, ?)'),
      insertKey: db.prepare('INSERT INTO event_keys (key, seq) VALUES (?, ?)'),
      keyRow: db.prepare('SELECT newest, dropped FROM log_keys WHERE key = ?'),
      upsertKey: db.prepare(
        'INSERT INTO log_keys (key, newest) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET newest = excluded.newest',
      ),
      nthNewest: db.prepare('SELECT seq FROM event_keys WHERE key = ? ORDER BY seq DESC LIMIT 1 OFFSET ?'),
      keySeqsUpTo: db.prepare('SELECT seq FROM event_keys WHERE key = ? AND seq <= ?'),
      deleteKeyUpTo: db.prepare('DELETE FROM event_keys WHERE key = ? AND seq <= ?'),
      markDropped: db.prepare('UPDATE log_keys SET dropped = max(dropped, ?) WHERE key = ?'),
      deleteOrphan: db.prepare(
        'DELETE FROM events WHERE seq = ? AND NOT EXISTS (SELECT 1 FROM event_keys WHERE event_keys.seq = events.seq)',
      ),
      oldestKey: db.prepare('SELECT key, newest FROM log_keys ORDER BY newest LIMIT 1'),
      deleteLogKey: db.prepare('DELETE FROM log_keys WHERE key = ?'),
      seenOnce: db.prepare('SELECT json FROM idempotency WHERE key = ? AND expires > ?'),
      rememberOnce: db.prepare(
        'INSERT INTO idempotency (key, json, expires) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET json = excluded.json, expires = excluded.expires',
      ),
      count: db.prepare('SELECT count(*) AS n FROM events'),
    };
    let epoch = readMeta(db, 'log.epoch');
    if (!epoch) {
      epoch = newEpoch();
      writeMeta(db, 'log.epoch', epoch);
    }
    this.epoch = epoch;
    this.seq = Number(readMeta(db, 'log.seq') ?? 0);
    this.droppedKeysSeq = Number(readMeta(db, 'log.droppedKeysSeq') ?? 0);
    this.keyCount = (db.prepare('SELECT count(*) AS n FROM log_keys').get() as { n: number }).n;
  }

  append(input: NewCallEvent): CallEvent {
    return this.appendNow(input, null, 0).event;
  }

  async appendOnce(input: NewCallEvent, key: string, ttlMs: number): Promise<Appended> {
    return this.appendNow(input, key, ttlMs);
  }

  readAfter(keys: readonly string[], cursor: string): ReadResult {
    if (cursor === '' || keys.length === 0) return { events: [], resync: false };
    this.expire(this.now());
    const parsed = parseCursor(cursor);
    const sameEpoch = parsed?.epoch === this.epoch;
    const after = sameEpoch ? (parsed?.seq ?? 0) : 0;
    const unique = [...new Set(keys)];
    let resync = !sameEpoch;
    for (const key of unique) {
      const row = this.sql.keyRow.get(key) as { dropped: number } | undefined;
      if (sameEpoch && (row ? row.dropped : this.droppedKeysSeq) > after) resync = true;
    }
    const rows = this.db
      .prepare(
        `SELECT DISTINCT e.seq, e.json FROM event_keys k JOIN events e ON e.seq = k.seq
         WHERE k.key IN (${unique.map(() => '?').join(',')}) AND k.seq > ? ORDER BY e.seq`,
      )
      .all(...unique, after) as { json: string }[];
    return { events: rows.map((r) => JSON.parse(r.json) as CallEvent), resync };
  }

  subscribe(listener: EventListener, options?: SubscribeOptions): () => void {
    return this.listeners.add(listener, options);
  }

  head(): string {
    return `${this.epoch}.${this.seq}`;
  }

  size(): number {
    return (this.sql.count.get() as { n: number }).n;
  }

  async check(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  close(): void {
    this.listeners.clear();
    closeDb(this.db);
  }

  private appendNow(input: NewCallEvent, onceKey: string | null, ttlMs: number): Appended {
    const now = this.now();
    const result = this.db.transaction((): Appended => {
      if (onceKey !== null) {
        const seen = this.sql.seenOnce.get(onceKey, now) as { json: string } | undefined;
        if (seen) return { event: JSON.parse(seen.json) as CallEvent, duplicate: true };
      }
      const seq = this.seq + 1;
      const event: CallEvent = Object.freeze({ ...input, id: `${this.epoch}.${seq}` });
      const json = JSON.stringify(event);
      this.sql.insertEvent.run(seq, now, json);
      for (const key of eventKeys(event)) {
        this.sql.insertKey.run(key, seq);
        if (!this.sql.keyRow.get(key)) this.keyCount++;
        this.sql.upsertKey.run(key, seq);
        const cut = this.sql.nthNewest.get(key, this.retention.perKey) as { seq: number } | undefined;
        if (cut) this.dropKeyUpTo(key, cut.seq);
      }
      while (this.keyCount > this.retention.maxKeys) this.dropOldestKey();
      if (onceKey !== null) this.sql.rememberOnce.run(onceKey, json, now + ttlMs);
      writeMeta(this.db, 'log.seq', String(seq));
      this.seq = seq;
      return { event, duplicate: false };
    })();
    if (!result.duplicate) this.listeners.dispatch(result.event);
    this.expire(now);
    return result;
  }

  /** Drops the entries of `key` up to `seq` (retention) and the events no key holds any more. */
  private dropKeyUpTo(key: string, seq: number): void {
    const seqs = this.sql.keySeqsUpTo.all(key, seq) as { seq: number }[];
    if (seqs.length === 0) return;
    this.sql.deleteKeyUpTo.run(key, seq);
    this.sql.markDropped.run(Math.max(...seqs.map((r) => r.seq)), key);
    for (const row of seqs) this.sql.deleteOrphan.run(row.seq);
  }

  private dropOldestKey(): void {
    const oldest = this.sql.oldestKey.get() as { key: string; newest: number } | undefined;
    if (!oldest) return;
    this.dropKeyUpTo(oldest.key, oldest.newest);
    this.sql.deleteLogKey.run(oldest.key);
    this.keyCount--;
    this.droppedKeysSeq = Math.max(this.droppedKeysSeq, oldest.newest);
    writeMeta(this.db, 'log.droppedKeysSeq', String(this.droppedKeysSeq));
  }

  /** Deletes events past the age limit and expired idempotency keys, at most once a minute. */
  private expire(now: number): void {
    if (now - this.lastAgeCheck < Math.min(AGE_CHECK_MS, this.retention.maxAgeMs)) return;
    this.lastAgeCheck = now;
    const cutoff = now - this.retention.maxAgeMs;
    this.db.transaction(() => {
      const last = this.db.prepare('SELECT max(seq) AS seq FROM events WHERE at < ?').get(cutoff) as {
        seq: number | null;
      };
      if (last.seq !== null) {
        const upTo = last.seq;
        const keys = this.db.prepare('SELECT DISTINCT key FROM event_keys WHERE seq <= ?').all(upTo) as {
          key: string;
        }[];
        for (const { key } of keys) {
          const newest = this.sql.keyRow.get(key) as { newest: number };
          if (newest.newest <= upTo) {
            this.dropKeyUpTo(key, upTo);
            this.sql.deleteLogKey.run(key);
            this.keyCount--;
            this.droppedKeysSeq = Math.max(this.droppedKeysSeq, newest.newest);
          } else this.dropKeyUpTo(key, upTo);
        }
        this.db.prepare('DELETE FROM events WHERE seq <= ?').run(upTo);
        writeMeta(this.db, 'log.droppedKeysSeq', String(this.droppedKeysSeq));
      }
      this.db.prepare('DELETE FROM idempotency WHERE expires <= ?').run(now);
    })();
  }
}
