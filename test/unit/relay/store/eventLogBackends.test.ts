// The same rules for the memory and the SQLite event log: replay after a cursor, resync when
// something the reader had not seen was dropped, retention by count per key, by age and by the
// number of keys, and (SQLite) everything still there after the file is opened again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type EventLog, MemoryEventLog, type Retention } from '../../../../relay/store/eventLog.ts';
import { agentKeys } from '../../../../relay/store/logKeys.ts';
import { closeDb, openDb } from '../../../../relay/store/sqliteDb.ts';
import { SqliteEventLog } from '../../../../relay/store/sqliteEventLog.ts';
import type { CallEvent, NewCallEvent } from '../../../../shared/callEvent.ts';

function call(callId: string, extension = '911'): NewCallEvent {
  return {
    callId,
    state: 'ringing',
    extension,
    callerId: '05334979714',
    direction: 'inbound',
    at: '2026-12-04T09:35:00.000Z',
    source: 'logo',
  };
}

const AYSE = agentKeys({ extensions: ['911'], agentIds: [] });
const ids = (events: CallEvent[]) => events.map((e) => e.callId);

interface Clock {
  ms: number;
}

type Open = (retention: Partial<Retention>, clock: Clock) => EventLog & { size(): number };

const dirs: string[] = [];
const dbs: ReturnType<typeof openDb>[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) closeDb(db);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'screenpop-log-'));
  dirs.push(dir);
  return join(dir, 'screenpop.db');
}

const backends: [string, Open][] = [
  [
    'memory',
    (r, clock) =>
      new MemoryEventLog({
        capacityPerKey: r.perKey ?? 100,
        maxAgeMs: r.maxAgeMs,
        maxKeys: r.maxKeys,
        epoch: 'm1',
        now: () => clock.ms,
      }),
  ],
  [
    'sqlite',
    (r, clock) => {
      const db = openDb(tempFile());
      dbs.push(db);
      return new SqliteEventLog({ db, retention: { perKey: 100, ...r }, now: () => clock.ms });
    },
  ],
];

describe.each(backends)('%s event log', (_name, open) => {
  it('replays what came after the cursor, and says resync for a cursor of another epoch', async () => {
    const log = open({}, { ms: 0 });
    const start = await log.head();
    const a = await log.append(call('a'));
    await log.append(call('b'));
    expect(ids((await log.readAfter(AYSE, start)).events)).toEqual(['a', 'b']);
    expect(ids((await log.readAfter(AYSE, a.id)).events)).toEqual(['b']);
    expect((await log.readAfter(AYSE, a.id)).resync).toBe(false);
    const foreign = await log.readAfter(AYSE, 'zz1.1');
    expect(foreign.resync).toBe(true);
    expect(ids(foreign.events)).toEqual(['a', 'b']);
  });

  it('keeps the newest events per key and says resync to a reader behind them', async () => {
    const log = open({ perKey: 2 }, { ms: 0 });
    const start = await log.head();
    const a = await log.append(call('a'));
    const b = await log.append(call('b'));
    await log.append(call('c'));
    await log.append(call('d'));
    expect(await log.readAfter(AYSE, start)).toMatchObject({ resync: true });
    expect(ids((await log.readAfter(AYSE, start)).events)).toEqual(['c', 'd']);
    expect((await log.readAfter(AYSE, a.id)).resync).toBe(true);
    expect((await log.readAfter(AYSE, b.id)).resync).toBe(false);
    expect(log.size()).toBe(2);
  });

  it('drops events older than the age limit, and tells a reader who had not seen them', async () => {
    const clock = { ms: 1_000_000 };
    const log = open({ maxAgeMs: 3_600_000 }, clock);
    const start = await log.head();
    await log.append(call('old'));
    clock.ms += 2 * 3_600_000;
    const fresh = await log.append(call('fresh', '912'));
    const late = await log.readAfter(AYSE, start);
    expect(late).toMatchObject({ events: [], resync: true });
    expect(ids((await log.readAfter(['ext:912'], start)).events)).toEqual(['fresh']);
    expect((await log.readAfter(AYSE, fresh.id)).resync).toBe(false);
    expect(log.size()).toBe(1);
  });

  it('caps the number of keys: 2,000 new extensions leave at most maxKeys keys, oldest dropped first', async () => {
    const log = open({ maxKeys: 100, perKey: 5 }, { ms: 0 });
    const start = await log.head();
    for (let i = 0; i < 2_000; i++) await log.append(call(`c${i}`, String(10_000 + i)));
    expect(log.size()).toBe(100);
    const newest = await log.readAfter(['ext:11999'], start);
    expect(ids(newest.events)).toEqual(['c1999']);
    expect(newest.resync).toBe(false);
    // The first extension's key was dropped whole: its reader is told, not left in silence.
    expect(await log.readAfter(['ext:10000'], start)).toMatchObject({ events: [], resync: true });
  }, 30_000);
});

describe('SQLite event log across restarts', () => {
  it('keeps events, ids and the epoch when the file is opened again', () => {
    const file = tempFile();
    const clock = { ms: 0 };
    let db = openDb(file);
    const first = new SqliteEventLog({ db, now: () => clock.ms });
    const start = first.head();
    const a = first.append(call('a'));
    first.close();
    db = openDb(file);
    dbs.push(db);
    const again = new SqliteEventLog({ db, now: () => clock.ms });
    expect(again.epoch).toBe(first.epoch);
    expect(again.readAfter(AYSE, start)).toEqual({ events: [a], resync: false });
    const b = again.append(call('b'));
    expect(b.id).toBe(`${first.epoch}.2`);
  });

  it('remembers the PBX-retry window across a restart: the retry gets the original event', async () => {
    const file = tempFile();
    const clock = { ms: 0 };
    const first = new SqliteEventLog({ db: openDb(file), now: () => clock.ms });
    const original = await first.appendOnce(call('r'), 'k1', 60_000);
    first.close();
    const db = openDb(file);
    dbs.push(db);
    const again = new SqliteEventLog({ db, now: () => clock.ms });
    const retry = await again.appendOnce(call('r'), 'k1', 60_000);
    expect(retry).toEqual({ event: original.event, duplicate: true });
    clock.ms += 120_000;
    expect((await again.appendOnce(call('r'), 'k1', 60_000)).duplicate).toBe(false);
  });
});
