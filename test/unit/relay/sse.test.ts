// `GET /v1/sse`: Server-Sent Events against a listening relay, read frame by frame.
import { afterEach, describe, expect, it } from 'vitest';
import { sseFrame } from '../../../relay/delivery/sse.ts';
import { Metrics } from '../../../relay/http/metrics.ts';
import type { CallEvent } from '../../../shared/callEvent.ts';
import { AYSE_TOKEN, captureLog, MEHMET_TOKEN, type SseClient, startDeliveryRelay } from './helpers.ts';

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
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function nextCall(client: SseClient) {
  for (;;) {
    const frame = await client.next();
    if (frame.event === 'call') return { id: frame.id, event: JSON.parse(frame.data ?? '') as CallEvent };
  }
}

describe('GET /v1/sse', () => {
  it('welcomes the agent and streams its calls with `id:` = event id and `event: call`', async () => {
    const r = await relay();
    const client = r.sse('/v1/sse', bearer(AYSE_TOKEN));
    const welcome = await client.next();
    expect(client.status).toBe(200);
    expect(client.headers?.get('content-type')).toMatch(/^text\/event-stream/);
    expect(welcome.event).toBe('welcome');
    const data = JSON.parse(welcome.data ?? '');
    expect(data).toMatchObject({ user: 'ayse', extensions: ['911'], cursor: expect.any(String) });
    // Starting from now, the welcome's id is the head, so an EventSource reconnect resumes there.
    expect(welcome.id).toBe(data.cursor);
    await r.post({ callId: 'for-mehmet', extension: '912' });
    const id = await r.post({ callId: 'for-ayse', extension: '911' });
    const call = await nextCall(client);
    expect(call).toEqual({ id, event: expect.objectContaining({ id, callId: 'for-ayse' }) });
  });

  it('resumes after Last-Event-ID, which wins over ?after=', async () => {
    const r = await relay();
    const a = await r.post({ callId: 'a', extension: '911' });
    await r.post({ callId: 'b', extension: '911' });
    const client = r.sse(`/v1/sse?after=${encodeURIComponent('garbage')}`, {
      ...bearer(AYSE_TOKEN),
      'last-event-id': a,
    });
    const welcome = await client.next();
    expect(welcome.id, 'no id on the welcome when resuming').toBeUndefined();
    expect((await nextCall(client)).event.callId).toBe('b');
    const viaQuery = r.sse(`/v1/sse?after=${encodeURIComponent(a)}`, bearer(AYSE_TOKEN));
    await viaQuery.next();
    expect((await nextCall(viaQuery)).event.callId).toBe('b');
  });

  it('sends resync before what is left when the cursor is older than the log', async () => {
    const r = await relay({ capacityPerKey: 2 });
    const first = r.sse('/v1/sse', bearer(AYSE_TOKEN));
    const start = (await first.next()).id ?? '';
    first.close();
    for (const id of ['c1', 'c2', 'c3']) await r.post({ callId: id, extension: '911' });
    const client = r.sse('/v1/sse', { ...bearer(AYSE_TOKEN), 'last-event-id': start });
    expect((await client.next()).event).toBe('welcome');
    expect((await client.next()).event).toBe('resync');
    expect((await nextCall(client)).event.callId).toBe('c2');
    expect((await nextCall(client)).event.callId).toBe('c3');
  });

  it('sends heartbeat comments at the configured interval', async () => {
    const r = await relay({ heartbeatMs: 40 });
    const client = r.sse('/v1/sse', bearer(MEHMET_TOKEN));
    await client.next();
    const beat = await client.next(1000, true);
    expect(beat.comment).toMatch(/^heartbeat \d{4}-/);
  });

  it('accepts ?token= for EventSource, and never writes it to the log', async () => {
    const log = captureLog();
    const r = await relay({ logger: log });
    const client = r.sse(`/v1/sse?token=${AYSE_TOKEN}`);
    expect((await client.next()).event).toBe('welcome');
    client.close();
    await r.close();
    relays.splice(relays.indexOf(r), 1);
    expect(log.text()).not.toContain(AYSE_TOKEN);
    expect(log.text()).toContain('[redacted]');
  });

  it('refuses a missing or unknown token with 401 JSON, and over the limit with 429', async () => {
    const r = await relay({ maxConnectionsPerAgent: 1 });
    for (const headers of [{}, bearer('wrong-token-0123456789')]) {
      const res = await fetch(`${r.http}/v1/sse`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'unauthorized' });
    }
    const open = r.sse('/v1/sse', bearer(AYSE_TOKEN));
    await open.next();
    const res = await fetch(`${r.http}/v1/sse`, { headers: bearer(AYSE_TOKEN) });
    expect(res.status).toBe(429);
  });

  it('ends the stream with an error frame when the token is revoked', async () => {
    const r = await relay();
    const client = r.sse('/v1/sse', bearer(AYSE_TOKEN));
    await client.next();
    r.agents.set(r.agents.agents.filter((a) => a.user !== 'ayse'));
    const frame = await client.next();
    expect(frame.event).toBe('error');
    expect(JSON.parse(frame.data ?? '')).toEqual({ code: 'unauthorized', reason: 'agent token revoked' });
    await client.done;
    expect(client.isEnded).toBe(true);
  });

  it('records the connection and each delivery in the metrics, and ends streams at shutdown', async () => {
    const metrics = new Metrics();
    const r = await relay({ metrics });
    const client = r.sse('/v1/sse', bearer(AYSE_TOKEN));
    await client.next();
    expect(await metrics.value('screenpop_connected_agents', { transport: 'sse' })).toBe(1);
    await r.post({ callId: 'm', extension: '911' });
    await nextCall(client);
    expect(await metrics.value('screenpop_deliveries_total', { transport: 'sse' })).toBe(1);
    const started = Date.now();
    await r.close();
    relays.splice(relays.indexOf(r), 1);
    expect(Date.now() - started).toBeLessThan(2000);
    await client.done;
    expect(await metrics.value('screenpop_connected_agents', { transport: 'sse' })).toBe(0);
  });

  it('formats frames as single-line JSON data', () => {
    expect(sseFrame('call', { a: 'x\ny' }, 'e.1')).toBe('id: e.1\nevent: call\ndata: {"a":"x\\ny"}\n\n');
    expect(sseFrame('resync', { cursor: 'e.2' })).toBe('event: resync\ndata: {"cursor":"e.2"}\n\n');
  });
});
