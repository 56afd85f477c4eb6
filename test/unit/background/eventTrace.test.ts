// The Diagnostics event trace: each relay event's steps and outcome, the last 100 kept, and the
// test call that waits for its own trace.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { putContacts } from '../../../background/contactStore.ts';
import { type Db, openDb } from '../../../background/db.ts';
import { runTestCall } from '../../../background/diagnostics.ts';
import {
  listTraces,
  MAX_TRACES,
  recordTrace,
  traceEvent,
  traceOf,
  waitForTrace,
} from '../../../background/eventTrace.ts';
import { applyEvent, type PopDeps } from '../../../background/popCall.ts';
import type { CallEvent } from '../../../shared/callEvent.ts';
import { type Settings, validateSettings } from '../../../shared/settings.ts';
import { callEvent } from '../../fixtures/calls.ts';

const CRM = 'http://crm.test';
const settings: Settings = validateSettings({
  crm: {
    origin: CRM,
    templates: { card: `${CRM}/card/{contactId}`, newContact: `${CRM}/new?phone={phone}` },
  },
}).settings;

let db: Db;
let opened: string[];
const deps = (over: Partial<PopDeps> = {}): PopDeps => ({
  db,
  settings,
  agentUser: 'ayse',
  openUrl: async (url) => void opened.push(url),
  ...over,
});
const event = callEvent;
/** Applies an event the way the worker does, traced. */
const apply = (e: CallEvent, over: Partial<PopDeps> = {}) =>
  traceEvent(db, e, (trace) => applyEvent({ ...deps(over), trace }, e));

beforeEach(async () => {
  db = await openDb(`trace-${randomUUID()}`);
  opened = [];
  await putContacts(
    db,
    [{ id: 'P-7', kind: 'person', name: 'Ayşe Demir', phones: ['0533 497 97 14'] }],
    [],
    'TR',
    1,
  );
});

describe('traceEvent', () => {
  it('records a pop with every step in order, the URL and the contact', async () => {
    expect((await apply(event())).outcome).toBe('popped');
    const [trace] = await listTraces(db);
    expect(trace).toMatchObject({
      eventId: 'e.1',
      callId: 'A000001',
      state: 'answered',
      source: 'logo',
      callerId: '05334979714',
      at: '2026-11-22T10:00:00.000Z',
      outcome: 'popped',
      url: `${CRM}/card/P-7`,
      contactName: 'Ayşe Demir',
    });
    const { receivedAt, matchedAt = 0, openedAt = 0 } = trace ?? { receivedAt: 0 };
    expect(receivedAt, 'received').toBeGreaterThan(0);
    expect(matchedAt, 'matched after received').toBeGreaterThanOrEqual(receivedAt);
    expect(openedAt, 'opened after matched').toBeGreaterThanOrEqual(matchedAt);
  });

  it('records a ringing as recorded (no tab), a resent event as replayed', async () => {
    await apply(event({ id: 'e.1', state: 'ringing' }));
    await apply(event({ id: 'e.1', state: 'ringing' }));
    const traces = await listTraces(db);
    expect(traces.map((t) => t.outcome)).toEqual(['replayed', 'recorded']);
    expect(traces[1]?.matchedAt).toBeDefined();
    expect(traces[1]?.openedAt, 'no tab opened').toBeUndefined();
  });

  it('records a tab the browser refused as failed, with the reason', async () => {
    const refuse = async () => {
      throw new Error('no window');
    };
    expect((await apply(event(), { openUrl: refuse })).outcome).toBe('failed');
    expect((await listTraces(db))[0]).toMatchObject({ outcome: 'failed', error: 'errTabFailed' });
  });

  it('records a call a colleague answered as skipped', async () => {
    await apply(event({ answeredBy: 'mehmet' }));
    expect((await listTraces(db))[0]?.outcome).toBe('skipped');
    expect(opened).toEqual([]);
  });

  it('records an event whose handling threw as failed, and still throws', async () => {
    const broken = traceEvent(db, event(), async () => {
      throw new Error('database closed');
    });
    await expect(broken).rejects.toThrow('database closed');
    expect((await listTraces(db))[0]).toMatchObject({ outcome: 'failed', error: 'database closed' });
  });
});

