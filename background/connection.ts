// The service worker's link to the relay: one stream at a time (WebSocket, else SSE, else
// long-poll: transports.ts), resumed from the persisted cursor, watched for silence and
// reconnected with capped backoff. Events are handled one at a time, in order, and the cursor moves
// past an event only once it was handled or durably marked failed, so nothing is skipped.
// Nothing here must survive a worker restart: the cursor lives in storage, and the 30 s alarm
// calls `ensure()` on a fresh instance after the browser stopped the worker.
import type { CallEvent } from '../shared/callEvent.ts';
import type { ConnectionStatus, TransportKind } from '../shared/messages.ts';
import { STALE_AFTER_MS } from '../shared/protocol.ts';
import type { SocketLike, Stop, StreamSink, Transport, Welcome } from './transports.ts';

export type { SocketLike } from './transports.ts';

export interface ConnectionDeps {
  /** Best first: WebSocket, SSE, long-poll. A transport that keeps failing hands over to the next. */
  transports: readonly Transport[];
  /** The transport to start with (the one this browser session last used). */
  initialTransport?: TransportKind;
  /** Opens a WebSocket only to see whether it can (the probe that brings a fallback back). */
  probeSocket?: () => SocketLike;
  loadCursor: () => Promise<string>;
  /** `at`: the relay time of the event the cursor names, when it is one. */
  saveCursor: (cursor: string, at?: string) => Promise<void>;
  /** Handles one event; the cursor advances only after it resolves. */
  onEvent: (event: CallEvent) => Promise<void>;
  /**
   * Handling kept failing: record the event as failed where the agent sees it. When this resolves
   * the cursor moves on; when it rejects too, the cursor stays and the stream restarts from it.
   */
  onEventFailed?: (event: CallEvent, error: string) => Promise<void>;
  /** The relay no longer holds what followed our cursor: calls may be missing. */
  onResync?: () => void;
  /** The relay says its contact feed moved. */
  onContactsMoved?: () => void;
  /** The stream now runs on `kind` (a fallback, or back to the WebSocket). */
  onTransport?: (kind: TransportKind, reason: string) => void;
  onStatus: (status: ConnectionStatus) => void;
  log?: (msg: string, extra?: unknown) => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
  /** Waits between attempts at one event; one attempt more than entries. */
  eventRetryMs?: readonly number[];
  /** How often a fallback checks whether the WebSocket works again. */
  probeMs?: number;
}

const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
/** Failures in a row (never welcomed, or dropped soon after) before the next transport is tried. */
export const FALLBACK_AFTER = 2;
/** A stream that ends sooner than this after it opened counts as a failure ("keeps dropping"). */
const DROP_WINDOW_MS = 60_000;
export const EVENT_RETRY_MS = [500, 2_000, 8_000];
export const PROBE_MS = 5 * 60_000;
const PROBE_TIMEOUT_MS = 10_000;

export class RelayConnection {
  private index: number;
  private stopActive: Stop | null = null;
  /** Bumped per started stream, so a stopped one's late callbacks change nothing. */
  private session = 0;
  private attempt = 0;
  private failures = 0;
  private openedAt = 0;
  private retryTimer: unknown = null;
  private staleTimer: unknown = null;
  private probeTimer: unknown = null;
  private stopped = false;
  private unauthorized = false;
  /** An event could be neither handled nor marked failed: nothing after it may move the cursor. */
  private broken = false;
  private lastMessageAt = 0;
  private welcome: Welcome | undefined;
  /** Events are applied one at a time, in order, so the cursor never skips one. */
  private chain: Promise<void> = Promise.resolve();
  private status: ConnectionStatus = { state: 'connecting' };

  constructor(private readonly deps: ConnectionDeps) {
    const i = deps.transports.findIndex((t) => t.kind === deps.initialTransport);
    this.index = Math.max(0, i);
  }

