// Agent-side clients for the integration tests: post a call (as the PBX), poll, and read calls
// from any of the three transports as one ordered list of call ids.
import type { EventsPage } from '../../../relay/delivery/longPoll.ts';
import type { CallEvent } from '../../../shared/callEvent.ts';
import { SECRET, SseClient, TestClient } from '../../unit/relay/helpers.ts';

/** Posts a generic-format call to a relay; resolves with the id it answered. */
export async function postCall(base: string, event: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${base}/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'ringing', callerId: '05334979714', extension: '911', ...event }),
  });
  if (res.status !== 200) throw new Error(`POST ${base}/v1/calls: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function poll(base: string, token: string, after: string): Promise<EventsPage> {
  const res = await fetch(`${base}/v1/events?after=${encodeURIComponent(after)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 200) throw new Error(`GET /v1/events: ${res.status} ${await res.text()}`);
  return (await res.json()) as EventsPage;
}

/** A WebSocket agent: says hello, keeps every call it receives, and its last id as the cursor. */
export async function wsAgent(wsUrl: string, token: string, after = '') {
  const client = new TestClient(wsUrl);
  await client.opened();
  client.send({ type: 'hello', token, after });
  const welcome = await client.next(5000);
  if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
  return { client, welcome };
}

/** The calls a WebSocket client has received so far (without consuming its queue). */
export function wsCalls(client: TestClient): CallEvent[] {
  return client.messages.flatMap((m) => (m.type === 'call' ? [m.event] : []));
}

/** The calls an SSE client has received so far. */
export function sseCalls(client: SseClient): CallEvent[] {
  return client.frames.flatMap((f) => (f.event === 'call' ? [JSON.parse(f.data ?? '') as CallEvent] : []));
}

/** Polls until `predicate` holds or `timeoutMs` passes. */
export async function until(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export { SseClient, TestClient };
