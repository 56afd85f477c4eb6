// The service worker's link to the relay: one WebSocket, authenticated by the first message,
// resumed from the persisted cursor, watched for silence and reconnected with capped backoff.
// Nothing here must survive a worker restart: the cursor lives in storage, and the 30 s alarm
// calls `ensure()` on a fresh instance after the browser stopped the worker.
import type { CallEvent } from '../shared/callEvent.ts';
import type { ConnectionStatus } from '../shared/messages.ts';
import { type ClientMessage, type ServerMessage, STALE_AFTER_MS } from '../shared/protocol.ts';

export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

export interface ConnectionDeps {
  url: string;
  token: string;
  openSocket: (url: string) => SocketLike;
  loadCursor: () => Promise<string>;
  saveCursor: (cursor: string) => Promise<void>;
  /** Handles one event; the cursor advances only after it resolves. */
  onEvent: (event: CallEvent) => Promise<void>;
  onStatus: (status: ConnectionStatus) => void;
  log?: (msg: string, extra?: unknown) => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
}

const OPEN = 1;
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
const CLOSE_UNAUTHORIZED = 4401;

export class RelayConnection {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: unknown = null;
  private staleTimer: unknown = null;
  private stopped = false;
  private unauthorized = false;
  private lastMessageAt = 0;
  /** Events are applied one at a time, in order, so the cursor never skips one. */
  private chain: Promise<void> = Promise.resolve();
  private status: ConnectionStatus = { state: 'connecting' };

  constructor(private readonly deps: ConnectionDeps) {}

  /** Connects unless a socket is open or being opened. Safe to call often (alarm, messages). */
  ensure(): void {
    if (this.stopped || this.unauthorized) return;
    if (this.socket || this.retryTimer) return;
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    this.clear(this.retryTimer);
    this.clear(this.staleTimer);
    this.retryTimer = this.staleTimer = null;
    this.socket?.close(1000, 'settings changed');
    this.socket = null;
  }

  get current(): ConnectionStatus {
    return this.status;
  }

  /** Resolves when every event received so far has been applied. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async open(): Promise<void> {
    this.setStatus({ state: 'connecting' });
    const after = await this.deps.loadCursor();
    if (this.stopped || this.socket) return;
    let socket: SocketLike;
    try {
      socket = this.deps.openSocket(this.deps.url);
    } catch (err) {
      this.retry(`cannot open socket: ${String(err)}`);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.send({ type: 'hello', token: this.deps.token, after });
      this.touch();
    };
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onerror = () => {};
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clear(this.staleTimer);
      if (ev.code === CLOSE_UNAUTHORIZED) {
        // Retrying a rejected token only hammers the relay; wait for new settings.
        this.unauthorized = true;
        this.setStatus({ state: 'unauthorized', reason: ev.reason || 'agent token rejected' });
        return;
      }
      this.retry(ev.reason || `socket closed (${ev.code})`);
    };
  }

  private receive(data: unknown): void {
    this.touch();
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(data)) as ServerMessage;
    } catch {
      this.deps.log?.('relay sent a message that is not JSON');
      return;
    }
    switch (msg.type) {
      case 'welcome':
        this.attempt = 0;
        this.setStatus({
          state: 'connected',
          user: msg.user,
          name: msg.name,
          extensions: msg.extensions,
          agentIds: msg.agentIds,
          // The welcome is a message too: "last heard from the relay" is now, not at the next heartbeat.
          lastMessageAt: new Date(this.lastMessageAt).toISOString(),
        });
        // A first connection starts from now: keep the relay's head so a later restart resumes there.
        this.enqueue(async () => {
          if (!(await this.deps.loadCursor())) await this.deps.saveCursor(msg.cursor);
        });
        break;
      case 'call':
        this.enqueue(async () => {
          await this.deps.onEvent(msg.event);
          await this.deps.saveCursor(msg.event.id);
        });
        break;
      case 'resync':
        this.deps.log?.('relay log no longer holds our cursor; some calls may be missing', msg.cursor);
        break;
      case 'error':
        this.deps.log?.('relay refused the stream', msg.reason);
        break;
      default:
        break;
    }
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain.then(job).catch((err) => this.deps.log?.('event handling failed', String(err)));
  }

  private touch(): void {
    const now = this.deps.now ?? Date.now;
    this.lastMessageAt = now();
    if (this.status.state === 'connected')
      this.status.lastMessageAt = new Date(this.lastMessageAt).toISOString();
    this.clear(this.staleTimer);
    // Silence longer than the heartbeat allows means a dead path (NAT, sleep): start over.
    this.staleTimer = this.timer(() => {
      this.deps.log?.('relay silent too long; reconnecting');
      const s = this.socket;
      this.socket = null;
      s?.close(4000, 'stale');
      this.retry('no heartbeat from relay');
    }, STALE_AFTER_MS);
  }

  private retry(reason: string): void {
    if (this.stopped || this.retryTimer) return;
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 30_000;
    // Jitter spreads a call centre's reconnects after a relay restart.
    const delay = Math.round(base * (0.8 + 0.4 * (this.deps.random ?? Math.random)()));
    this.attempt++;
    this.setStatus({ state: 'offline', reason });
    this.retryTimer = this.timer(() => {
      this.retryTimer = null;
      this.ensure();
    }, delay);
  }

  private send(msg: ClientMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(msg));
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.deps.onStatus(status);
  }

  private timer(fn: () => void, ms: number): unknown {
    return (this.deps.setTimer ?? setTimeout)(fn, ms);
  }

  private clear(handle: unknown): void {
    if (handle) (this.deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(handle);
  }
}
