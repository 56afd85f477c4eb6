// The shared store's metrics against a real Redis: connection state and errors by connection, and
// the event log's size, as /metrics shows them.
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, expect, it } from 'vitest';
import { Metrics } from '../../relay/http/metrics.ts';
import { createCallStores } from '../../relay/store/createStores.ts';
import { DEFAULT_RETENTION } from '../../relay/store/eventLog.ts';
import type { NewCallEvent } from '../../shared/callEvent.ts';
import { cleanPrefix, describeRedis, REDIS_URL, uniquePrefix } from './helpers/redis.ts';

const prefix = uniquePrefix('metrics');
const quiet = () => {};
const log = { info: quiet, warn: quiet, error: quiet, debug: quiet } as unknown as FastifyBaseLogger;
afterAll(async () => {
  await cleanPrefix(prefix);
});

const call: NewCallEvent = {
  callId: 'm1',
  state: 'ringing',
  extension: '911',
  agentId: '911',
  callerId: '05334979714',
  direction: 'inbound',
  at: '2024-05-27T09:35:00.000Z',
  source: 'generic',
};

function stores(url: string, metrics: Metrics) {
  return createCallStores(
    {
      kind: 'redis',
      sqlitePath: '',
      stateFile: '',
      redis: { url, prefix },
      retention: DEFAULT_RETENTION,
    },
    { log, clock: { now: () => Date.now() }, metrics },
  );
}

const line = (text: string, series: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(`${series} `))
    ?.slice(series.length + 1);

describeRedis('Redis store metrics', () => {
  it('reports each connection up, the log size, and no errors while Redis answers', async () => {
    const metrics = new Metrics();
    const s = stores(REDIS_URL, metrics);
    metrics.trackEventLogSize(() => s.eventLog.size?.() ?? 0);
    await s.open();
    try {
      await s.eventLog.append(call);
      const text = await metrics.render();
      expect(line(text, 'screenpop_redis_connected{connection="commands"}')).toBe('1');
      expect(line(text, 'screenpop_redis_connected{connection="live"}')).toBe('1');
      expect(line(text, 'screenpop_redis_errors_total{connection="commands"}')).toBe('0');
      // One event under an extension and an agent id: one entry in each stream.
      expect(line(text, 'screenpop_event_log_size')).toBe('2');
    } finally {
      await s.close();
    }
    // The socket closes a moment after QUIT is answered.
    let after = '';
    for (let i = 0; i < 100; i++) {
      after = await metrics.render();
      if (line(after, 'screenpop_redis_connected{connection="commands"}') === '0') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(line(after, 'screenpop_redis_connected{connection="commands"}')).toBe('0');
    expect(line(after, 'screenpop_event_log_size'), 'a store that cannot answer keeps the last size').toBe(
      '2',
    );
  });

  it('counts the errors of a Redis that does not answer, and reports it down', async () => {
    const metrics = new Metrics();
    const s = stores('redis://127.0.0.1:1', metrics);
    await expect(s.open()).rejects.toThrow(/Redis at redis:\/\/127\.0\.0\.1:1/);
    try {
      const text = await metrics.render();
      expect(Number(line(text, 'screenpop_redis_errors_total{connection="commands"}'))).toBeGreaterThan(0);
      expect(line(text, 'screenpop_redis_connected{connection="commands"}')).toBe('0');
    } finally {
      await s.close();
    }
  });
});
