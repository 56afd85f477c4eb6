// The three ways the relay delivers an agent's stream (relay/delivery/): WebSocket, Server-Sent
// Events and long-poll. Each only turns its wire format into calls on a `StreamSink`; which one
// runs, the cursor, the order of events and reconnecting are connection.ts's business. Network
// access comes in as `openSocket` and `fetch`, so each is tested without a relay.
import type { CallEvent } from '../shared/callEvent.ts';
import type { TransportKind } from '../shared/messages.ts';
import { CLOSE_UNAUTHORIZED, type ClientMessage, type ServerMessage } from '../shared/protocol.ts';

export type Welcome = Extract<ServerMessage, { type: 'welcome' }>;

export interface StreamSink {
  /** The relay accepted the token (WebSocket and SSE say who the agent is; long-poll does not). */
  opened(welcome?: Welcome): void;
  event(event: CallEvent): void;
  /** The cursor was from another log or older than what it keeps: calls may be missing. */
  resync(): void;
  /** The relay's contact feed moved: sync contacts now (WebSocket and SSE only). */
  contactsMoved?(): void;
  /** Where the relay's log is now, when the stream started from "now" and told no welcome cursor. */
  head(cursor: string): void;
  /** Anything arrived (heartbeats included): the path is alive. */
  alive(): void;
  /** Resolves when every event handed over so far was handled (long-poll waits before polling on). */
  drained(): Promise<void>;
  /** The stream ended by itself; `unauthorized` when the relay refused the token. Called once. */
  ended(reason: string, unauthorized?: boolean): void;
}

export interface Transport {
  readonly kind: TransportKind;
  /**
   * Starts delivering the events after `after` ('' = from now); answers a function that stops it
   * (a WebSocket closes with `code` and `reason`).
   */
  start(after: string, sink: StreamSink): Stop;
}

export type Stop = (code?: number, reason?: string) => void;

export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

const OPEN = 1;

/** `GET /v1/stream` (WebSocket): the token travels in the first message, never in the URL. */
export function webSocketTransport(
  url: string,
  token: string,
  openSocket: (url: string) => SocketLike,
): Transport {
  return {
    kind: 'websocket',
    start(after, sink) {
      let done = false;
      const end = (reason: string, unauthorized = false) => {
        if (done) return;
        done = true;
        sink.ended(reason, unauthorized);
      };
      let socket: SocketLike;
      try {
        socket = openSocket(url);
      } catch (err) {
        queueMicrotask(() => end(`cannot open socket: ${String(err)}`));
        return () => void (done = true);
      }
      const send = (msg: ClientMessage) => {
        if (socket.readyState === OPEN) socket.send(JSON.stringify(msg));
      };
      socket.onopen = () => {
        send({ type: 'hello', token, after });
        sink.alive();
      };
      socket.onerror = () => {};
      socket.onmessage = (ev) => {
        sink.alive();
        const msg = parse(ev.data);
        if (msg) deliver(msg, sink);
      };
      socket.onclose = (ev) => end(ev.reason || `socket closed (${ev.code})`, ev.code === CLOSE_UNAUTHORIZED);
      return (code = 1000, reason = 'client closed') => {
        done = true;
        socket.close(code, reason);
      };
    },
  };
}

function parse(data: unknown): ServerMessage | null {
  try {
    return JSON.parse(String(data)) as ServerMessage;
  } catch {
    return null;
  }
}

function deliver(msg: ServerMessage, sink: StreamSink): void {
  if (msg.type === 'welcome') sink.opened(msg);
  else if (msg.type === 'call') sink.event(msg.event);
  else if (msg.type === 'resync') sink.resync();
  else if (msg.type === 'contacts') sink.contactsMoved?.();
}

type Fetch = typeof fetch;

/**
 * `GET /v1/sse` read with fetch rather than EventSource: fetch can send the token as a header (an
 * EventSource would need it in the URL, which proxies log), and the cursor is ours to choose on
 * every reconnect instead of the browser's.
 */
export function sseTransport(base: string, token: string, fetchFn: Fetch): Transport {
  return {
    kind: 'sse',
    start(after, sink) {
      const abort = new AbortController();
      let done = false;
      const end = (reason: string, unauthorized = false) => {
        if (done) return;
        done = true;
        abort.abort();
        sink.ended(reason, unauthorized);
      };
      void (async () => {
        const res = await fetchFn(`${base}/v1/sse?after=${encodeURIComponent(after)}`, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal: abort.signal,
        });
        if (res.status === 401) return end('agent token rejected', true);
        if (!res.ok || !res.body) return end(`SSE answered ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done: over } = await reader.read();
          if (over) return end('SSE stream ended');
          sink.alive();
          buffer += value.replace(/\r\n?/g, '\n');
          for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
            const frame = parseFrame(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
            if (frame?.event === 'error') {
              const { code, reason } = (frame.data ?? {}) as { code?: string; reason?: string };
              return end(reason ?? 'relay ended the stream', code === 'unauthorized');
            }
            if (frame?.event === 'welcome')
              sink.opened({ type: 'welcome', ...(frame.data as object) } as Welcome);
            else if (frame?.event === 'call') sink.event(frame.data as CallEvent);
            else if (frame?.event === 'resync') sink.resync();
            else if (frame?.event === 'contacts') sink.contactsMoved?.();
          }
        }
      })().catch((err: unknown) => end(`SSE failed: ${String(err)}`));
      return () => {
        done = true;
        abort.abort();
      };
    },
  };
}

/** One SSE frame's event name and JSON data; comments (heartbeats) give null. */
export function parseFrame(text: string): { event: string; data: unknown } | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(':') || !line) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return null;
  try {
    return { event, data: JSON.parse(data.join('\n')) };
  } catch {
    return null;
  }
}

/** Longer than the relay holds a poll (25 s), so only a dead path times out. */
export const POLL_TIMEOUT_MS = 60_000;

interface EventsPage {
  events: CallEvent[];
  cursor: string;
  resync: boolean;
}

/** `GET /v1/events?after=`: one request per page, each held by the relay until an event arrives. */
export function longPollTransport(base: string, token: string, fetchFn: Fetch): Transport {
  return {
    kind: 'longpoll',
    start(after, sink) {
      let done = false;
      const abort = new AbortController();
      const end = (reason: string, unauthorized = false) => {
        if (done) return;
        done = true;
        abort.abort();
        sink.ended(reason, unauthorized);
      };
      void (async () => {
        let cursor = after;
        for (let first = true; !done; first = false) {
          const res = await fetchFn(`${base}/v1/events?after=${encodeURIComponent(cursor)}`, {
            headers: { Authorization: `Bearer ${token}` },
            cache: 'no-store',
            signal: AbortSignal.any([abort.signal, AbortSignal.timeout(POLL_TIMEOUT_MS)]),
          });
          if (res.status === 401) return end('agent token rejected', true);
          if (!res.ok) return end(`long-poll answered ${res.status}`);
          const page = (await res.json()) as EventsPage;
          if (done) return;
          sink.alive();
          if (first) sink.opened();
          if (page.resync) sink.resync();
          if (cursor === '' && !page.events.length) sink.head(page.cursor);
          for (const event of page.events) sink.event(event);
          // The next page starts after these: handle them first, so a failure replays from them.
          await sink.drained();
          cursor = page.cursor;
        }
      })().catch((err: unknown) => end(`long-poll failed: ${String(err)}`));
      return () => {
        done = true;
        abort.abort();
      };
    },
  };
}
