// `GET /v1/stream`: the agent's live call feed over WebSocket (protocol in shared/protocol.ts).
// A browser cannot send headers on a WebSocket, so the token comes in the first message.
// Delivery order: welcome, resync if the cursor is older than the log, the replay of what the agent
// missed, then live events; AgentFeed (delivery.ts) guarantees each once and in order.
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { WebSocket } from 'ws';
import {
  CLOSE_AUTH_TIMEOUT,
  CLOSE_GOING_AWAY,
  CLOSE_INTERNAL,
  CLOSE_MAPPING_CHANGED,
  CLOSE_TOO_MANY_CONNECTIONS,
  CLOSE_TOO_SLOW,
  CLOSE_UNAUTHORIZED,
  type ClientMessage,
  type ServerMessage,
} from '../../shared/protocol.ts';
import { ErrorBody } from '../../shared/wire/common.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import type { FeedSignal } from '../contacts/feedSignal.ts';
import type { AuthThrottle } from '../http/authThrottle.ts';
import type { Clock } from '../http/clock.ts';
import { sendError } from '../http/httpErrors.ts';
import type { Metrics } from '../http/metrics.ts';
import { NO_AUTH } from '../http/routeDocs.ts';
import type { EventLog } from '../store/eventLog.ts';
import type { Presence } from '../store/presence.ts';
import { AgentFeed } from './agentFeed.ts';
import { DEFAULT_MAX_CONNECTIONS_PER_AGENT } from './deliveryConfig.ts';
import { type AgentSession, type EndReason, SessionRegistry } from './sessions.ts';
import { originAllowed, PendingStreams } from './streamGate.ts';

/** Client messages are tiny; anything bigger is an attack or a bug. */
export const MAX_CLIENT_MESSAGE = 4096;
/** A client this far behind is not reading; it is closed and resumes from its cursor later. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface StreamOptions {
  agents: AgentDirectory;
  eventLog: EventLog;
  clock: Clock;
  heartbeatMs: number;
  authTimeoutMs: number;
  presence?: Presence;
  metrics?: Metrics;
  /** Shared with the other transports for the per-agent limit; one is made when absent. */
  sessions?: SessionRegistry;
  /** Web origins allowed besides extension pages (`delivery.allowedOrigins`). */
  allowedOrigins?: readonly string[];
  /** Sockets that have not said hello yet: in all and per client address. */
  maxPending?: number;
  maxPendingPerAddress?: number;
  contactsMoved?: FeedSignal;
}

interface Client {
  address: string;
  log: FastifyBaseLogger;
  throttle?: AuthThrottle;
  /** Frees this socket's place among those waiting for hello. */
  release: () => void;
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

const END_CLOSE: Record<EndReason, [number, string]> = {
  revoked: [CLOSE_UNAUTHORIZED, 'agent token revoked'],
  changed: [CLOSE_MAPPING_CHANGED, 'agent mapping changed: reconnect'],
  shutdown: [CLOSE_GOING_AWAY, 'relay shutting down'],
};

function serve(
  socket: WebSocket,
  client: Client,
  options: StreamOptions & { sessions: SessionRegistry },
): void {
  const { log, address: remoteAddress, throttle } = client;
  let session: AgentSession | undefined;
  let feed: AgentFeed | undefined;
  let helloSeen = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  let unsubscribe: (() => void) | undefined;

  const send = (message: ServerMessage) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(CLOSE_TOO_SLOW, 'client too slow: reconnect with your cursor');
      return;
    }
    socket.send(JSON.stringify(message));
    if (message.type === 'call') session?.sent(message.event);
  };
  const heartbeatMessage = (): ServerMessage => ({
    type: 'heartbeat',
    at: new Date(options.clock.now()).toISOString(),
  });
  const refuse = (
    code: 'unauthorized' | 'auth-timeout' | 'too-many-connections' | 'too-many-failures',
    reason: string,
    closeCode: number,
  ) => {
    send({ type: 'error', code, reason });
    socket.close(closeCode, code);
  };
  const authTimer = setTimeout(
    () => refuse('auth-timeout', `no hello within ${options.authTimeoutMs} ms`, CLOSE_AUTH_TIMEOUT),
    options.authTimeoutMs,
  );

  const hello = async (token: string, after: string) => {
    const wait = throttle?.check('agent', remoteAddress);
    if (throttle && wait && !wait.ok)
      return refuse(
        'too-many-failures',
        throttle.reason('agent', wait.retryAfterSeconds),
        CLOSE_TOO_MANY_CONNECTIONS,
      );
    const me = await options.agents.byToken(token);
    if (closed) return;
    if (!me) {
      log.warn('stream: unknown agent token');
      throttle?.failed('agent', remoteAddress);
      return refuse('unauthorized', 'unknown agent token', CLOSE_UNAUTHORIZED);
    }
    clearTimeout(authTimer);
    client.release();
    session =
      options.sessions.open({
        agent: me,
        token,
        transport: 'ws',
        remoteAddress,
        end: (why) => {
          const [code, reason] = END_CLOSE[why];
          if (why === 'revoked') send({ type: 'error', code: 'unauthorized', reason });
          socket.close(code, reason);
        },
      }) ?? undefined;
    if (!session) {
      log.warn({ user: me.user }, 'stream: too many connections for this agent');
      return refuse(
        'too-many-connections',
        `agent ${me.user} already has ${options.sessions.count(me.user)} connections`,
        CLOSE_TOO_MANY_CONNECTIONS,
      );
    }
    feed = new AgentFeed(options.eventLog, me, {
      event: (event) => send({ type: 'call', event }),
      resync: () => send({ type: 'resync', cursor }),
      failed: (error) => {
        log.error({ err: error }, 'stream: re-reading the log failed');
        socket.close(CLOSE_INTERNAL, 'event log unavailable: reconnect');
      },
    });
    const cursor = await options.eventLog.head();
    if (closed) return;
    send({
      type: 'welcome',
      user: me.user,
      name: me.name,
      extensions: me.extensions,
      agentIds: me.agentIds,
      cursor,
    });
    const replay = await feed.start(after, cursor);
    // The socket may have closed while the log answered; then there is no one to start a timer for.
    if (closed) return;
    heartbeat = setInterval(() => send(heartbeatMessage()), options.heartbeatMs);
    unsubscribe = options.contactsMoved?.subscribe(() => send({ type: 'contacts' }));
    log.info({ user: me.user, replayed: replay.replayed, resync: replay.resync }, 'stream: agent connected');
  };

  const onMessage = async (data: string) => {
    const parsed = parseClientMessage(data);
    if (!parsed.ok) return send({ type: 'error', code: 'bad-request', reason: parsed.reason });
    const message = parsed.message;
    if (message.type === 'ping') {
      if (session) return send(heartbeatMessage());
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
      socket.close(CLOSE_INTERNAL, 'internal error');
    });
  });
  socket.on('error', (error) => {
    // ws reports oversized or malformed frames here and closes with its own code.
    log.info({ err: error }, 'stream: socket error');
  });
  socket.on('close', (code) => {
    closed = true;
    client.release();
    clearTimeout(authTimer);
    if (heartbeat) clearInterval(heartbeat);
    unsubscribe?.();
    feed?.close();
    session?.close();
    if (session) log.info({ user: session.user, code }, 'stream: agent disconnected');
  });
}

