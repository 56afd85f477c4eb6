// The three agent transports against a real relay process, in memory mode and in Redis mode:
// replay after reconnect (WebSocket, long-poll, SSE), resync when the cursor is older than the log,
// and /readyz.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AYSE_TOKEN, MEHMET_TOKEN } from '../unit/relay/helpers.ts';
import { poll, postCall, SseClient, sseCalls, until, wsAgent, wsCalls } from './helpers/clients.ts';
import { cleanPrefix, describeRedis, REDIS_URL, uniquePrefix } from './helpers/redis.ts';
import { type RelayProcess, Relays } from './helpers/relayProcess.ts';

const relays = new Relays();
const prefixes: string[] = [];
afterEach(() => relays.stopAll());
afterAll(async () => {
  for (const prefix of prefixes) await cleanPrefix(prefix);
});

type Mode = 'memory' | 'redis';

function start(mode: Mode, config: Record<string, unknown> = {}): Promise<RelayProcess> {
  const delivery = { longPollMs: 1500 };
  if (mode === 'memory') return relays.start({ config: { delivery, ...config } });
  const prefix = uniquePrefix('it');
  prefixes.push(prefix);
  return relays.start({ config: { delivery, ...config }, redis: { url: REDIS_URL, prefix } });
}

const ids = (events: { callId: string }[]) => events.map((e) => e.callId);

function transportSuite(mode: Mode) {
  it('WebSocket: replays exactly the calls missed while disconnected, then goes live', async () => {
    const relay = await start(mode);
    const first = await wsAgent(relay.ws, AYSE_TOKEN);
    await postCall(relay.url, { callId: 'seen' });
    const seen = await first.client.nextOf('call', 5000);
    first.client.close();
    await first.client.closed;
    await postCall(relay.url, { callId: 'missed-1' });
    await postCall(relay.url, { callId: 'for-mehmet', extension: '912' });
    await postCall(relay.url, { callId: 'missed-2' });
    const again = await wsAgent(relay.ws, AYSE_TOKEN, seen.event.id);
    await postCall(relay.url, { callId: 'live' });
    await until(() => wsCalls(again.client).length >= 3, 5000, 'replay and live call');
    expect(ids(wsCalls(again.client))).toEqual(['missed-1', 'missed-2', 'live']);
    expect(await again.client.drain(200).then((m) => m.filter((x) => x.type === 'call').length)).toBe(3);
    again.client.close();
  });

  it('long-poll: each poll continues exactly after the previous one', async () => {
    const relay = await start(mode);
    const startPage = poll(relay.url, AYSE_TOKEN, '');
    await new Promise((r) => setTimeout(r, 200));
    await postCall(relay.url, { callId: 'p1' });
    const page1 = await startPage;
    expect(ids(page1.events)).toEqual(['p1']);
    await postCall(relay.url, { callId: 'p2' });
    await postCall(relay.url, { callId: 'p-mehmet', extension: '912' });
    await postCall(relay.url, { callId: 'p3' });
    const page2 = await poll(relay.url, AYSE_TOKEN, page1.cursor);
    expect(ids(page2.events)).toEqual(['p2', 'p3']);
    const empty = await poll(relay.url, AYSE_TOKEN, page2.cursor);
    expect(empty).toEqual({ events: [], cursor: page2.cursor, resync: false });
  });

  it('SSE: an EventSource-style reconnect with Last-Event-ID resumes exactly after it', async () => {
    const relay = await start(mode);
    const auth = { authorization: `Bearer ${AYSE_TOKEN}` };
    const first = new SseClient(`${relay.url}/v1/sse`, auth);
    await first.next(5000);
    await postCall(relay.url, { callId: 's1' });
    await until(() => sseCalls(first).length === 1, 5000, 'the first SSE call');
    const lastId = first.frames.filter((f) => f.event === 'call').at(-1)?.id ?? '';
    first.close();
    await postCall(relay.url, { callId: 's2' });
    await postCall(relay.url, { callId: 's3' });
    const again = new SseClient(`${relay.url}/v1/sse`, { ...auth, 'last-event-id': lastId });
    await until(() => sseCalls(again).length === 2, 5000, 'the replay over SSE');
    expect(ids(sseCalls(again))).toEqual(['s2', 's3']);
    again.close();
  });

  it('announces resync when the cursor is older than the log, then sends what is left', async () => {
    const relay = await start(mode, { log: { capacityPerKey: 3 } });
    const first = await wsAgent(relay.ws, AYSE_TOKEN);
    const cursor = first.welcome.type === 'welcome' ? first.welcome.cursor : '';
    first.client.close();
    for (let i = 1; i <= 5; i++) await postCall(relay.url, { callId: `r${i}` });
    const again = await wsAgent(relay.ws, AYSE_TOKEN, cursor);
    expect((await again.client.next(5000)).type).toBe('resync');
    await until(() => wsCalls(again.client).length === 3, 5000, 'what is left after the resync');
    expect(ids(wsCalls(again.client))).toEqual(['r3', 'r4', 'r5']);
    const page = await poll(relay.url, MEHMET_TOKEN, cursor);
    expect(page.resync, 'mehmet lost nothing: his extension had no calls').toBe(false);
    again.client.close();
  });

  it('/readyz answers 200 with the kind of log', async () => {
    const relay = await start(mode);
    const res = await fetch(`${relay.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, log: mode });
  });
}

describe('transports, in-memory relay process', () => transportSuite('memory'));
describeRedis('transports, relay process on Redis Streams', () => transportSuite('redis'));

describe('relay process with an unreachable Redis', () => {
  it('refuses to start, naming the address and never the password (config file or REDIS_URL)', async () => {
    const { RelayProcess } = await import('./helpers/relayProcess.ts');
    const redis = { url: 'redis://:hunter2@127.0.0.1:1', prefix: 'screenpop-none:' };
    for (const relay of [new RelayProcess({ config: { redis } }), new RelayProcess({ redis })]) {
      expect(await relay.exited).not.toBe(0);
      expect(relay.output()).toMatch(/127\.0\.0\.1:1/);
      expect(relay.output()).not.toContain('hunter2');
      await relay.stop();
    }
  }, 30_000);
});
