// `GET /v1/stream`: the agent's live call feed over WebSocket (protocol in shared/protocol.ts).
// A browser cannot send headers on a WebSocket, so the token comes in the first message.
// Delivery order: welcome, replay of what the agent missed, then live events. The subscription
// starts before the replay is read, and live events are buffered until the replay is sent, so an
// event appended meanwhile is neither lost nor sent twice.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { CallEvent } from '../shared/callEvent.ts';
import { CLOSE_UNAUTHORIZED, type ClientMessage, type ServerMessage } from '../shared/protocol.ts';
import type { AgentDirectory } from './agentDirectory.ts';
import type { Clock } from './clock.ts';
import type { AgentConfig } from './config.ts';
import type { EventLog } from './eventLog.ts';
import { sendError } from './httpErrors.ts';
import type { Presence } from './presence.ts';
import { agentKeys, routesTo } from './routing.ts';

/** Close code when no hello arrived in time (shared/protocol.ts has none for this yet). */
export const CLOSE_AUTH_TIMEOUT = 4408;
/** Client messages are tiny; anything bigger is an attack or a bug. */
export const MAX_CLIENT_MESSAGE = 4096;

export interface StreamOptions {
  agents: AgentDirectory;
  eventLog: EventLog;
  clock: Clock;
  heartbeatMs: number;
  authTimeoutMs: number;
  presence?: Presence;
}

type Parsed = { ok: true; message: ClientMessage } | { ok: false; reason: string };

export function parseClientMessage(data: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return { ok: false, reason: 'message is not valid JSON' };
  }
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'message must be a JSON object' };
  const m = raw as Record<string, unknown>;
  if (m.type === 'ping') return { ok: true, message: { type: 'ping' } };
  if (m.type !== 'hello') return { ok: false, reason: 'type must be hello or ping' };
  if (typeof m.token !== 'string' || m.token.length > 256)
    return { ok: false, reason: 'hello.token must be a string' };
  const after = m.after ?? '';
  if (typeof after !== 'string' || after.length > 128)
    return { ok: false, reason: 'hello.after must be a string' };
  return { ok: true, message: { type: 'hello', token: m.token, after } };
}

function serve(
  socket: WebSocket,
  log: FastifyBaseLogger,
  options: StreamOptions,
  remoteAddress?: string,
): void {
  let agent: AgentConfig | undefined;
  let sessionId: string | undefined;
  let helloSeen = false;
  let unsubscribe: (() => void) | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const send = (message: ServerMessage) => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(message));
    if (message.type === 'call' && sessionId)
      options.presence?.sent(sessionId, message.event.id, new Date(options.clock.now()).toISOString());
  };
  const heartbeatMessage = (): ServerMessage => ({
    type: 'heartbeat',
    at: new Date(options.clock.now()).toISOString(),
  });
  const refuse = (code: 'unauthorized' | 'auth-timeout', reason: string, closeCode: number) => {
    send({ type: 'error', code, reason });
    socket.close(closeCode, code);
  };
  const authTimer = setTimeout(
    () => refuse('auth-timeout', `no hello within ${options.authTimeoutMs} ms`, CLOSE_AUTH_TIMEOUT),
    options.authTimeoutMs,
  );

  const hello = async (token: string, after: string) => {
    const found = await options.agents.byToken(token);
    if (!found) {
      log.warn('stream: unknown agent token');
      return refuse('unauthorized', 'unknown agent token', CLOSE_UNAUTHORIZED);
    }
    clearTimeout(authTimer);
    agent = found;
    const me = found;
    sessionId = options.presence?.open({
      user: me.user,
      transport: 'ws',
      connectedAt: new Date(options.clock.now()).toISOString(),
      remoteAddress,
    });
    const pending: CallEvent[] = [];
    let live = false;
    unsubscribe = options.eventLog.subscribe((event) => {
      if (!routesTo(me, event)) return;
      if (live) send({ type: 'call', event });
      else pending.push(event);
    });
    const cursor = await options.eventLog.head();
    send({
      type: 'welcome',
      user: me.user,
      name: me.name,
      extensions: me.extensions,
      agentIds: me.agentIds,
      cursor,
    });
    const replay = await options.eventLog.readAfter(agentKeys(me), after);
    // The socket may have closed while the log answered; then there is no one to start a timer for.
    if (closed) return;
    if (replay.resync) send({ type: 'resync', cursor });
    const sent = new Set<string>();
    for (const event of replay.events) {
      sent.add(event.id);
      send({ type: 'call', event });
    }
    for (const event of pending) if (!sent.has(event.id)) send({ type: 'call', event });
    pending.length = 0;
    live = true;
    heartbeat = setInterval(() => send(heartbeatMessage()), options.heartbeatMs);
    log.info(
      { user: me.user, replayed: replay.events.length, resync: replay.resync },
      'stream: agent connected',
    );
  };

  const onMessage = async (data: string) => {
    const parsed = parseClientMessage(data);
    if (!parsed.ok) return send({ type: 'error', code: 'bad-request', reason: parsed.reason });
    const message = parsed.message;
    if (message.type === 'ping') {
      if (agent) return send(heartbeatMessage());
      return send({ type: 'error', code: 'bad-request', reason: 'send hello first' });
    }
    if (helloSeen) return send({ type: 'error', code: 'bad-request', reason: 'hello was already sent' });
    helloSeen = true;
    await hello(message.token, message.after);
  };

  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      send({ type: 'error', code: 'bad-request', reason: 'messages must be JSON text' });
      return;
    }
    onMessage(data.toString()).catch((error: unknown) => {
      log.error({ err: error }, 'stream: failed');
      socket.close(1011, 'internal error');
    });
  });
  socket.on('error', (error) => {
    // ws reports oversized or malformed frames here and closes with its own code.
    log.info({ err: error }, 'stream: socket error');
  });
  socket.on('close', (code) => {
    closed = true;
    clearTimeout(authTimer);
    if (heartbeat) clearInterval(heartbeat);
    unsubscribe?.();
    if (sessionId) options.presence?.close(sessionId);
    if (agent) log.info({ user: agent.user, code }, 'stream: agent disconnected');
  });
}

export function registerStream(app: FastifyInstance, options: StreamOptions): void {
  app.route({
    method: 'GET',
    url: '/v1/stream',
    // Someone trying the URL with curl or a browser learns what it is instead of a bare 404.
    handler: (_request, reply) =>
      sendError(reply, 426, {
        error: 'upgrade-required',
        reason: 'this is a WebSocket endpoint (shared/protocol.ts)',
      }),
    wsHandler: (socket, request) => serve(socket, request.log, options, request.ip),
  });
}