export function registerStream(app: FastifyInstance, options: StreamOptions): void {
  let sessions = options.sessions;
  if (!sessions) {
    const own = new SessionRegistry({
      agents: options.agents,
      clock: options.clock,
      maxPerAgent: DEFAULT_MAX_CONNECTIONS_PER_AGENT,
      presence: options.presence,
      metrics: options.metrics,
    });
    app.addHook('onClose', async () => own.dispose());
    sessions = own;
  }
  const withSessions = { ...options, sessions };
  const pending = new PendingStreams(options.maxPending ?? 500, options.maxPendingPerAddress ?? 20);
  const allowed = options.allowedOrigins ?? [];
  // Before the upgrade: a page of another site gets a plain 403 and never a socket.
  const checkOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (originAllowed(origin, allowed)) return undefined;
    request.log.warn({ origin }, 'stream: origin refused');
    return sendError(reply, 403, {
      error: 'forbidden-origin',
      reason: `origin ${origin} may not open the agent stream (add it to delivery.allowedOrigins)`,
    });
  };
  app.route({
    method: 'GET',
    url: '/v1/stream',
    schema: {
      summary: 'The agent WebSocket: `hello {token, after}` first, then call events (shared/protocol.ts)',
      operationId: 'stream',
      tags: ['agent'],
      // The token travels in the first message: a browser WebSocket cannot send headers.
      security: NO_AUTH,
      response: {
        101: Type.Null({ description: 'switching protocols' }),
        403: ErrorBody,
        426: ErrorBody,
        429: ErrorBody,
      },
    },
    onRequest: checkOrigin,
    // Someone trying the URL with curl or a browser learns what it is instead of a bare 404.
    handler: (_request, reply) =>
      sendError(reply, 426, {
        error: 'upgrade-required',
        reason: 'this is a WebSocket endpoint (shared/protocol.ts)',
      }),
    wsHandler: (socket, request) => {
      const place = pending.admit(request.ip);
      if (!place.ok) {
        request.log.warn({ address: request.ip }, 'stream: too many sockets waiting for hello');
        const refusal: ServerMessage = { type: 'error', code: 'too-many-connections', reason: place.reason };
        socket.send(JSON.stringify(refusal));
        socket.close(CLOSE_TOO_MANY_CONNECTIONS, 'too-many-connections');
        return;
      }
      const client = {
        address: request.ip,
        log: request.log,
        throttle: request.server.authThrottle,
        release: place.release,
      };
      serve(socket, client, withSessions);
    },
  });
}
