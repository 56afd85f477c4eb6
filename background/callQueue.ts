// The call queue in IndexedDB: one record per PBX call, updated by each of its events.
import type { QueuedCall } from '../shared/messages.ts';
import type { Db, StoredCall } from './db.ts';

/** Newest first, without the worker's bookkeeping fields. */
export async function listCalls(db: Db, limit = 200): Promise<QueuedCall[]> {
  if (limit < 1) return [];
  const byTime = db.transaction('calls').store.index('at');
  // Two requests whatever the limit (a cursor step per call costs 3× more at 500 calls): find the
  // `at` of the limit-th newest call, then read everything from there on in one getAll.
  const newest = await byTime.openCursor(null, 'prev');
  if (!newest) return [];
  const edge = limit > 1 ? await newest.advance(limit - 1) : newest;
  const calls = await byTime.getAll(edge ? IDBKeyRange.lowerBound(edge.key) : undefined);
  return calls
    .reverse()
    .slice(0, limit)
    .map(({ eventIds: _ids, popped: _popped, ...call }) => call);
}

export function getCall(db: Db, id: string): Promise<StoredCall | undefined> {
  return db.get('calls', id);
}

export async function putCall(db: Db, call: StoredCall): Promise<void> {
  await db.put('calls', call);
}

export async function markHandled(db: Db, ids: readonly string[], handled: boolean): Promise<void> {
  const tx = db.transaction('calls', 'readwrite');
  for (const id of ids) {
    const call = await tx.store.get(id);
    if (call) await tx.store.put({ ...call, handled });
  }
  await tx.done;
}

/** Removes every handled call; returns how many. */
export async function clearHandled(db: Db): Promise<number> {
  const tx = db.transaction('calls', 'readwrite');
  let removed = 0;
  for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
    if (!cursor.value.handled) continue;
    await cursor.delete();
    removed++;
  }
  await tx.done;
  return removed;
}

export interface QueueCaps {
  maxCalls: number;
  maxAgeDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Keeps the queue within the admin's caps: removes calls that started more than `maxAgeDays` ago,
 * then the oldest beyond the newest `maxCalls`. Runs after every event, so it touches only what it
 * removes (through the `at` index) in one transaction; returns how many it removed.
 */
export async function pruneCalls(db: Db, caps: QueueCaps, now = Date.now()): Promise<number> {
  const tx = db.transaction('calls', 'readwrite');
  const byTime = tx.store.index('at');
  let removed = 0;
  // `at` is ISO 8601 in UTC, so string order is time order.
  const cutoff = new Date(now - caps.maxAgeDays * DAY_MS).toISOString();
  for (let c = await byTime.openCursor(IDBKeyRange.upperBound(cutoff, true)); c; c = await c.continue()) {
    await c.delete();
    removed++;
  }
  let excess = (await byTime.count()) - caps.maxCalls;
  for (let c = excess > 0 ? await byTime.openCursor() : null; c && excess > 0; excess--) {
    await c.delete();
    removed++;
    c = excess > 1 ? await c.continue() : null;
  }
  await tx.done;
  return removed;
}
