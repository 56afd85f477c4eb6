// Shared fixtures for the relay tests: a valid config, known tokens, log capture, temp files and a
// WebSocket client that waits for messages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { parseConfig, type RelayConfig } from '../../../relay/config.ts';
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
