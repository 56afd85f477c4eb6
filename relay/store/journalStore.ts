// Where the call journal keeps its state (relay/journal/): each call's events until it ends, and
// the outbox of records to write to the CRMs. The events are stored, not a merged call, so several
// relay instances (Redis mode, where every instance sees every event) add them without a lost
// update; the journal merges them when it decides. A call is marked finished in the same step that
// queues its records (keyed by idempotency key and writer), so neither a restart nor a second
// instance queues a record twice; a due record is claimed with a lease, so only one instance
// writes it at a time. SQLite keeps all of it in the embedded file; memory mode (tests) in this
// process; Redis mode in Redis (redisJournalStore.ts).
import type { CallEvent } from '../../shared/callEvent.ts';
import type { Awaitable } from './eventLog.ts';
import type { Db } from './sqliteDb.ts';

export type OutboxStatus = 'pending' | 'written' | 'dead';

export interface OutboxEntry {
  /** The record's idempotency key: one entry per key and writer. */
  key: string;
  writer: string;
  callId: string;
  /** The record as the writer gets it (JSON). */
  record: unknown;
  status: OutboxStatus;
  attempts: number;
  /** ms: when a pending entry is due (again). */
  nextAt: number;
  lastError?: string;
  crmId?: string;
  createdAt: number;
  doneAt?: number;
}

export interface OutboxStats {
  pending: number;
  dead: number;
  /** ms of the oldest pending entry's creation. */
  oldestPendingAt?: number;
}

export interface ListOptions {
  status?: OutboxStatus;
  callIds?: readonly string[];
  limit: number;
}

export interface JournalStore {
  /** Adds a call event (by its id, once); nothing when the call is finished already. */
  addEvent(event: CallEvent): Awaitable<void>;
  /** The call's events in id order, and whether it is finished. */
  callEvents(callId: string): Awaitable<{ events: CallEvent[]; finished: boolean } | undefined>;
  /** Calls not finished whose last event (`at`) is older than `before` (ms). */
  staleCalls(before: number, limit: number): Awaitable<string[]>;
  /** Marks the call finished and queues its entries, in one step; false when it was finished already. */
  finish(callId: string, entries: readonly OutboxEntry[]): Awaitable<boolean>;
  /**
   * Pending entries due at `now`, oldest first, each claimed for `leaseMs`: another instance (or
   * this one after a crash) gets it again only once the lease ran out.
   */
  claimDue(now: number, limit: number, leaseMs: number): Awaitable<OutboxEntry[]>;
  /**
   * Gives back every claim, at start-up of a store only this process uses (SQLite: one relay per
   * file): what a crashed run had claimed is due again at once, not when its lease runs out.
   * Absent where other instances may hold claims (Redis).
   */
  releaseClaims?(): Awaitable<void>;
  update(entry: OutboxEntry): Awaitable<void>;
  entry(key: string, writer: string): Awaitable<OutboxEntry | undefined>;
  /** Newest first; of these calls only when given. */
  list(options: ListOptions): Awaitable<OutboxEntry[]>;
  stats(): Awaitable<OutboxStats>;
  /** Forgets finished calls and written entries older than `before` (ms). */
  prune(before: number): Awaitable<void>;
  close?(): Promise<void>;
}

const byId = (a: CallEvent, b: CallEvent) => compareIds(a.id, b.id);

/** Event ids `EPOCH.SEQ` in log order (within one epoch the sequence decides). */
export function compareIds(a: string, b: string): number {
  const [ea = '', sa = '0'] = a.split('.');
  const [eb = '', sb = '0'] = b.split('.');
  return ea === eb ? Number(sa) - Number(sb) : ea < eb ? -1 : 1;
}

export class MemoryJournalStore implements JournalStore {
  private readonly calls = new Map<
    string,
    { events: Map<string, CallEvent>; lastAt: number; finished: boolean }
  >();
  private readonly outbox = new Map<string, OutboxEntry>();
  /** Claimed entries → until when. */
  private readonly leases = new Map<string, number>();

  addEvent(event: CallEvent): void {
    let call = this.calls.get(event.callId);
    if (!call) this.calls.set(event.callId, (call = { events: new Map(), lastAt: 0, finished: false }));
    if (call.finished) return;
    call.events.set(event.id, structuredClone(event));
    call.lastAt = Math.max(call.lastAt, Date.parse(event.at));
  }

  callEvents(callId: string) {
    const call = this.calls.get(callId);
    return call && { events: [...call.events.values()].sort(byId), finished: call.finished };
  }

  staleCalls(before: number, limit: number): string[] {
    return [...this.calls]
      .filter(([, c]) => !c.finished && c.lastAt < before)
      .slice(0, limit)
      .map(([id]) => id);
  }

