// An unauthenticated client cannot hold the relay's connections: slow requests time out, a refused
// request closes its connection without reading the body, connections are capped per address, and
// the agent stream takes only extension pages (and listed origins) and few sockets without a hello.

import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { buildApp } from '../../../relay/server/app.ts';
import { AYSE_TOKEN, SECRET, TestClient, testConfig } from './helpers.ts';

const apps: FastifyInstance[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const app of apps.splice(0)) await app.close();
});

async function listening(extra: Record<string, unknown> = {}) {
  const app = buildApp({ config: testConfig(extra), logger: false });
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, port };
}

/** A raw TCP client that records what came back and when the relay closed the connection. */
function raw(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (d) => {
    received += d.toString();
  });
  socket.on('error', () => {});
  const started = Date.now();
  const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
  return { socket, closed, received: () => received };
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what}: not within ${ms} ms`)), ms)),
  ]);

const FAST = { limits: { requestTimeoutMs: 1_000, headersTimeoutMs: 500 } };

describe('slow clients', () => {
  it('a request refused before its body is answered 401 and its connection closed, body unread', async () => {
    const { port } = await listening();
    const client = raw(port);
    client.socket.write(
      'POST /v1/calls HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"callId":',
    );
    await within(client.closed, 3_000, 'connection closed after the 401');
    expect(client.received()).toMatch(/^HTTP\/1\.1 401/);
    expect(client.received()).toMatch(/connection: close/i);
  });

  it('a body sent too slowly gets 408 and the connection closes, authenticated or not', async () => {
    const { port } = await listening(FAST);
    for (const [path, auth] of [
      ['/v1/calls', `Authorization: Bearer ${SECRET}\r\n`],
      ['/v1/pair', ''],
    ]) {
      const client = raw(port);
      client.socket.write(
        `POST ${path} HTTP/1.1\r\nHost: relay\r\n${auth}Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{`,
      );
      // One byte a while: never finishes.
      const drip = setInterval(() => client.socket.write(' '), 200);
      const ms = await within(client.closed, 4_000, `${path} closed`).finally(() => clearInterval(drip));
      expect(client.received(), path).toMatch(/^HTTP\/1\.1 408/);
      expect(ms).toBeGreaterThanOrEqual(900);
    }
  });

  it('headers that never end are cut off', async () => {
    const { port } = await listening(FAST);
    const client = raw(port);
    client.socket.write('GET /readyz HTTP/1.1\r\nHost: relay\r\n');
    const drip = setInterval(() => client.socket.write('X-Slow: 1\r\n'), 100);
    await within(client.closed, 3_000, 'closed while sending headers').finally(() => clearInterval(drip));
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a silent connection is closed after idleTimeoutMs', async () => {
    const { port } = await listening({ delivery: { longPollMs: 100 }, limits: { idleTimeoutMs: 1_200 } });
    const client = raw(port);
    client.socket.write('GET /readyz HTTP/1.1\r\nHost: relay\r\n\r\n');
    const ms = await within(client.closed, 4_000, 'idle connection closed');
    expect(client.received()).toMatch(/^HTTP\/1\.1 200/);
    expect(ms).toBeGreaterThanOrEqual(900);
  }, 10_000);
});

describe('connection caps', () => {
  it('closes connections beyond maxConnectionsPerAddress at once', async () => {
    const { port } = await listening({ limits: { maxConnectionsPerAddress: 3 } });
    const held = [raw(port), raw(port), raw(port)];
    await Promise.all(held.map((c) => new Promise((ok) => c.socket.once('connect', ok))));
    const extra = raw(port);
    extra.socket.write('GET /readyz HTTP/1.1\r\nHost: relay\r\n\r\n');
    await within(extra.closed, 2_000, 'fourth connection closed');
    expect(extra.received()).toBe('');
    // One of the three goes away: there is room again.
    held[0]?.socket.destroy();
    await held[0]?.closed;
    await new Promise((r) => setTimeout(r, 100));
    const again = raw(port);
    again.socket.write('GET /readyz HTTP/1.1\r\nHost: relay\r\n\r\n');
    await within(
      new Promise<void>((ok) => again.socket.on('data', () => ok())),
      2_000,
      'a new connection answered',
    );
    expect(again.received()).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('the agent stream', () => {
  const open = (port: number, origin?: string) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/stream`, origin ? { origin } : {});
    return new Promise<{ ok: true; ws: WebSocket } | { ok: false; status: number }>((done) => {
      ws.once('open', () => done({ ok: true, ws }));
      ws.once('unexpected-response', (_req, res) => done({ ok: false, status: res.statusCode ?? 0 }));
      ws.once('error', () => done({ ok: false, status: 0 }));
    });
  };

  it('opens for extension pages and listed origins, and refuses other web pages with 403', async () => {
    const { port } = await listening({ delivery: { allowedOrigins: ['https://crm.example.com'] } });
    for (const origin of [
      'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
      'moz-extension://1d0c6b5e-1111-2222-3333-444455556666',
      'https://crm.example.com',
    ]) {
      const opened = await open(port, origin);
      expect(opened.ok, origin).toBe(true);
      if (opened.ok) opened.ws.close();
    }
    for (const origin of ['https://evil.example', 'https://crm.example.com.evil.example', 'null']) {
      const refused = await open(port, origin);
      expect(refused, origin).toEqual({ ok: false, status: 403 });
    }
  });

  it('takes only a few sockets without a hello from one address', async () => {
    const { port } = await listening({ limits: { maxPendingStreamsPerAddress: 2 } });
    const url = `ws://127.0.0.1:${port}/v1/stream`;
    const first = new TestClient(url);
    const second = new TestClient(url);
    await Promise.all([first.opened(), second.opened()]);
    const third = new TestClient(url);
    expect((await within(third.closed, 2_000, 'third socket closed')).code).toBe(4429);
    // Once one said hello it no longer waits: another may open.
    first.send({ type: 'hello', token: AYSE_TOKEN, after: '' });
    await first.nextOf('welcome');
    const fourth = new TestClient(url);
    await fourth.opened();
    fourth.send({ type: 'hello', token: AYSE_TOKEN, after: '' });
    expect((await fourth.nextOf('welcome')).user).toBe('ayse');
    for (const c of [first, second, fourth]) c.ws.close();
  });

  it('holds back an address that guessed tokens in hellos', async () => {
    const { port } = await listening({ limits: { failedAuthPerAddressPerMinute: 3 } });
    const url = `ws://127.0.0.1:${port}/v1/stream`;
    for (let i = 0; i < 3; i++) {
      const guess = new TestClient(url);
      await guess.opened();
      guess.send({ type: 'hello', token: `guess-${i}-0123456789`, after: '' });
      expect((await guess.closed).code).toBe(4401);
    }
    const right = new TestClient(url);
    await right.opened();
    right.send({ type: 'hello', token: AYSE_TOKEN, after: '' });
    const refusal = await right.nextOf('error');
    expect(refusal).toMatchObject({ code: 'too-many-failures' });
    expect((await right.closed).code).toBe(4429);
  });
});
