// RedisEventLog against a real Redis, in process: the same contract as the in-memory log (ids,
// replay, exact resync, foreign cursors, one event per reader), plus what only Redis has: several
// instances sharing one order, the live signal between them, idempotency across them, and the
// re-read after the live signal was lost.
import { Redis } from 'ioredis';
import { afterAll, afterEach, expect, it } from 'vitest';
import { isAfter } from '../../relay/store/eventLog.ts';
import { agentKeys } from '../../relay/store/logKeys.ts';
import { RedisEventLog, redactRedisUrl } from '../../relay/store/redisEventLog.ts';
import type { CallEvent, NewCallEvent } from '../../shared/callEvent.ts';
import { until } from './helpers/clients.ts';
import { cleanPrefix, describeRedis, REDIS_URL, redisClient, uniquePrefix } from './helpers/redis.ts';

function call(callId: string, extension = '911', agentId?: string): NewCallEvent {
  return {
    callId,
    state: 'ringing',
    extension,
    ...(agentId ? { agentId } : {}),
    callerId: '05334979714',
    direction: 'inbound',
    at: '2024-05-27T09:35:00.000Z',
    source: 'generic',
  };
}

const AYSE = agentKeys({ extensions: ['911'], agentIds: ['911'] });
const callIds = (events: CallEvent[]) => events.map((e) => e.callId);

const logs: RedisEventLog[] = [];
const prefixes: string[] = [];
async function open(
  capacityPerKey = 100,
  prefix = uniquePrefix('log'),
  retention: { maxAgeMs?: number; maxKeys?: number; now?: () => number } = {},
) {
  if (!prefixes.includes(prefix)) prefixes.push(prefix);
  const log = new RedisEventLog({ url: REDIS_URL, prefix, capacityPerKey, ...retention });
  logs.push(log);
  await log.connect();
  return log;
}
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
});
afterAll(async () => {
  for (const prefix of prefixes) await cleanPrefix(prefix);
});

