// The call queue in IndexedDB: one record per PBX call, updated by each of its events.
import type { QueuedCall } from '../shared/messages.ts';
import type { Db, StoredCall } from './db.ts';

/** Newest first, without the worker's bookkeeping fields. */
export async function listCalls(db: Db, limit = 200): Promise<QueuedCall[]> {
  const out: QueuedCall[] = [];
  let cursor = await db.transaction('calls').store.index('at').openCursor(null, 'prev');
  while (cursor && out.length < limit) {
    const { eventIds: _ids, popped: _popped, ...call } = cursor.value;
    out.push(call);
    cursor = await cursor.continue();
  }
  return out;
}

export function getCall(db: Db, id: string): Promise<StoredCall | undefined> {
  return db.get('calls', id);
}

export async function putCall(db: Db, call: StoredCall): Promise<void> {
  await db.put('calls', call);
}
