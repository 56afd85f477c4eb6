// `POST /v1/pair`: an agent's browser trades the one-time pairing code the admin issued
// (`POST /v1/admin/agents/:user/pairing`) for its own agent token, so nobody has to copy a 43-
// character secret by hand. Unauthenticated by nature, so it is rate-limited per client address.
import type { FastifyInstance } from 'fastify';
import { MappingError } from '../../shared/agentMapping.ts';
import { redeemPairing } from '../agents/agentChanges.ts';
import type { ManagedAgentDirectory } from '../agents/agentDirectory.ts';
import type { Clock } from '../http/clock.ts';
import { cors, preflightFor } from '../http/cors.ts';
import { sendError } from '../http/httpErrors.ts';
import { RateLimiter } from '../http/rateLimit.ts';

/** Ten tries a minute per address: a code has 31^8 ≈ 8.5·10^11 values and lives 15 minutes. */
export const PAIR_RATE_PER_MINUTE = 10;

export function registerPairingRoute(
  app: FastifyInstance,
  options: { agents: ManagedAgentDirectory; clock: Clock },
): void {
  const limiter = new RateLimiter(options.clock);
  app.options('/v1/pair', preflightFor('POST, OPTIONS', 'Content-Type'));
  app.post('/v1/pair', { onRequest: cors }, async (request, reply) => {
    const taken = limiter.take(`pair:${request.ip}`, PAIR_RATE_PER_MINUTE);
    if (!taken.ok) {
      reply.header('Retry-After', String(taken.retryAfterSeconds));
      return sendError(reply, 429, {
        error: 'too-many-requests',
        reason: 'too many pairing attempts: wait a minute',
      });
    }
    const body = request.body as { code?: unknown } | undefined;
    const code = typeof body?.code === 'string' ? body.code : '';
    if (!/^[A-Za-z0-9\s-]{8,20}$/.test(code))
      return sendError(reply, 400, {
        error: 'bad-request',
        reason: 'code must be the 8-character pairing code',
        field: 'code',
      });
    try {
      const now = new Date(options.clock.now()).toISOString();
      const issued = await options.agents.apply(redeemPairing(code, now));
      request.log.info(
        { who: 'pairing', action: 'token.issue', user: issued.user, tokenId: issued.id },
        'admin change',
      );
      const agent = options.agents.view(issued.user);
      return reply
        .header('Cache-Control', 'no-store')
        .send({ token: issued.token, user: issued.user, name: agent?.name, tokenId: issued.id });
    } catch (error) {
      if (error instanceof MappingError && error.status === 404) {
        request.log.warn('pairing: unknown or expired code');
        return sendError(reply, 404, { error: 'not-found', reason: error.message, field: 'code' });
      }
      throw error;
    }
  });
}