  finish(callId: string, entries: readonly OutboxEntry[]): boolean {
    const call = this.calls.get(callId);
    if (call?.finished) return false;
    if (call) call.finished = true;
    else this.calls.set(callId, { events: new Map(), lastAt: 0, finished: true });
    for (const e of entries) {
      const id = `${e.key}\u0000${e.writer}`;
      if (!this.outbox.has(id)) this.outbox.set(id, structuredClone(e));
    }
    return true;
  }

  claimDue(now: number, limit: number, leaseMs: number): OutboxEntry[] {
    const due = [...this.outbox]
      .filter(([id, e]) => e.status === 'pending' && e.nextAt <= now && (this.leases.get(id) ?? 0) <= now)
      .sort(([, a], [, b]) => a.nextAt - b.nextAt)
      .slice(0, limit);
    for (const [id] of due) this.leases.set(id, now + leaseMs);
    return due.map(([, e]) => structuredClone(e));
  }

  releaseClaims(): void {
    this.leases.clear();
  }

  update(entry: OutboxEntry): void {
    const id = `${entry.key}\u0000${entry.writer}`;
    this.leases.delete(id);
    this.outbox.set(id, structuredClone(entry));
  }

  entry(key: string, writer: string): OutboxEntry | undefined {
    const e = this.outbox.get(`${key}\u0000${writer}`);
    return e && structuredClone(e);
  }

  list(options: ListOptions): OutboxEntry[] {
    const calls = options.callIds && new Set(options.callIds);
    return [...this.outbox.values()]
      .filter((e) => (!options.status || e.status === options.status) && (!calls || calls.has(e.callId)))
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, options.limit)
      .map((e) => structuredClone(e));
  }

  stats(): OutboxStats {
    let pending = 0;
    let dead = 0;
    let oldestPendingAt: number | undefined;
    for (const e of this.outbox.values()) {
      if (e.status === 'dead') dead++;
      if (e.status !== 'pending') continue;
      pending++;
      oldestPendingAt = Math.min(oldestPendingAt ?? e.createdAt, e.createdAt);
    }
    return { pending, dead, ...(oldestPendingAt === undefined ? {} : { oldestPendingAt }) };
  }

  prune(before: number): void {
    for (const [id, c] of this.calls) if (c.finished && c.lastAt < before) this.calls.delete(id);
    for (const [id, e] of this.outbox)
      if (e.status === 'written' && (e.doneAt ?? 0) < before) this.outbox.delete(id);
  }
}

interface OutboxRow {
  key: string;
  writer: string;
  call_id: string;
  json: string;
  status: OutboxStatus;
  attempts: number;
  next_at: number;
  last_error: string | null;
  crm_id: string | null;
  created_at: number;
  done_at: number | null;
}

function fromRow(r: OutboxRow): OutboxEntry {
  return {
    key: r.key,
    writer: r.writer,
    callId: r.call_id,
    record: JSON.parse(r.json),
    status: r.status,
    attempts: r.attempts,
    nextAt: r.next_at,
    ...(r.last_error === null ? {} : { lastError: r.last_error }),
    ...(r.crm_id === null ? {} : { crmId: r.crm_id }),
    createdAt: r.created_at,
    ...(r.done_at === null ? {} : { doneAt: r.done_at }),
  };
}

export class SqliteJournalStore implements JournalStore {
  private readonly sql;

