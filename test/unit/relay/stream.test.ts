// The agent stream end to end: a real listening relay, the `ws` client, calls posted over HTTP.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../relay/server/app.ts';
import { type EventLog, MemoryEventLog, type ReadResult } from '../../../relay/store/eventLog.ts';
import type { CallEvent } from '../../../shared/callEvent.ts';
import { CLOSE_AUTH_TIMEOUT, CLOSE_UNAUTHORIZED, type ServerMessage } from '../../../shared/protocol.ts';
import { AYSE_TOKEN, LOGO_SAMPLE, MEHMET_TOKEN, SECRET, TestClient, testConfig } from './helpers.ts';

const running: { close(): Promise<unknown> }[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const app of running.splice(0)) await app.close();
});

async function startRelay(
  options: {
    capacityPerKey?: number;
    heartbeatMs?: number;
    authTimeoutMs?: number;
    eventLog?: EventLog;
  } = {},
) {
  const config = testConfig({ log: { capacityPerKey: options.capacityPerKey ?? 100 } });
  const app = buildApp({ config, logger: false, ...options });
  running.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const connect = async () => {
    const client = new TestClient(`ws://${base}/v1/stream`);
    clients.push(client);
    await client.opened();
    return client;
  };
  /** Connects and says hello; resolves with the client after its welcome. */
  const hello = async (token: string, after = '') => {
    const client = await connect();
    client.send({ type: 'hello', token, after });
    const welcome = await client.next();
    return { client, welcome };
  };
  const postCall = async (callId: string, extension = '911', agentId?: string) => {
    const body = { ...LOGO_SAMPLE, callUniqueId: callId, extension, agentId: agentId ?? extension };
    const res = await fetch(`http://${base}/Default.aspx/IPS_callAnswered`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { id: string }).id;
  };
  return { connect, hello, postCall };
}

const callOf = (m: ServerMessage) => (m.type === 'call' ? m.event.callId : `(${m.type})`);

