// Where the call journal keeps its state (relay/journal/): the calls under way, merged event by
// event until they end, and the outbox of records to write to the CRMs. A record is in the outbox
// (keyed by its idempotency key and writer) before any writer sees it, and a call is marked
// finished in the same step, so a restart neither loses a record nor queues one twice. The
// embedded file keeps both across restarts; memory mode (tests) in this process only.
import type { Db } from './sqliteDb.ts';

/** A call as the journal has merged it so far (the journal decides the fields). */
export interface TrackedCall {
  callId: string;
  /** ms of its last event, for ending calls the PBX never reports ended. */
  lastAt: number;
  [field: string]: unknown;
}

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

export interface JournalStore {
  /** The call as tracked so far (finished calls too, so a late event does not start it again). */
  call(callId: string): { call: TrackedCall; finished: boolean } | undefined;
  saveCall(call: TrackedCall): void;
  /** Calls not finished whose last event is older than `before` (ms). */
  staleCalls(before: number, limit: number): TrackedCall[];
  /** Marks the call finished and queues its entries, in one step; false when it was finished already. */
  finish(callId: string, entries: readonly OutboxEntry[]): boolean;
  /** Pending entries due at `now`, oldest first. */
  due(now: number, limit: number): OutboxEntry[];
  update(entry: OutboxEntry): void;
  entry(key: string, writer: string): OutboxEntry | undefined;
  /** Newest first; of these calls only when given. */
  list(options: { status?: OutboxStatus; callIds?: readonly string[]; limit: number }): OutboxEntry[];
  stats(): OutboxStats;
  /** Forgets finished calls and written entries older than `before` (ms). */
  prune(before: number): void;
}

export class MemoryJournalStore implements JournalStore {
  private readonly calls = new Map<string, { call: TrackedCall; finished: boolean }>();
  private readonly outbox = new Map<string, OutboxEntry>();

  call(callId: string) {
    const held = this.calls.get(callId);
    return held && { call: structuredClone(held.call), finished: held.finished };
  }

  saveCall(call: TrackedCall): void {
    const held = this.calls.get(call.callId);
    this.calls.set(call.callId, { call: structuredClone(call), finished: held?.finished ?? false });
  }

  staleCalls(before: number, limit: number): TrackedCall[] {
    return [...this.calls.values()]
      .filter((c) => !c.finished && c.call.lastAt < before)
      .slice(0, limit)
      .map((c) => structuredClone(c.call));
  }

  finish(callId: string, entries: readonly OutboxEntry[]): boolean {
    const held = this.calls.get(callId);
    if (held?.finished) return false;
    if (held) held.finished = true;
    for (const e of entries) {
      const id = `${e.key}\u0000${e.writer}`;
      if (!this.outbox.has(id)) this.outbox.set(id, structuredClone(e));
    }
    return true;
  }

  due(now: number, limit: number): OutboxEntry[] {
    return [...this.outbox.values()]
      .filter((e) => e.status === 'pending' && e.nextAt <= now)
      .sort((a, b) => a.nextAt - b.nextAt)
      .slice(0, limit)
      .map((e) => structuredClone(e));
  }

  update(entry: OutboxEntry): void {
    this.outbox.set(`${entry.key}\u0000${entry.writer}`, structuredClone(entry));
  }

  entry(key: string, writer: string): OutboxEntry | undefined {
    const e = this.outbox.get(`${key}\u0000${writer}`);
    return e && structuredClone(e);
  }

  list(options: { status?: OutboxStatus; callIds?: readonly string[]; limit: number }): OutboxEntry[] {
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
    for (const [id, c] of this.calls) if (c.finished && c.call.lastAt < before) this.calls.delete(id);
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
      call: db.prepare('SELECT json, finished FROM journal_calls WHERE call_id = ?'),
      saveCall: db.prepare(
        `INSERT INTO journal_calls (call_id, json, last_at) VALUES (?, ?, ?)
         ON CONFLICT (call_id) DO UPDATE SET json = excluded.json, last_at = excluded.last_at`,
      ),
      stale: db.prepare(
        'SELECT json FROM journal_calls WHERE finished = 0 AND last_at < ? ORDER BY last_at LIMIT ?',
      ),
      markFinished: db.prepare('UPDATE journal_calls SET finished = 1 WHERE call_id = ? AND finished = 0'),
      insertFinished: db.prepare(
        `INSERT INTO journal_calls (call_id, json, last_at, finished) VALUES (?, '{}', 0, 1) ON CONFLICT (call_id) DO NOTHING`,
      ),
      enqueue: db.prepare(
        `INSERT INTO journal_outbox (key, writer, call_id, json, status, attempts, next_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (key, writer) DO NOTHING`,
      ),
      due: db.prepare(
        "SELECT * FROM journal_outbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?",
      ),
      update: db.prepare(
        `UPDATE journal_outbox SET status = ?, attempts = ?, next_at = ?, last_error = ?, crm_id = ?, done_at = ?
         WHERE key = ? AND writer = ?`,
      ),
      entry: db.prepare('SELECT * FROM journal_outbox WHERE key = ? AND writer = ?'),
      stats: db.prepare(
        "SELECT status, count(*) AS n, min(created_at) AS oldest FROM journal_outbox WHERE status != 'written' GROUP BY status",
      ),
      pruneCalls: db.prepare('DELETE FROM journal_calls WHERE finished = 1 AND last_at < ?'),
      pruneOutbox: db.prepare("DELETE FROM journal_outbox WHERE status = 'written' AND done_at < ?"),
    };
  }

  call(callId: string) {
    const row = this.sql.call.get(callId) as { json: string; finished: number } | undefined;
    return row && { call: JSON.parse(row.json) as TrackedCall, finished: row.finished === 1 };
  }

  saveCall(call: TrackedCall): void {
    this.sql.saveCall.run(call.callId, JSON.stringify(call), call.lastAt);
  }

  staleCalls(before: number, limit: number): TrackedCall[] {
    return (this.sql.stale.all(before, limit) as { json: string }[]).map(
      (r) => JSON.parse(r.json) as TrackedCall,
    );
  }

  finish(callId: string, entries: readonly OutboxEntry[]): boolean {
    return this.db.transaction(() => {
      const marked = this.sql.markFinished.run(callId).changes === 1;
      // A call the journal never tracked (ended by its first event) is finished here too.
      const inserted = !marked && this.sql.insertFinished.run(callId).changes === 1;
      if (!marked && !inserted) return false;
      for (const e of entries)
        this.sql.enqueue.run(e.key, e.writer, e.callId, JSON.stringify(e.record), e.nextAt, e.createdAt);
      return true;
    })();
  }

  due(now: number, limit: number): OutboxEntry[] {
    return (this.sql.due.all(now, limit) as OutboxRow[]).map(fromRow);
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

  list(options: { status?: OutboxStatus; callIds?: readonly string[]; limit: number }): OutboxEntry[] {
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
    this.sql.pruneCalls.run(before);
    this.sql.pruneOutbox.run(before);
  }
}
