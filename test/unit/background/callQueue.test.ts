import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearHandled, listCalls, markHandled, pruneCalls, putCall } from '../../../background/callQueue.ts';
import { type Db, openDb, type StoredCall } from '../../../background/db.ts';

const NOW = Date.parse('2026-11-22T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

let db: Db;
beforeEach(async () => {
  db = await openDb(`test-${randomUUID()}`);
});

const stored = (id: string, at: number, over: Partial<StoredCall> = {}): StoredCall => ({
  id,
  callId: id,
  state: 'hangup',
  at: new Date(at).toISOString(),
  callerId: '05334979714',
  extension: '911',
  action: null,
  eventIds: [],
  popped: false,
  ...over,
});

/** Puts calls `c0`…`c{n-1}`, one minute apart, `c{n-1}` the newest (one minute before NOW). */
async function fill(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await putCall(db, stored(`c${i}`, NOW - (n - i) * 60_000));
}
const ids = async () => (await listCalls(db, 10_000)).map((c) => c.id);

describe('pruneCalls', () => {
  it('keeps only the newest maxCalls calls', async () => {
    await fill(15);
    expect(await pruneCalls(db, { maxCalls: 10, maxAgeDays: 7 }, NOW)).toBe(5);
    expect(await ids(), 'the five oldest go, newest first remain').toEqual([
      'c14',
      'c13',
      'c12',
      'c11',
      'c10',
      'c9',
      'c8',
      'c7',
      'c6',
      'c5',
    ]);
  });

  it('removes calls older than maxAgeDays, whatever the count', async () => {
    await putCall(db, stored('old', NOW - 8 * DAY));
    await putCall(db, stored('edge', NOW - 7 * DAY + 1000));
    await putCall(db, stored('new', NOW - 1000));
    expect(await pruneCalls(db, { maxCalls: 500, maxAgeDays: 7 }, NOW)).toBe(1);
    expect(await ids()).toEqual(['new', 'edge']);
  });

  it('applies both caps together, counting only the calls young enough to stay', async () => {
    await putCall(db, stored('old1', NOW - 10 * DAY));
    await putCall(db, stored('old2', NOW - 9 * DAY));
    await fill(12);
    expect(await pruneCalls(db, { maxCalls: 10, maxAgeDays: 7 }, NOW)).toBe(4);
    expect(await ids()).toHaveLength(10);
    expect(await ids()).not.toContain('old1');
    expect((await ids()).at(-1)).toBe('c2');
  });

  it('changes nothing within the caps, and handles an empty queue', async () => {
    expect(await pruneCalls(db, { maxCalls: 10, maxAgeDays: 7 }, NOW)).toBe(0);
    await fill(10);
    expect(await pruneCalls(db, { maxCalls: 10, maxAgeDays: 7 }, NOW)).toBe(0);
    expect(await ids()).toHaveLength(10);
  });

  it('removes one call when the queue is one over the cap (the per-event case)', async () => {
    await fill(11);
    expect(await pruneCalls(db, { maxCalls: 10, maxAgeDays: 7 }, NOW)).toBe(1);
    expect(await ids()).not.toContain('c0');
  });
});

describe('handled calls', () => {
  it('marks calls handled and back, and clears only the handled ones', async () => {
    await fill(4);
    await markHandled(db, ['c1', 'c3', 'missing'], true);
    expect((await listCalls(db)).filter((c) => c.handled).map((c) => c.id)).toEqual(['c3', 'c1']);
    await markHandled(db, ['c3'], false);
    expect(await clearHandled(db)).toBe(1);
    expect(await ids()).toEqual(['c3', 'c2', 'c0']);
  });

  it("lists without the worker's bookkeeping fields", async () => {
    await putCall(db, stored('x', NOW, { eventIds: ['e1'], popped: true }));
    const [call] = await listCalls(db);
    expect(call).not.toHaveProperty('eventIds');
    expect(call).not.toHaveProperty('popped');
  });
});

describe('listCalls', () => {
  it('answers the newest `limit` calls, newest first, also when times tie at the edge', async () => {
    await fill(5);
    expect((await listCalls(db, 3)).map((c) => c.id)).toEqual(['c4', 'c3', 'c2']);
    expect((await listCalls(db, 1)).map((c) => c.id)).toEqual(['c4']);
    expect((await listCalls(db, 50)).map((c) => c.id)).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
    expect(await listCalls(db, 0)).toEqual([]);
    await putCall(db, stored('tie', NOW - 3 * 60_000));
    expect(
      (await listCalls(db, 3)).map((c) => c.id),
      'c2 and tie share a time',
    ).toHaveLength(3);
    expect((await listCalls(db, 3)).slice(0, 2).map((c) => c.id)).toEqual(['c4', 'c3']);
  });
});
