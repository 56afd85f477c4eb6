// `GET /readyz`: whether this instance can serve agents and accept calls now, for a load balancer
// or orchestrator. `/healthz` (contactsRoute.ts) only says the process answers; this one also
// checks the event log (a shared store answers and its live signal is up).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ErrorBody } from '../../shared/wire/common.ts';
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
    200: Type.Object({ ok: Type.Literal(true), log: Type.String({ description: 'the kind of event log' }) }),
    503: ErrorBody,
  },
};

export function registerHealth(app: FastifyInstance, options: { eventLog: EventLog }): void {
  const { eventLog } = options;
  app.get('/readyz', { schema: READY_SCHEMA }, async (_request, reply) => {
    const log = eventLog.kind ?? 'custom';
    if (!eventLog.check) return { ok: true as const, log };
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
      return { ok: true as const, log };
    } catch (error) {
      return sendError(reply, 503, { error: 'not-ready', reason: `${log}: ${(error as Error).message}` });
    } finally {
      clearTimeout(timer);
    }
  });
}