  /** Connects unless a stream is open or being opened. Safe to call often (alarm, messages). */
  ensure(): void {
    if (this.stopped || this.unauthorized) return;
    if (this.stopActive || this.retryTimer) return;
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    for (const t of [this.retryTimer, this.staleTimer, this.probeTimer]) this.clear(t);
    this.retryTimer = this.staleTimer = this.probeTimer = null;
    this.end(1000, 'settings changed');
  }

  get current(): ConnectionStatus {
    return this.status;
  }

  get transport(): TransportKind {
    return this.kind;
  }

  /** Resolves when every event received so far has been applied. */
  idle(): Promise<void> {
    return this.chain;
  }

  private get kind(): TransportKind {
    return this.deps.transports[this.index]?.kind ?? 'websocket';
  }

  private async open(): Promise<void> {
    const session = ++this.session;
    // Held by the marker so ensure() does not open a second stream while this one loads its cursor.
    this.stopActive = () => {};
    this.setStatus({ state: 'connecting', transport: this.kind });
    // Resume after what was handled, not after what was merely received.
    await this.chain;
    this.broken = false;
    const after = await this.deps.loadCursor();
    if (this.stopped || session !== this.session) return;
    const transport = this.deps.transports[this.index];
    if (!transport) return;
    this.openedAt = 0;
    this.stopActive = transport.start(after, this.sink(session));
    if (this.index > 0) this.scheduleProbe();
  }

  private sink(session: number): StreamSink {
    const live = () => session === this.session && !this.stopped;
    return {
      opened: (welcome) => {
        if (!live()) return;
        this.attempt = 0;
        this.openedAt = this.now();
        this.touch();
        if (welcome) this.welcome = welcome;
        const w = this.welcome;
        this.setStatus({
          state: 'connected',
          transport: this.kind,
          ...(w ? { user: w.user, name: w.name, extensions: w.extensions, agentIds: w.agentIds } : {}),
          // The welcome is a message too: "last heard from the relay" is now, not at the next heartbeat.
          lastMessageAt: new Date(this.lastMessageAt).toISOString(),
        });
        if (welcome) this.keepHead(welcome.cursor);
      },
      event: (event) => live() && this.enqueueEvent(event),
      resync: () => {
        if (!live()) return;
        this.deps.log?.('relay log no longer holds our cursor; some calls may be missing');
        this.deps.onResync?.();
      },
      contactsMoved: () => {
        if (live()) this.deps.onContactsMoved?.();
      },
      head: (cursor) => live() && this.keepHead(cursor),
      alive: () => live() && this.touch(),
      drained: () => this.chain,
      ended: (reason, unauthorized) => {
        if (!live()) return;
        this.stopActive = null;
        this.clear(this.staleTimer);
        if (unauthorized) {
          // Retrying a rejected token only hammers the relay; wait for new settings.
          this.unauthorized = true;
          this.setStatus({ state: 'unauthorized', reason: reason || 'agent token rejected' });
          return;
        }
        this.failed(reason);
      },
    };
  }

  /** A first connection starts from now: keep the relay's head so a later restart resumes there. */
  private keepHead(cursor: string): void {
    this.enqueue(async () => {
      if (!(await this.deps.loadCursor())) await this.deps.saveCursor(cursor);
    });
  }

  private enqueueEvent(event: CallEvent): void {
    this.enqueue(async () => {
      if (this.broken) return;
      const delays = this.deps.eventRetryMs ?? EVENT_RETRY_MS;
      for (let attempt = 0; ; attempt++) {
        try {
          await this.deps.onEvent(event);
          break;
        } catch (err) {
          this.deps.log?.(`handling event ${event.id} failed (attempt ${attempt + 1})`, String(err));
          const delay = delays[attempt];
          if (delay !== undefined) {
            await new Promise<void>((r) => this.timer(r, delay));
            continue;
          }
          if (await this.markFailed(event, String(err))) break;
          // Not even marked: hold the cursor here and replay from it on a new stream.
          this.broken = true;
          this.restart('event handling failed');
          return;
        }
      }
      await this.deps.saveCursor(event.id, event.at);
    });
  }

