// `GET /readyz`: whether this instance can serve agents and accept calls now, for a load balancer
// or orchestrator. `/healthz` (contactsRoute.ts) only says the process answers; this one also
// checks the event log (a shared store answers and its live signal is up).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ErrorBody } from '../../shared/wire/common.ts';
import type { SourceSet } from '../contacts/sources/sourceSet.ts';
import { sendError } from '../http/httpErrors.ts';
import { NO_AUTH } from '../http/routeDocs.ts';
import type { EventLog } from '../store/eventLog.ts';

/** A check that hangs is a failed check: the balancer must hear back quickly. */
export const READY_TIMEOUT_MS = 2_000;

const READY_SCHEMA = {
  summary: 'Readiness: this instance can serve agents and accept calls (its event log answers)',
  operationId: 'ready',
  tags: ['operations'],
  security: NO_AUTH,
  response: {
    200: Type.Object({
      ok: Type.Literal(true),
      log: Type.String({ description: 'the kind of event log' }),
      contactSources: Type.Optional(
        Type.Array(
          Type.Object({
            name: Type.String(),
            kind: Type.String(),
            ok: Type.Boolean({ description: 'false until a poll succeeded and while the last one failed' }),
            contacts: Type.Integer(),
            changes: Type.Integer(),
            deletions: Type.Integer(),
            lastSuccessAt: Type.Optional(Type.String()),
            lastError: Type.Optional(Type.String()),
            lastErrorAt: Type.Optional(Type.String()),
          }),
          {
            description:
              "With `contacts.sources`: each source's state. A failing source does not make the relay unready: calls still pop with the contacts it had.",
          },
        ),
      ),
    }),
    503: ErrorBody,
  },
};

export function registerHealth(
  app: FastifyInstance,
  options: { eventLog: EventLog; sources?: SourceSet | null },
): void {
  const { eventLog, sources } = options;
  app.get('/readyz', { schema: READY_SCHEMA }, async (_request, reply) => {
    const log = eventLog.kind ?? 'custom';
    const ready = () => ({
      ok: true as const,
      log,
      ...(sources ? { contactSources: sources.states() } : {}),
    });
    if (!eventLog.check) return ready();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        eventLog.check(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
            READY_TIMEOUT_MS,
          );
        }),
      ]);
      return ready();
    } catch (error) {
      return sendError(reply, 503, { error: 'not-ready', reason: `${log}: ${(error as Error).message}` });
    } finally {
      clearTimeout(timer);
    }
  });
}
