// `GET /readyz`: whether this instance can serve agents and accept calls now, for a load balancer
// or orchestrator. `/healthz` (contactsRoute.ts) only says the process answers; this one also
// checks the event log (Redis answers PING and the live-signal subscription is up).
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http/httpErrors.ts';
import type { EventLog } from '../store/eventLog.ts';

/** A check that hangs is a failed check: the balancer must hear back quickly. */
export const READY_TIMEOUT_MS = 2_000;

export function registerHealth(app: FastifyInstance, options: { eventLog: EventLog }): void {
  const { eventLog } = options;
  app.get('/readyz', async (_request, reply) => {
    const log = eventLog.kind ?? 'custom';
    if (!eventLog.check) return { ok: true, log };
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
      return { ok: true, log };
    } catch (error) {
      return sendError(reply, 503, { error: 'not-ready', reason: `${log}: ${(error as Error).message}` });
    } finally {
      clearTimeout(timer);
    }
  });
}
