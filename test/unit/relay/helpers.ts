// Shared fixtures for the relay tests: a valid config, known tokens, log capture, temp files and a
// WebSocket client that waits for messages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { parseConfig, type RelayConfig } from '../../../relay/server/config.ts';
import type { ServerMessage } from '../../../shared/protocol.ts';

export const SECRET = 'test-pbx-secret-0123456789';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const AYSE_TOKEN = 'test-token-ayse-0123456789';
export const MEHMET_TOKEN = 'test-token-mehmet-0123456789';

export const LOGO_SAMPLE = {
  callUniqueId: 'A000001',
  extension: '911',
  agentId: '911',
  callerId: '05334979714',
  keypress: '1',
};

export function rawConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    pbx: { secret: SECRET },
    adminToken: ADMIN_TOKEN,
    // Calls in memory, agents in the JSON state file: no test shares a database file by accident.
    // (A config with the older top-level `redis` key means Redis.)
    ...(extra.redis === undefined ? { store: { kind: 'memory' } } : {}),
    agents: [
      { user: 'ayse', name: 'Ayşe Yılmaz', extensions: ['911'], agentIds: ['911'], token: AYSE_TOKEN },
      { user: 'mehmet', name: 'Mehmet Kaya', extensions: ['912'], token: MEHMET_TOKEN },
    ],
    ...extra,
  };
}

export function testConfig(extra: Record<string, unknown> = {}, baseDir = tmpdir()): RelayConfig {
  return parseConfig(rawConfig(extra), baseDir);
}