  constructor(private readonly db: Db) {
    this.sql = {
      finished: db.prepare('SELECT finished FROM journal_calls WHERE call_id = ?').pluck(),
      touch: db.prepare(
        `INSERT INTO journal_calls (call_id, last_at) VALUES (?, ?)
         ON CONFLICT (call_id) DO UPDATE SET last_at = max(last_at, excluded.last_at)`,
      ),
      addEvent: db.prepare('INSERT OR IGNORE INTO journal_events (call_id, event_id, json) VALUES (?, ?, ?)'),
      events: db.prepare('SELECT json FROM journal_events WHERE call_id = ?').pluck(),
      stale: db
        .prepare(
          'SELECT call_id FROM journal_calls WHERE finished = 0 AND last_at < ? ORDER BY last_at LIMIT ?',
        )
        .pluck(),
      markFinished: db.prepare('UPDATE journal_calls SET finished = 1 WHERE call_id = ? AND finished = 0'),
      insertFinished: db.prepare(
        'INSERT INTO journal_calls (call_id, last_at, finished) VALUES (?, 0, 1) ON CONFLICT (call_id) DO NOTHING',
      ),
      enqueue: db.prepare(
        `INSERT INTO journal_outbox (key, writer, call_id, json, status, attempts, next_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (key, writer) DO NOTHING`,
      ),
      due: db.prepare(
        `SELECT * FROM journal_outbox WHERE status = 'pending' AND next_at <= ?
           AND (leased_until IS NULL OR leased_until <= ?) ORDER BY next_at LIMIT ?`,
      ),
      lease: db.prepare('UPDATE journal_outbox SET leased_until = ? WHERE key = ? AND writer = ?'),
      release: db.prepare("UPDATE journal_outbox SET leased_until = NULL WHERE status = 'pending'"),
      update: db.prepare(
        `UPDATE journal_outbox SET status = ?, attempts = ?, next_at = ?, last_error = ?, crm_id = ?, done_at = ?,
           leased_until = NULL WHERE key = ? AND writer = ?`,
      ),
      entry: db.prepare('SELECT * FROM journal_outbox WHERE key = ? AND writer = ?'),
      stats: db.prepare(
        "SELECT status, count(*) AS n, min(created_at) AS oldest FROM journal_outbox WHERE status != 'written' GROUP BY status",
      ),
      pruneEvents: db.prepare(
        'DELETE FROM journal_events WHERE call_id IN (SELECT call_id FROM journal_calls WHERE finished = 1 AND last_at < ?)',
      ),
      pruneCalls: db.prepare('DELETE FROM journal_calls WHERE finished = 1 AND last_at < ?'),
      pruneOutbox: db.prepare("DELETE FROM journal_outbox WHERE status = 'written' AND done_at < ?"),
    };
  }

  addEvent(event: CallEvent): void {
    this.db.transaction(() => {
      if (this.sql.finished.get(event.callId) === 1) return;
      this.sql.touch.run(event.callId, Date.parse(event.at));
      this.sql.addEvent.run(event.callId, event.id, JSON.stringify(event));
    })();
  }

  callEvents(callId: string) {
    const finished = this.sql.finished.get(callId) as number | undefined;
    if (finished === undefined) return undefined;
    const events = (this.sql.events.all(callId) as string[]).map((j) => JSON.parse(j) as CallEvent);
    return { events: events.sort(byId), finished: finished === 1 };
  }

  staleCalls(before: number, limit: number): string[] {
    return this.sql.stale.all(before, limit) as string[];
  }

  finish(callId: string, entries: readonly OutboxEntry[]): boolean {
    return this.db.transaction(() => {
      const marked = this.sql.markFinished.run(callId).changes === 1;
      // A call the journal never saw an event of is finished here too (and only once).
      const inserted = !marked && this.sql.insertFinished.run(callId).changes === 1;
      if (!marked && !inserted) return false;
      for (const e of entries)
        this.sql.enqueue.run(e.key, e.writer, e.callId, JSON.stringify(e.record), e.nextAt, e.createdAt);
      return true;
    })();
  }

  claimDue(now: number, limit: number, leaseMs: number): OutboxEntry[] {
    return this.db.transaction(() => {
      const rows = (this.sql.due.all(now, now, limit) as OutboxRow[]).map(fromRow);
      for (const e of rows) this.sql.lease.run(now + leaseMs, e.key, e.writer);
      return rows;
    })();
  }

  releaseClaims(): void {
    this.sql.release.run();
  }

  update(e: OutboxEntry): void {
    this.sql.update.run(
      e.status,
      e.attempts,
      e.nextAt,
      e.lastError ?? null,
      e.crmId ?? null,
      e.doneAt ?? null,
      e.key,
      e.writer,
    );
  }

  entry(key: string, writer: string): OutboxEntry | undefined {
    const row = this.sql.entry.get(key, writer) as OutboxRow | undefined;
    return row && fromRow(row);
  }

  list(options: ListOptions): OutboxEntry[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.status) {
      where.push('status = ?');
      params.push(options.status);
    }
    if (options.callIds) {
      where.push(`call_id IN (${options.callIds.map(() => '?').join(',') || "''"})`);
      params.push(...options.callIds);
    }
    const sql = `SELECT * FROM journal_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, options.limit) as OutboxRow[]).map(fromRow);
  }

  stats(): OutboxStats {
    const rows = this.sql.stats.all() as { status: OutboxStatus; n: number; oldest: number }[];
    const pending = rows.find((r) => r.status === 'pending');
    return {
      pending: pending?.n ?? 0,
      dead: rows.find((r) => r.status === 'dead')?.n ?? 0,
      ...(pending ? { oldestPendingAt: pending.oldest } : {}),
    };
  }

  prune(before: number): void {
    this.db.transaction(() => {
      this.sql.pruneEvents.run(before);
      this.sql.pruneCalls.run(before);
      this.sql.pruneOutbox.run(before);
    })();
  }
}