describe('the stored trace', () => {
  it(`keeps the last ${MAX_TRACES} events, newest first`, async () => {
    for (let i = 1; i <= MAX_TRACES + 5; i++)
      await recordTrace(db, traceOf(event({ id: `e.${i}`, callId: `C${i}` }), { receivedAt: i }, 'recorded'));
    const traces = await listTraces(db);
    expect(traces).toHaveLength(MAX_TRACES);
    expect(traces[0]?.eventId).toBe(`e.${MAX_TRACES + 5}`);
    expect(traces.at(-1)?.eventId).toBe('e.6');
  });

  it('keeps every trace of events recorded at the same time', async () => {
    await Promise.all(
      ['a', 'b', 'c'].map((id) => recordTrace(db, traceOf(event({ id }), { receivedAt: 1 }, 'recorded'))),
    );
    expect((await listTraces(db)).map((t) => t.eventId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('waits for the trace of a call’s answer (not its other events), and gives up after the timeout', async () => {
    const waiting = waitForTrace(db, 'LATE', 'answered', { timeoutMs: 2000, intervalMs: 10 });
    await recordTrace(
      db,
      traceOf(event({ callId: 'LATE', state: 'ringing' }), { receivedAt: 1 }, 'recorded'),
    );
    await recordTrace(db, traceOf(event({ callId: 'LATE' }), { receivedAt: 1 }, 'popped'));
    expect(await waiting).toMatchObject({ callId: 'LATE', state: 'answered' });
    expect(await waitForTrace(db, 'NEVER', 'answered', { timeoutMs: 30, intervalMs: 10 })).toBeUndefined();
  });
});

describe('runTestCall', () => {
  const RELAY = 'http://relay.test';

  it('asks the relay with the agent token and answers the test call’s trace once it popped', async () => {
    const requests: { url: string; init?: RequestInit }[] = [];
    const fetch = async (url: string | URL | Request, init?: RequestInit) => {
      requests.push({ url: String(url), init });
      // The relay's event comes back over the stream; here it is applied right away.
      const e = event({ id: 't.1', callId: 'TEST-abc', source: 'test', answeredBy: 'ayse' });
      await apply(e);
      await apply({ ...e, id: 't.2', state: 'hangup', answeredBy: undefined });
      return Response.json({ ok: true, id: 't.1', callId: 'TEST-abc', at: e.at });
    };
    const result = await runTestCall({ db, fetch, relayBase: RELAY, token: 'agent-token-0123456789' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe(`${RELAY}/v1/diagnostics/test-call`);
    expect(new Headers(requests[0]?.init?.headers).get('authorization')).toBe(
      'Bearer agent-token-0123456789',
    );
    expect(result).toMatchObject({ ok: true, trace: { callId: 'TEST-abc', outcome: 'popped' } });
    expect(opened).toEqual([`${CRM}/card/P-7`]);
  });

  it('says why when it cannot: not configured, refused token, rate limit, no trace in time', async () => {
    const answer =
      (status: number, body: unknown = { error: 'x' }) =>
      async () =>
        Response.json(body, { status });
    const base = { db, relayBase: RELAY, token: 'agent-token-0123456789' };
    expect(await runTestCall({ ...base, relayBase: null, fetch: answer(200) })).toEqual({
      ok: false,
      error: 'diagErrNotConfigured',
    });
    expect((await runTestCall({ ...base, fetch: answer(401) })).error).toBe('diagErrUnauthorized');
    expect((await runTestCall({ ...base, fetch: answer(429) })).error).toBe('diagErrRateLimited');
    const offline = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    expect((await runTestCall({ ...base, fetch: offline })).error).toBe('diagErrNetwork');
    const lost = answer(200, { ok: true, id: '9', callId: 'TEST-lost', at: '' });
    expect((await runTestCall({ ...base, fetch: lost, timeoutMs: 50 })).error).toBe('diagErrTimeout');
  });
});
