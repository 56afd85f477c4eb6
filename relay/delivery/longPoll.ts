// `GET /v1/events?after=CURSOR`: the long-poll fallback for networks that break WebSockets.
// Answers at once when events after the cursor exist, else holds the request until one arrives or
// `waitMs` passes. Answer: `{ events, cursor, resync }`; the client polls again with `cursor`, which
// is the id of the last event returned (or, with none, a cursor just as good as the one it sent).
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { CallEvent } from '../../shared/callEvent.ts';
import { CallEventSchema } from '../../shared/wire/callEvent.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import { agentOf, cursorOf, requireAgent, tooManyConnections } from '../agents/agentRequest.ts';
import { unauthorized } from '../http/httpErrors.ts';
import { AGENT_AUTH, CURSOR_QUERY, refusals } from '../http/routeDocs.ts';
import type { EventLog } from '../store/eventLog.ts';
import { AgentFeed } from './agentFeed.ts';
import type { EndReason, SessionRegistry } from './sessions.ts';

/** The longest a poll is held; below common proxy idle timeouts (30–60 s). */

export const EventsPageSchema = Type.Object({
  events: Type.Array(CallEventSchema, { description: 'After the cursor, oldest first.' }),
  cursor: Type.String({ description: 'Pass as `after` in the next poll.' }),
  resync: Type.Boolean({ description: 'True when events after `after` were already dropped: a gap.' }),
});
export type EventsPage = Static<typeof EventsPageSchema>;

const EVENTS_SCHEMA = {
  summary: "Long-poll: the agent's events after the cursor, waiting up to 25 s for one",
  operationId: 'pollEvents',
  tags: ['agent'],
  security: AGENT_AUTH,
  querystring: Type.Object(CURSOR_QUERY),
  response: { 200: EventsPageSchema, ...refusals(400, 401, 429) },
};

export interface LongPollOptions {
  agents: AgentDirectory;
  eventLog: EventLog;
  sessions: SessionRegistry;
  maxPerAgent: number;
  waitMs: number;
}

export function registerLongPoll(app: FastifyInstance, options: LongPollOptions): void {
  /** Polls being held, so shutdown answers them instead of waiting out their timers. */
  const held = new Set<(why: EndReason) => void>();
  app.addHook('preClose', async () => {
    for (const settle of [...held]) settle('shutdown');
  });

  app.get(
    '/v1/events',
    { onRequest: requireAgent(options.agents), schema: EVENTS_SCHEMA },
    async (request, reply) => {
      const after = cursorOf(request, reply);
      if (after === null) return reply;
      const agent = agentOf(request);
      const token = request.agentToken;
      reply.header('Cache-Control', 'no-store');

      let outcome: EndReason | 'answer' | null = null;
      let wake = () => {};
      const settle = (why: EndReason | 'answer') => {
        if (outcome) return;
        outcome = why;
        // Closed at once, so no event is added to the page after it was taken.
        feed.close();
        wake();
      };
      const session = options.sessions.open({
        agent,
        token,
        transport: 'longpoll',
        remoteAddress: request.ip,
        end: settle,
      });
      if (!session) return tooManyConnections(reply, agent.user, options.maxPerAgent);

      const events: CallEvent[] = [];
      let resync = false;
      let started = false;
      const feed = new AgentFeed(options.eventLog, agent, {
        event: (event) => {
          events.push(event);
          session.sent(event);
          // Events that arrive together (a burst, a ring group) go in one answer.
          if (started) setImmediate(() => settle('answer'));
        },
        resync: () => {
          resync = true;
        },
        // Answer what was delivered; the next poll re-reads from its cursor.
        failed: () => settle('answer'),
      });
      try {
        await feed.start(after, await options.eventLog.head());
        started = true;
        if (events.length) settle('answer');
        if (!outcome) await hold();
        if (outcome === 'revoked') return unauthorized(reply, 'agent token revoked');
        const page: EventsPage = { events, cursor: feed.cursor, resync };
        return page;
      } finally {
        feed.close();
        session.close();
      }

      /** Waits for an event, the timeout, the client leaving, revocation or shutdown. */
      async function hold(): Promise<void> {
        const gone = () => settle('answer');
        const timer = setTimeout(gone, options.waitMs);
        reply.raw.on('close', gone);
        // Gone already (while the log was read): its 'close' has fired, nothing would end the wait.
        if (request.raw.socket?.destroyed) gone();
        held.add(settle);
        try {
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (outcome) resolve();
          });
        } finally {
          clearTimeout(timer);
          reply.raw.off('close', gone);
          held.delete(settle);
        }
      }
    },
  );
}