describe('GET /v1/stream', () => {
  it('welcomes an agent by token with its mapping and the log head', async () => {
    const relay = await startRelay();
    const id = await relay.postCall('before');
    const { welcome } = await relay.hello(AYSE_TOKEN);
    expect(welcome).toEqual({
      type: 'welcome',
      user: 'ayse',
      name: 'Ayşe Yılmaz',
      extensions: ['911'],
      agentIds: ['911'],
      cursor: id,
    });
  });

  it('delivers live calls to their agent only', async () => {
    const relay = await startRelay();
    const ayse = (await relay.hello(AYSE_TOKEN)).client;
    const mehmet = (await relay.hello(MEHMET_TOKEN)).client;
    await relay.postCall('for-mehmet', '912');
    await relay.postCall('for-ayse', '911');
    const first = await ayse.nextOf('call');
    expect(first.event).toMatchObject({
      callId: 'for-ayse',
      extension: '911',
      callerId: '05334979714',
      keypress: '1',
    });
    expect((await mehmet.nextOf('call')).event.callId).toBe('for-mehmet');
    expect((await ayse.drain(100)).filter((m) => m.type === 'call')).toEqual([]);
    expect((await mehmet.drain(0)).filter((m) => m.type === 'call')).toEqual([]);
  });

  it('sends nothing old when the client starts from now', async () => {
    const relay = await startRelay();
    await relay.postCall('old');
    const { client } = await relay.hello(AYSE_TOKEN, '');
    expect(await client.drain(100)).toEqual([]);
  });

  it('replays the calls missed while disconnected, after the last id the client saw', async () => {
    const relay = await startRelay();
    const first = await relay.hello(AYSE_TOKEN);
    await relay.postCall('seen');
    const seen = await first.client.nextOf('call');
    first.client.close();
    await first.client.closed;

    await relay.postCall('missed-1');
    await relay.postCall('other-agent', '912');
    await relay.postCall('missed-2');
    const again = await relay.hello(AYSE_TOKEN, seen.event.id);
    expect([await again.client.next(), await again.client.next()].map(callOf)).toEqual([
      'missed-1',
      'missed-2',
    ]);
    await relay.postCall('live');
    expect(callOf(await again.client.next())).toBe('live');
    expect(await again.client.drain(50)).toEqual([]);
  });

  it('announces a resync before the replay when the log dropped calls the client never saw', async () => {
    const relay = await startRelay({ capacityPerKey: 2 });
    const { client, welcome } = await relay.hello(AYSE_TOKEN);
    client.close();
    await client.closed;
    for (const id of ['c1', 'c2', 'c3']) await relay.postCall(id);
    const after = welcome.type === 'welcome' ? welcome.cursor : '';
    const again = await relay.hello(AYSE_TOKEN, after);
    expect(again.welcome.type).toBe('welcome');
    expect((await again.client.next()).type).toBe('resync');
    expect([await again.client.next(), await again.client.next()].map(callOf)).toEqual(['c2', 'c3']);
  });

  it('neither loses nor doubles a call appended while the replay is being read', async () => {
    for (const snapshotFirst of [false, true]) {
      // A log whose reads are slow, like Redis: the test appends while the read is in flight.
      const inner = new MemoryEventLog({ capacityPerKey: 100, epoch: 'slow' });
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const slow: EventLog = {
        append: (e) => inner.append(e),
        subscribe: (l) => inner.subscribe(l),
        head: () => inner.head(),
        async readAfter(keys, cursor): Promise<ReadResult> {
          // Either the read sees the state before the append, or after it.
          const early = inner.readAfter(keys, cursor);
          await gate;
          return snapshotFirst ? early : inner.readAfter(keys, cursor);
        },
      };
      const relay = await startRelay({ eventLog: slow });
      const start = inner.head();
      await relay.postCall('before');
      const { client } = await relay.hello(AYSE_TOKEN, start);
      await relay.postCall('during');
      release();
      const calls = (await client.drain(150)).map(callOf);
      expect(calls, `read ${snapshotFirst ? 'before' : 'after'} the append`).toEqual(['before', 'during']);
      await relay.postCall('after');
      expect(callOf(await client.next())).toBe('after');
    }
  });

  it('sends heartbeats at the injected interval and answers ping with one', async () => {
    const relay = await startRelay({ heartbeatMs: 40 });
    const { client } = await relay.hello(AYSE_TOKEN);
    const beat = await client.next(500);
    expect(beat).toEqual({ type: 'heartbeat', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect((await client.nextOf('heartbeat', 500)).type).toBe('heartbeat');

    const quiet = await startRelay({ heartbeatMs: 60_000 });
    const other = (await quiet.hello(AYSE_TOKEN)).client;
    other.send({ type: 'ping' });
    expect((await other.next()).type).toBe('heartbeat');
  });

  it('refuses a wrong token with an error and the unauthorized close code', async () => {
    const relay = await startRelay();
    const { client, welcome } = await relay.hello('wrong-token-0123456789');
    expect(welcome).toMatchObject({ type: 'error', code: 'unauthorized' });
    expect((await client.closed).code).toBe(CLOSE_UNAUTHORIZED);
  });

  it('refuses the PBX secret as an agent token', async () => {
    const relay = await startRelay();
    const { client, welcome } = await relay.hello(SECRET);
    expect(welcome).toMatchObject({ type: 'error', code: 'unauthorized' });
    expect((await client.closed).code).toBe(CLOSE_UNAUTHORIZED);
  });

  it('closes a connection that never says hello', async () => {
    const relay = await startRelay({ authTimeoutMs: 80 });
    const client = await relay.connect();
    expect(await client.next(1000)).toMatchObject({ type: 'error', code: 'auth-timeout' });
    expect((await client.closed).code).toBe(CLOSE_AUTH_TIMEOUT);
  });

  it('answers invalid messages with an error and keeps the connection usable', async () => {
    const relay = await startRelay();
    const client = await relay.connect();
    for (const bad of [
      'not json',
      '[]',
      '{"type":"launch"}',
      '{"type":"hello","token":42}',
      '{"type":"ping"}',
    ]) {
      client.send(bad);
      expect(await client.next(), bad).toMatchObject({ type: 'error', code: 'bad-request' });
    }
    client.send({ type: 'hello', token: AYSE_TOKEN, after: '' });
    expect((await client.next()).type).toBe('welcome');
    client.send({ type: 'hello', token: AYSE_TOKEN, after: '' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'bad-request' });
    await relay.postCall('still-works');
    expect(callOf(await client.next())).toBe('still-works');
  });

  it('closes an oversized message without taking the relay down', async () => {
    const relay = await startRelay();
    const client = await relay.connect();
    client.send({ type: 'hello', token: 'x'.repeat(10_000), after: '' });
    expect((await client.closed).code).toBe(1009);
    const { welcome } = await relay.hello(AYSE_TOKEN);
    expect(welcome.type).toBe('welcome');
  });

  it('answers a plain HTTP GET with 426 and a reason', async () => {
    const app = buildApp({ config: testConfig(), logger: false });
    const res = await app.inject({ method: 'GET', url: '/v1/stream' });
    expect(res.statusCode).toBe(426);
    expect(res.json()).toMatchObject({ error: 'upgrade-required' });
  });

  it('delivers each event as the CallEvent the log stored', async () => {
    const relay = await startRelay();
    const { client } = await relay.hello(AYSE_TOKEN);
    const id = await relay.postCall('shape');
    const { event } = await client.nextOf('call');
    const expected: CallEvent = {
      id,
      callId: 'shape',
      state: 'answered',
      extension: '911',
      agentId: '911',
      callerId: '05334979714',
      keypress: '1',
      direction: 'inbound',
      at: event.at,
      source: 'logo',
      // An answered event names who answered (ring groups), here the agent with agent id 911.
      answeredBy: 'ayse',
    };
    expect(event).toEqual(expected);
    expect(Number.isNaN(Date.parse(event.at))).toBe(false);
  });
});
