// `GET /v1/sse`: the agent's call feed as Server-Sent Events, for consumers other than the
// extension (a CRM server, a wallboard, curl). Resume with `Last-Event-ID` (an EventSource sends it
// on its own reconnects) or `?after=`. Frames:
//   event: welcome  data: {user,name,extensions,agentIds,cursor}   (id: cursor when starting from now)
//   event: resync   data: {cursor}                                  (the cursor was older than the log)
//   event: contacts data: {}                                        (the contact feed moved: sync now)
//   id: <event id>  event: call  data: <CallEvent>
//   event: error    data: {code,reason}                             (then the stream ends)
//   ": heartbeat <time>" comments every heartbeatMs, which keep proxies from closing an idle stream.

import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import { agentOf, cursorOf, requireAgent, tooManyConnections } from '../agents/agentRequest.ts';
import type { FeedSignal } from '../contacts/feedSignal.ts';
import type { Clock } from '../http/clock.ts';
import { AGENT_AUTH, CURSOR_QUERY, refusals } from '../http/routeDocs.ts';
import type { EventLog } from '../store/eventLog.ts';
import { AgentFeed } from './agentFeed.ts';
import type { EndReason, SessionRegistry } from './sessions.ts';
import { MAX_BUFFERED_BYTES } from './stream.ts';

/** How long an EventSource waits before reconnecting, in ms (the `retry:` field). */
export const SSE_RETRY_MS = 2_000;

export interface SseOptions {
  agents: AgentDirectory;
  eventLog: EventLog;
  sessions: SessionRegistry;
  clock: Clock;
  heartbeatMs: number;
  maxPerAgent: number;
  /** Raised when the contact feed moved: the stream sends `event: contacts`. */
  contactsMoved?: FeedSignal;
}

const END_ERROR: Record<EndReason, { code: string; reason: string }> = {
  revoked: { code: 'unauthorized', reason: 'agent token revoked' },
  changed: { code: 'mapping-changed', reason: 'agent mapping changed: reconnect' },
  shutdown: { code: 'shutting-down', reason: 'relay shutting down: reconnect' },
};

const SSE_SCHEMA = {
  summary: "The agent's call feed as Server-Sent Events",
  description:
    'Frames: `welcome`, `resync`, `call` (id: event id, data: CallEvent), `contacts` (the contact feed moved: sync now) and `error` (then the stream ends). Resume with `Last-Event-ID` or `?after=`.',
  operationId: 'streamEvents',
  tags: ['agent'],
  security: AGENT_AUTH,
  querystring: Type.Object({
    ...CURSOR_QUERY,
    token: Type.Optional(
      Type.String({ description: 'The agent token, for EventSource (prefer the header).' }),
    ),
  }),
  produces: ['text/event-stream'],
  response: {
    200: Type.String({ description: 'text/event-stream' }),
    ...refusals(400, 401, 429),
  },
};

/** One SSE frame. Data is JSON, which has no raw newlines, so it is always a single `data:` line. */
export function sseFrame(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The response's headers so far (CORS from the onRequest hook), for a hijacked reply. */
function headersOf(reply: FastifyReply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) out[k] = String(v);
  return out;
}

export function registerSse(app: FastifyInstance, options: SseOptions): void {
  const open = new Set<ServerResponse>();
  // Open streams would hold the server's close forever; end them first.
  app.addHook('preClose', async () => {
    for (const res of [...open]) res.end();
  });

  const onRequest = requireAgent(options.agents, { queryToken: true });
  app.get('/v1/sse', { onRequest, schema: SSE_SCHEMA }, async (request, reply) => {
    const after = cursorOf(request, reply, 'last-event-id');
    if (after === null) return reply;
    const agent = agentOf(request);
    const token = request.agentToken;
    const res = reply.raw;
    let feed: AgentFeed | undefined;
    const write = (text: string) => {
      if (res.writableEnded || res.destroyed) return;
      // A consumer this far behind is not reading: drop it; it resumes with Last-Event-ID.
      if (res.writableLength > MAX_BUFFERED_BYTES) return void res.destroy();
      res.write(text);
    };
    const session = options.sessions.open({
      agent,
      token,
      transport: 'sse',
      remoteAddress: request.ip,
      end: (why) => {
        write(sseFrame('error', END_ERROR[why]));
        res.end();
      },
    });
    if (!session) return tooManyConnections(reply, agent.user, options.maxPerAgent);

    reply.hijack();
    res.writeHead(200, {
      ...headersOf(reply),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    open.add(res);
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let unsubscribe: (() => void) | undefined;
    const cleanup = () => {
      open.delete(res);
      clearInterval(heartbeat);
      unsubscribe?.();
      feed?.close();
      session.close();
    };
    res.on('close', cleanup);
    // A client gone while its token was being checked would never fire 'close' again.
    if (request.raw.socket?.destroyed) cleanup();

    try {
      feed = new AgentFeed(options.eventLog, agent, {
        event: (event) => {
          write(sseFrame('call', event, event.id));
          session.sent(event);
        },
        resync: () => write(sseFrame('resync', { cursor })),
        failed: (error) => {
          request.log.error({ err: error }, 'sse: re-reading the log failed');
          res.end();
        },
      });
      const cursor = await options.eventLog.head();
      const welcome = {
        user: agent.user,
        name: agent.name,
        extensions: agent.extensions,
        agentIds: agent.agentIds,
      };
      // Starting from now, the welcome carries the head as its id: an EventSource that reconnects
      // before any call then resumes from here instead of from "now" again, which would skip calls.
      write(
        `retry: ${SSE_RETRY_MS}\n${sseFrame('welcome', { ...welcome, cursor }, after === '' ? cursor : undefined)}`,
      );
      await feed.start(after, cursor);
      heartbeat = setInterval(
        () => write(`: heartbeat ${new Date(options.clock.now()).toISOString()}\n\n`),
        options.heartbeatMs,
      );
      unsubscribe = options.contactsMoved?.subscribe(() => write(sseFrame('contacts', {})));
      if (res.destroyed || res.writableEnded) {
        clearInterval(heartbeat);
        unsubscribe?.();
      }
    } catch (error) {
      request.log.error({ err: error }, 'sse: failed');
      res.end();
    }
  });
}