describeRedis('Redis Streams event log', () => {
  it('gives ids `<epoch>.<seq>` in one increasing order; head follows the newest', async () => {
    const log = await open();
    const start = await log.head();
    expect(start).toMatch(/^r[0-9a-z]+\.0$/);
    const a = await log.append(call('a'));
    const b = await log.append(call('b', '912'));
    expect(a.id).toBe(start.replace(/\.0$/, '.1'));
    expect(isAfter(b.id, a.id)).toBe(true);
    expect(await log.head()).toBe(b.id);
    expect(a).toMatchObject(call('a'));
  });

  it('replays after the cursor, oldest first, one event per reader even under two of its keys', async () => {
    const log = await open();
    const start = await log.head();
    const a = await log.append(call('both', '911', '911'));
    await log.append(call('by-agent-id', '950', '911'));
    await log.append(call('not-mine', '912'));
    await log.append(call('by-extension', '911'));
    expect(callIds((await log.readAfter(AYSE, start)).events)).toEqual([
      'both',
      'by-agent-id',
      'by-extension',
    ]);
    expect(callIds((await log.readAfter(AYSE, a.id)).events)).toEqual(['by-agent-id', 'by-extension']);
    expect(await log.readAfter(AYSE, await log.head())).toEqual({ events: [], resync: false });
    expect(await log.readAfter(AYSE, '')).toEqual({ events: [], resync: false });
  });

  it('replays everything retained, with resync, for a cursor it cannot place', async () => {
    const log = await open(2);
    for (const id of ['a', 'b', 'c']) await log.append(call(id));
    for (const cursor of ['run1.57', 'garbage'])
      expect(await log.readAfter(AYSE, cursor)).toMatchObject({
        resync: true,
        events: [{ callId: 'b' }, { callId: 'c' }],
      });
  });

  it('says resync exactly when trimmed events came after the cursor (MAXLEN per key)', async () => {
    const log = await open(2);
    const start = await log.head();
    const a = await log.append(call('a'));
    const b = await log.append(call('b'));
    await log.append(call('c'));
    await log.append(call('d'));
    const late = await log.readAfter(AYSE, start);
    expect(late.resync).toBe(true);
    expect(callIds(late.events)).toEqual(['c', 'd']);
    expect((await log.readAfter(AYSE, a.id)).resync).toBe(true);
    // b was trimmed too, but a reader at b has seen it: nothing is missing.
    expect(await log.readAfter(AYSE, b.id)).toMatchObject({ resync: false });
    const redis = redisClient();
    try {
      expect(await redis.xlen(`${prefixes.at(-1)}stream:ext:911`)).toBe(2);
    } finally {
      redis.disconnect();
    }
  });

  it('keeps one stream per key, so a busy extension cannot push out a quiet one', async () => {
    const log = await open(2);
    const start = await log.head();
    await log.append(call('quiet', '912'));
    for (let i = 0; i < 5; i++) await log.append(call(`busy-${i}`, '911'));
    expect(await log.readAfter(['ext:912'], start)).toMatchObject({
      resync: false,
      events: [{ callId: 'quiet' }],
    });
  });

  it('tells the subscribers of every instance about every event, in order', async () => {
    const prefix = uniquePrefix('log');
    const a = await open(100, prefix);
    const b = await open(100, prefix);
    const seenA: string[] = [];
    const seenB: string[] = [];
    a.subscribe((e) => seenA.push(e.callId));
    b.subscribe((e) => seenB.push(e.callId));
    const appended = await Promise.all(['1', '2', '3', '4'].map((id, i) => (i % 2 ? a : b).append(call(id))));
    await until(() => seenA.length === 4 && seenB.length === 4, 3000, 'live events on both instances');
    const inIdOrder = [...appended].sort((x, y) => (isAfter(x.id, y.id) ? 1 : -1)).map((e) => e.callId);
    expect(seenA).toEqual(inIdOrder);
    expect(seenB).toEqual(inIdOrder);
  });

  it('appends once per idempotency key across instances, returning the original', async () => {
    const prefix = uniquePrefix('log');
    const a = await open(100, prefix);
    const b = await open(100, prefix);
    const results = await Promise.all([a, b, a, b].map((log) => log.appendOnce(call('same'), 'k1', 60_000)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.event.id)).size).toBe(1);
    expect((await a.readAfter(AYSE, 'x')).events).toHaveLength(1);
    const redis = redisClient();
    try {
      const ttl = await redis.ttl((await redis.keys(`${prefix}idem:*`))[0] ?? '');
      expect(ttl).toBeGreaterThan(50);
      expect(ttl).toBeLessThanOrEqual(60);
    } finally {
      redis.disconnect();
    }
  });

  it('announces a gap after its live-signal connection is cut, once resubscribed', async () => {
    const log = await open();
    const prefix = prefixes.at(-1) ?? '';
    let gaps = 0;
    const seen: string[] = [];
    log.subscribe((e) => seen.push(e.callId), { onGap: () => gaps++ });
    const admin = new Redis(REDIS_URL);
    try {
      // Only this log's subscriber connection: the Redis may be shared.
      const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
      const line = list.split('\n').find((l) => l.includes(` name=${prefix}live `));
      const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
      expect(id, 'the subscriber connection is named after the prefix').toBeDefined();
      await admin.client('KILL', 'ID', id ?? '');
      await until(() => gaps > 0, 5000, 'a gap after the subscriber was killed');
      await log.check();
      await log.append(call('after-reconnect'));
      await until(() => seen.includes('after-reconnect'), 3000, 'live events after reconnecting');
    } finally {
      admin.disconnect();
    }
  });

  it('announces a gap when a sequence number never arrived on the live signal', async () => {
    const log = await open();
    const prefix = prefixes.at(-1) ?? '';
    let gaps = 0;
    log.subscribe(() => {}, { onGap: () => gaps++ });
    const first = await log.append(call('a'));
    await until(() => true);
    const [epoch, seq] = first.id.split('.');
    const admin = new Redis(REDIS_URL);
    try {
      // As if seq+1 had been published while this instance was not listening.
      await admin.publish(`${prefix}events`, JSON.stringify({ ...first, id: `${epoch}.${Number(seq) + 2}` }));
      await until(() => gaps === 1, 3000, 'a gap for the skipped sequence number');
    } finally {
      admin.disconnect();
    }
  });

  it('drops entries past the age limit and tells a reader who had not seen them', async () => {
    const clock = { ms: 1_000_000 };
    const log = await open(100, uniquePrefix('log'), { maxAgeMs: 3_600_000, now: () => clock.ms });
    const start = await log.head();
    await log.append(call('old'));
    clock.ms += 2 * 3_600_000;
    const fresh = await log.append(call('fresh'));
    expect(await log.readAfter(['ext:911'], start)).toMatchObject({
      resync: true,
      events: [{ callId: 'fresh' }],
    });
    expect(await log.readAfter(['ext:911'], fresh.id)).toEqual({ resync: false, events: [] });
  });

  it('caps the number of keys: the oldest stream is dropped whole and its reader told', async () => {
    const log = await open(5, uniquePrefix('log'), { maxKeys: 20 });
    const prefix = prefixes.at(-1) ?? '';
    const start = await log.head();
    for (let i = 0; i < 200; i++) await log.append(call(`c${i}`, String(10_000 + i)));
    const redis = redisClient();
    const streams = await redis.keys(`${prefix}stream:*`);
    redis.disconnect();
    expect(streams).toHaveLength(20);
    expect(await log.readAfter(['ext:10199'], start)).toMatchObject({
      resync: false,
      events: [{ callId: 'c199' }],
    });
    expect(await log.readAfter(['ext:10000'], start)).toEqual({ resync: true, events: [] });
  });

  it('starts a new epoch when its keys were wiped, so old cursors replay with resync', async () => {
    const log = await open();
    const prefix = prefixes.at(-1) ?? '';
    for (const id of ['a', 'b', 'c']) await log.append(call(id));
    const old = await log.head();
    await cleanPrefix(prefix);
    const fresh = await log.append(call('after-wipe'));
    expect(fresh.id.split('.')[0]).not.toBe(old.split('.')[0]);
    expect(callIds((await log.readAfter(AYSE, old)).events)).toEqual(['after-wipe']);
    expect((await log.readAfter(AYSE, old)).resync).toBe(true);
  });

  it('reports readiness, and a clear reason when Redis is gone', async () => {
    const log = await open();
    await expect(log.check()).resolves.toBeUndefined();
    const dead = new RedisEventLog({
      url: 'redis://127.0.0.1:1',
      prefix: uniquePrefix('log'),
      capacityPerKey: 10,
    });
    await expect(dead.connect(500)).rejects.toThrow(/Redis at redis:\/\/127\.0\.0\.1:1/);
    await expect(dead.check()).rejects.toThrow(/connection/);
    await dead.close();
    expect(redactRedisUrl('redis://user:secret@host:6379/0')).toBe('redis://***@host:6379/0');
    expect(redactRedisUrl('rediss://host:6380')).toBe('rediss://host:6380');
  });
});
