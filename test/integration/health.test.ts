// `/readyz` in process: 200 with the kind of log, 503 with a reason when the log's check fails or
// hangs. (Against a real Redis: transports.test.ts.)
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../relay/server/app.ts';
import { type EventLog, MemoryEventLog } from '../../relay/store/eventLog.ts';
import { testConfig } from '../unit/relay/helpers.ts';

function withCheck(check: () => Promise<void>): EventLog {
  const inner = new MemoryEventLog({ capacityPerKey: 10, epoch: 'h' });
  return {
    kind: 'redis',
    append: (e) => inner.append(e),
    readAfter: (k, c) => inner.readAfter(k, c),
    subscribe: (l) => inner.subscribe(l),
    head: () => inner.head(),
    check,
  };
}

describe('GET /readyz', () => {
  it('is ready in memory mode', async () => {
    const app = buildApp({ config: testConfig(), logger: false });
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, log: 'memory' });
    await app.close();
  });

  it('answers 503 with the reason when the event log cannot serve', async () => {
    const eventLog = withCheck(async () => {
      throw new Error('Redis live signal connection is reconnecting');
    });
    const app = buildApp({ config: testConfig(), logger: false, eventLog });
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: 'not-ready',
      reason: 'redis: Redis live signal connection is reconnecting',
    });
    await app.close();
  });

  it('answers 503 within its timeout when the check hangs', async () => {
    const eventLog = withCheck(() => new Promise(() => {}));
    const app = buildApp({ config: testConfig(), logger: false, eventLog });
    const started = Date.now();
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json().reason).toMatch(/no answer within/);
    expect(Date.now() - started).toBeLessThan(3000);
    await app.close();
  });
});