  private async markFailed(event: CallEvent, error: string): Promise<boolean> {
    if (!this.deps.onEventFailed) return false;
    try {
      await this.deps.onEventFailed(event, error);
      return true;
    } catch (err) {
      this.deps.log?.(`event ${event.id} could not be marked failed`, String(err));
      return false;
    }
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain.then(job).catch((err) => this.deps.log?.('event handling failed', String(err)));
  }

  private touch(): void {
    this.lastMessageAt = this.now();
    if (this.status.state === 'connected')
      this.status.lastMessageAt = new Date(this.lastMessageAt).toISOString();
    this.clear(this.staleTimer);
    // Silence longer than the heartbeat allows means a dead path (NAT, sleep, a buffering proxy).
    this.staleTimer = this.timer(() => {
      this.deps.log?.('relay silent too long; reconnecting');
      this.end(4000, 'stale');
      this.failed('no heartbeat from relay');
    }, STALE_AFTER_MS);
  }

  /** Stops the running stream; its late callbacks are ignored. */
  private end(code?: number, reason?: string): void {
    this.session++;
    const stop = this.stopActive;
    this.stopActive = null;
    this.clear(this.staleTimer);
    stop?.(code, reason);
  }

  /** Starts over on the same transport at once (not the transport's fault). */
  private restart(reason: string): void {
    this.end();
    this.retry(reason, 0);
  }

  private failed(reason: string): void {
    const early = !this.openedAt || this.now() - this.openedAt < DROP_WINDOW_MS;
    this.failures = early ? this.failures + 1 : 0;
    if (this.failures >= FALLBACK_AFTER && this.index < this.deps.transports.length - 1) {
      const from = this.kind;
      this.index++;
      this.failures = 0;
      this.attempt = 0;
      this.deps.log?.(`${from} keeps failing (${reason}); falling back to ${this.kind}`);
      this.deps.onTransport?.(this.kind, `${from}: ${reason}`);
      this.retry(reason, 0);
      return;
    }
    this.retry(reason);
  }

  private retry(reason: string, delayMs?: number): void {
    if (this.stopped || this.retryTimer) return;
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 30_000;
    // Jitter spreads a call centre's reconnects after a relay restart.
    const delay = delayMs ?? Math.round(base * (0.8 + 0.4 * (this.deps.random ?? Math.random)()));
    if (delayMs === undefined) this.attempt++;
    this.setStatus({ state: 'offline', reason, transport: this.kind });
    this.retryTimer = this.timer(() => {
      this.retryTimer = null;
      this.ensure();
    }, delay);
  }

  /** On a fallback, opens a bare WebSocket now and then; when it opens, the stream moves back. */
  private scheduleProbe(): void {
    if (this.probeTimer || !this.deps.probeSocket) return;
    this.probeTimer = this.timer(() => {
      this.probeTimer = null;
      if (this.stopped || this.index === 0) return;
      let socket: SocketLike;
      try {
        socket = this.deps.probeSocket?.() as SocketLike;
      } catch {
        return this.scheduleProbe();
      }
      let settled = false;
      const settle = (works: boolean) => {
        if (settled) return;
        settled = true;
        this.clear(timeout);
        socket.onopen = socket.onclose = socket.onerror = null;
        socket.close(1000, 'probe');
        if (!works || this.stopped || this.index === 0) return this.scheduleProbe();
        this.deps.log?.('the WebSocket works again; moving back to it');
        this.end();
        this.index = 0;
        this.failures = 0;
        this.attempt = 0;
        this.deps.onTransport?.(this.kind, 'probe succeeded');
        this.retry('moving back to the WebSocket', 0);
      };
      const timeout = this.timer(() => settle(false), PROBE_TIMEOUT_MS);
      socket.onopen = () => settle(true);
      socket.onclose = () => settle(false);
      socket.onerror = () => settle(false);
    }, this.deps.probeMs ?? PROBE_MS);
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.deps.onStatus(status);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private timer(fn: () => void, ms: number): unknown {
    return (this.deps.setTimer ?? setTimeout)(fn, ms);
  }

  private clear(handle: unknown): void {
    if (handle) (this.deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(handle);
  }
}
