// `GET /v1/events`: the long-poll transport, with real HTTP against a listening relay.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventsPage } from '../../../relay/delivery/longPoll.ts';
import { Metrics } from '../../../relay/http/metrics.ts';
import { AYSE_TOKEN, MEHMET_TOKEN, SECRET, startDeliveryRelay } from './helpers.ts';

type Relay = Awaited<ReturnType<typeof startDeliveryRelay>>;
const relays: Relay[] = [];
afterEach(async () => {
  for (const r of relays.splice(0)) await r.close();
});
async function relay(options: Parameters<typeof startDeliveryRelay>[0] = {}) {
  const r = await startDeliveryRelay(options);
  relays.push(r);
  return r;
}

async function poll(r: Relay, after: string, token = AYSE_TOKEN) {
  const res = await fetch(`${r.http}/v1/events?after=${encodeURIComponent(after)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as EventsPage & { error?: string; reason?: string } };
}

const ids = (page: EventsPage) => page.events.map((e) => e.callId);

describe('GET /v1/events (long-poll)', () => {
  it('answers at once with the events after the cursor, and the cursor to poll with next', async () => {
    const r = await relay();
    const first = await r.post({ callId: 'a', extension: '911' });
    await r.post({ callId: 'b', extension: '911' });
    await r.post({ callId: 'other', extension: '912' });
    await r.post({ callId: 'c', extension: '911' });
    const started = Date.now();
    const { status, body } = await poll(r, first);
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(ids(body)).toEqual(['b', 'c']);
    expect(body.resync).toBe(false);
    expect(body.cursor).toBe(body.events[1]?.id);
  });

  it('holds the request until a call arrives, then answers with it', async () => {
    const r = await relay({ longPollMs: 5000 });
    const pending = poll(r, '');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const id = await r.post({ callId: 'live', extension: '911' });
    const { body } = await pending;
    expect(ids(body)).toEqual(['live']);
    expect(body.cursor).toBe(id);
  });

  it('answers an empty page with a usable cursor after the wait, and misses nothing across polls', async () => {
    const r = await relay({ longPollMs: 150 });
    const started = Date.now();
    const { body } = await poll(r, '');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(body).toEqual({ events: [], cursor: expect.any(String), resync: false });
    // A call between two polls is in the next one.
    await r.post({ callId: 'between', extension: '911' });
    expect(ids((await poll(r, body.cursor)).body)).toEqual(['between']);
  });

  it('never answers with another agent’s calls', async () => {
    const r = await relay({ longPollMs: 300 });
    const { body: start } = await poll(r, '', MEHMET_TOKEN);
    const pending = poll(r, start.cursor, MEHMET_TOKEN);
    await r.post({ callId: 'for-ayse', extension: '911' });
    expect(ids((await pending).body)).toEqual([]);
  });

  it('says resync when the cursor is older than the log, with what is left', async () => {
    const r = await relay({ capacityPerKey: 2, longPollMs: 100 });
    const { body: start } = await poll(r, '');
    for (const id of ['c1', 'c2', 'c3']) await r.post({ callId: id, extension: '911' });
    const { body } = await poll(r, start.cursor);
    expect(body.resync).toBe(true);
    expect(ids(body)).toEqual(['c2', 'c3']);
  });

  it('replays everything retained for a cursor it cannot place', async () => {
    const r = await relay();
    await r.post({ callId: 'kept', extension: '911' });
    expect(ids((await poll(r, 'old-run.57')).body)).toEqual(['kept']);
  });

  it('refuses a missing or unknown token, the PBX secret, and a bad cursor', async () => {
    const r = await relay();
    const none = await fetch(`${r.http}/v1/events`);
    expect(none.status).toBe(401);
    expect((await poll(r, '', 'wrong-token-0123456789')).status).toBe(401);
    expect((await poll(r, '', SECRET)).status).toBe(401);
    const long = await poll(r, 'x'.repeat(200));
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ error: 'bad-request', field: 'after' });
  });

  it('answers 401 to a held poll whose token is revoked', async () => {
    const r = await relay({ longPollMs: 5000 });
    const pending = poll(r, '');
    await new Promise((resolve) => setTimeout(resolve, 100));
    r.agents.set(r.agents.agents.filter((a) => a.user !== 'ayse'));
    const { status, body } = await pending;
    expect(status).toBe(401);
    expect(body.reason).toBe('agent token revoked');
  });

  it('counts held polls against the per-agent limit (429) and in the metrics', async () => {
    const metrics = new Metrics();
    const r = await relay({ longPollMs: 400, maxConnectionsPerAgent: 1, metrics });
    const held = poll(r, '');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await metrics.value('screenpop_connected_agents', { transport: 'longpoll' })).toBe(1);
    const refused = await poll(r, '');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too-many-connections');
    await held;
    expect(await metrics.value('screenpop_connected_agents', { transport: 'longpoll' })).toBe(0);
    const id = await r.post({ callId: 'counted', extension: '911' });
    await poll(r, `${id.split('.')[0]}.0`);
    expect(await metrics.value('screenpop_deliveries_total', { transport: 'longpoll' })).toBe(1);
  });

  it('releases a held poll as soon as the client goes away', async () => {
    const metrics = new Metrics();
    const r = await relay({ longPollMs: 10_000, metrics });
    // node:http, not fetch: an aborted fetch leaves a spare connection that delays the app's close.
    const req = request(`${r.http}/v1/events`, {
      headers: { authorization: `Bearer ${AYSE_TOKEN}` },
      agent: false,
    });
    req.on('error', () => {});
    req.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await metrics.value('screenpop_connected_agents', { transport: 'longpoll' })).toBe(1);
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await metrics.value('screenpop_connected_agents', { transport: 'longpoll' })).toBe(0);
  });

  it('answers held polls at shutdown instead of holding the close for the full wait', async () => {
    const r = await relay({ longPollMs: 20_000 });
    const pending = poll(r, '');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await r.close();
    relays.splice(relays.indexOf(r), 1);
    expect((await pending).body.events).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('allows the extension’s origin by CORS, including the preflight', async () => {
    const r = await relay({ longPollMs: 100 });
    const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const pre = await fetch(`${r.http}/v1/events`, { method: 'OPTIONS', headers: { origin } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const res = await fetch(`${r.http}/v1/events?after=x.0`, {
      headers: { origin, authorization: `Bearer ${AYSE_TOKEN}` },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  });
});
