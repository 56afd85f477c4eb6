// POST /v1/diagnostics/test-call: an agent's own test call, through the real pipeline.
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_CALL_PATH, TEST_CALLER_ID } from '../../../relay/delivery/diagnosticsRoute.ts';
import { buildApp } from '../../../relay/server/app.ts';
import type { CallEvent } from '../../../shared/callEvent.ts';
import { AYSE_TOKEN, fakeClock, MEHMET_TOKEN, SECRET, startDeliveryRelay, testConfig } from './helpers.ts';

const ORIGIN = 'chrome-extension://dhabiokniikknfidbhccdfcpelbijnna';

function setup() {
  const clock = fakeClock();
  // A short long-poll, so reading an agent's empty log answers at once.
  const app = buildApp({ config: testConfig(), logger: false, clock, longPollMs: 100 });
  const testCall = (token: string | null, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: TEST_CALL_PATH,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  /** The agent's events, as its long-poll would hand them out. */
  const eventsOf = async (token: string) => {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/events?after=0',
      headers: { authorization: `Bearer ${token}` },
    });
    return (res.json() as { events: CallEvent[] }).events;
  };
  return { app, clock, testCall, eventsOf };
}

describe(`POST ${TEST_CALL_PATH}`, () => {
  it('appends an answered test call on the agent’s extension, answered by that agent, then ends it', async () => {
    const { testCall, eventsOf } = setup();
    const res = await testCall(AYSE_TOKEN);
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json() as { ok: boolean; id: string; callId: string; at: string };
    expect(answer).toEqual({
      ok: true,
      id: expect.any(String),
      callId: expect.stringMatching(/^TEST-/),
      at: '2024-05-27T09:35:00.000Z',
    });
    const events = await eventsOf(AYSE_TOKEN);
    expect(events).toEqual([
      expect.objectContaining({
        id: answer.id,
        callId: answer.callId,
        state: 'answered',
        source: 'test',
        extension: '911',
        agentId: '911',
        answeredBy: 'ayse',
        callerId: TEST_CALLER_ID,
      }),
      // Ended at once, so the agent's busy light does not stay red.
      expect.objectContaining({ callId: answer.callId, state: 'hangup', source: 'test', extension: '911' }),
    ]);
    expect(events[1]?.id).not.toBe(answer.id);
  });

  it('takes the caller and keypress from the body, and refuses a bad one naming the field', async () => {
    const { testCall, eventsOf } = setup();
    expect((await testCall(AYSE_TOKEN, { callerId: '+90 212 555 12 34', keypress: '3' })).statusCode).toBe(
      200,
    );
    expect((await eventsOf(AYSE_TOKEN))[0]).toMatchObject({ callerId: '+90 212 555 12 34', keypress: '3' });
    const bad = await testCall(AYSE_TOKEN, { keypress: '12' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'bad-request', field: 'keypress' });
  });

  it('needs an agent token: none, an unknown one and the PBX secret are refused with 401', async () => {
    const { testCall, eventsOf } = setup();
    for (const token of [null, 'not-a-token-0123456789', SECRET]) {
      const res = await testCall(token);
      expect(res.statusCode, `token ${token}`).toBe(401);
      expect(res.json()).toMatchObject({ error: 'unauthorized' });
    }
    expect(await eventsOf(AYSE_TOKEN)).toEqual([]);
  });

  it('gives each agent a new call id and names an agent without agent ids as the one who answered', async () => {
    const { testCall, eventsOf } = setup();
    const first = (await testCall(MEHMET_TOKEN)).json() as { callId: string };
    const second = (await testCall(MEHMET_TOKEN)).json() as { callId: string };
    expect(first.callId).not.toBe(second.callId);
    const answers = (await eventsOf(MEHMET_TOKEN)).filter((e) => e.state === 'answered');
    expect(answers.map((e) => [e.extension, e.agentId, e.answeredBy])).toEqual([
      ['912', undefined, 'mehmet'],
      ['912', undefined, 'mehmet'],
    ]);
  });

  it('allows 10 test calls a minute per agent, then answers 429 with Retry-After', async () => {
    const { testCall, clock } = setup();
    for (let i = 0; i < 10; i++) expect((await testCall(AYSE_TOKEN)).statusCode).toBe(200);
    const limited = await testCall(AYSE_TOKEN);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another agent has its own allowance; the first gets one back after a while.
    expect((await testCall(MEHMET_TOKEN)).statusCode).toBe(200);
    clock.advance(6_000);
    expect((await testCall(AYSE_TOKEN)).statusCode).toBe(200);
  });

  it('answers CORS for extension origins only, preflight included', async () => {
    const { app, testCall } = setup();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: TEST_CALL_PATH,
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/Authorization/);
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/Content-Type/);
    const ok = await testCall(AYSE_TOKEN, {}, { origin: ORIGIN });
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
    const refused = await testCall(null, undefined, { origin: ORIGIN });
    expect(refused.headers['access-control-allow-origin'], 'a 401 is readable too').toBe(ORIGIN);
    const web = await testCall(AYSE_TOKEN, {}, { origin: 'https://evil.example' });
    expect(web.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('test call delivery', () => {
  const relays: Awaited<ReturnType<typeof startDeliveryRelay>>[] = [];
  afterEach(async () => {
    for (const r of relays.splice(0)) await r.close();
  });

  it('reaches only the calling agent’s stream', async () => {
    const relay = await startDeliveryRelay();
    relays.push(relay);
    const ayse = await relay.hello(AYSE_TOKEN);
    const mehmet = await relay.hello(MEHMET_TOKEN);
    expect(ayse.welcome.type).toBe('welcome');
    expect(mehmet.welcome.type).toBe('welcome');
    const res = await fetch(`${relay.http}${TEST_CALL_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AYSE_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const { callId } = (await res.json()) as { callId: string };
    const call = await ayse.client.nextOf('call');
    expect(call.event).toMatchObject({ callId, state: 'answered', source: 'test', answeredBy: 'ayse' });
    // Mehmet's next call is the PBX's one for his extension, not Ayşe's test call.
    await relay.post({ callId: 'real-912', extension: '912' });
    expect((await mehmet.client.nextOf('call')).event.callId).toBe('real-912');
  });
});