/** A log destination that keeps every JSON line. */
export function captureLog() {
  const lines: string[] = [];
  return {
    stream: { write: (line: string) => void lines.push(line) },
    text: () => lines.join(''),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A temp directory removed by `cleanup()`. */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'screenpop-relay-'));
  return {
    dir,
    write(name: string, content: string) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A controllable clock. */
export function fakeClock(start = Date.UTC(2024, 4, 27, 9, 35)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** A `ws` client that queues the server's messages so a test can await them in order. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  private read = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly ws: WebSocket;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.wake();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve();
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message not yet read, waiting up to `timeoutMs`. */
  async next(timeoutMs = 2000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.read >= this.messages.length) {
      if (this.ws.readyState === WebSocket.CLOSED)
        throw new Error('socket closed while waiting for a message');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages[this.read++] as ServerMessage;
  }

  /** Reads messages until one of `type` arrives (others are skipped), e.g. past heartbeats. */
  async nextOf<T extends ServerMessage['type']>(
    type: T,
    timeoutMs = 2000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    for (;;) {
      const message = await this.next(timeoutMs);
      if (message.type === type) return message as Extract<ServerMessage, { type: T }>;
    }
  }

  /** Messages that arrive within `ms`, for asserting that nothing (more) comes. */
  async drain(ms: number): Promise<ServerMessage[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const rest = this.messages.slice(this.read);
    this.read = this.messages.length;
    return rest;
  }

  close(): void {
    this.ws.close();
  }
}

// --- Delivery (long-poll, SSE, ring groups, token revocation) ---

/** A ring group: two agents on extension 900, each with their own agent id. */
export const RING_A_TOKEN = 'test-token-ring-a-0123456789';
export const RING_B_TOKEN = 'test-token-ring-b-0123456789';
export const RING_GROUP_AGENTS = [
  { user: 'zeynep', name: 'Zeynep Ak', extensions: ['900'], agentIds: ['900a'], token: RING_A_TOKEN },
  { user: 'emre', name: 'Emre Can', extensions: ['900'], agentIds: ['900b'], token: RING_B_TOKEN },
];

/** An agent directory a test can change, to drive revocation and mapping changes. */
export class MutableAgents {
  private readonly listeners = new Set<() => void>();
  constructor(public agents: import('../../../relay/server/config.ts').AgentConfig[]) {}
  byToken(token: string) {
    return this.agents.find((a) => a.token === token);
  }
  list() {
    return [...this.agents];
  }
  onChange(listener: () => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  /** Replaces the agents and tells the listeners, as the admin API does. */
  set(agents: import('../../../relay/server/config.ts').AgentConfig[]) {
    this.agents = agents;
    for (const l of this.listeners) l();
  }
}

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads a `text/event-stream` response frame by frame (comments included, for heartbeats). */
export class SseClient {
  readonly frames: SseFrame[] = [];
  status = 0;
  headers: Headers | undefined;
  private read = 0;
  private waiters: (() => void)[] = [];
  private ended = false;
  private request: import('node:http').ClientRequest | undefined;
  private closing = false;
  readonly done: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.done = this.run(url, headers).catch(() => {});
  }

  // node:http rather than fetch: fetch's pool opens a spare connection after an abort, which
  // then holds up the server's close for seconds.
  private async run(url: string, headers: Record<string, string>) {
    const { request } = await import('node:http');
    try {
      await new Promise<void>((resolve, reject) => {
        const req = request(url, { headers, agent: false }, (res) => {
          this.status = res.statusCode ?? 0;
          this.headers = new Headers(
            Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
          );
          res.setEncoding('utf8');
          let buffer = '';
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let end = buffer.indexOf('\n\n');
            while (end >= 0) {
              this.push(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
              end = buffer.indexOf('\n\n');
            }
          });
          res.on('end', resolve);
          res.on('close', resolve);
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
        this.request = req;
        if (this.closing) req.destroy();
      });
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private push(block: string) {
    const frame: SseFrame = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) frame.comment = line.slice(1).trim();
      const m = /^(id|event|data): ?(.*)$/.exec(line);
      if (m?.[1] === 'id' || m?.[1] === 'event' || m?.[1] === 'data') frame[m[1]] = m[2];
    }
    if (Object.keys(frame).length) this.frames.push(frame);
    this.wake();
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The next frame, skipping comments unless `comments`; throws after `timeoutMs` or at the end. */
  async next(timeoutMs = 2000, comments = false): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.frames.length) {
        const frame = this.frames[this.read++] as SseFrame;
        if (comments || frame.comment === undefined || frame.event) return frame;
      }
      if (this.ended) throw new Error('event stream ended while waiting for a frame');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** True once the server ended the stream (or the request failed). */
  get isEnded(): boolean {
    return this.ended;
  }

  close() {
    this.closing = true;
    this.request?.destroy();
  }
}

export interface DeliveryRelayOptions {
  agents?: MutableAgents;
  capacityPerKey?: number;
  heartbeatMs?: number;
  longPollMs?: number;
  maxConnectionsPerAgent?: number;
  logger?: { stream: { write(line: string): void } };
  metrics?: import('../../../relay/http/metrics.ts').Metrics;
}

/** A relay on a real port for the delivery tests; `close()` it in afterEach. */
export async function startDeliveryRelay(options: DeliveryRelayOptions = {}) {
  const { buildApp } = await import('../../../relay/server/app.ts');
  const agents =
    options.agents ??
    new MutableAgents(
      [
        ...(rawConfig().agents as import('../../../relay/server/config.ts').AgentConfig[]),
        ...RING_GROUP_AGENTS,
      ].map((a) => ({ ...a, agentIds: a.agentIds ?? [] })),
    );
  const config = testConfig({
    log: { capacityPerKey: options.capacityPerKey ?? 100 },
    delivery: { maxConnectionsPerAgent: options.maxConnectionsPerAgent ?? 5 },
  });
  const app = buildApp({
    config,
    agents,
    logger: options.logger ?? false,
    heartbeatMs: options.heartbeatMs,
    longPollMs: options.longPollMs ?? 2000,
    metrics: options.metrics,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `127.0.0.1:${(app.server.address() as import('node:net').AddressInfo).port}`;
  const clients: { close(): void }[] = [];
  return {
    app,
    agents,
    base,
    http: `http://${base}`,
    /** A WebSocket that said hello; resolves after the first answer (welcome or error). */
    async hello(token: string, after = '') {
      const client = new TestClient(`ws://${base}/v1/stream`);
      clients.push(client);
      await client.opened();
      client.send({ type: 'hello', token, after });
      const welcome = await client.next();
      return { client, welcome };
    },
    sse(path = '/v1/sse', headers: Record<string, string> = {}) {
      const client = new SseClient(`http://${base}${path}`, headers);
      clients.push(client);
      return client;
    },
    /** A generic-format call; resolves with the event id the relay answered. */
    async post(event: Record<string, unknown>): Promise<string> {
      const res = await fetch(`http://${base}/v1/calls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ state: 'ringing', callerId: '05334979714', ...event }),
      });
      if (res.status !== 200) throw new Error(`POST /v1/calls: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    async close() {
      for (const c of clients.splice(0)) c.close();
      await app.close();
    },
  };
}
