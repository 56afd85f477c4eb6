// `POST /v1/pair`: an agent's browser trades the one-time pairing code the admin issued
// (`POST /v1/admin/agents/:user/pairing`) for its own agent token, so nobody has to copy a 43-
// character secret by hand. Unauthenticated by nature, so it is rate-limited per client address.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { MappingError } from '../../shared/agentMapping.ts';
import { redeemPairing } from '../agents/agentChanges.ts';
import type { ManagedAgentDirectory } from '../agents/agentDirectory.ts';
import type { Clock } from '../http/clock.ts';
import { sendError } from '../http/httpErrors.ts';
import { RateLimiter } from '../http/rateLimit.ts';
import { NO_AUTH, refusals } from '../http/routeDocs.ts';

/** Ten tries a minute per address: a code has 31^8 ≈ 8.5·10^11 values and lives 15 minutes. */
export const PAIR_RATE_PER_MINUTE = 10;

const PairRequestSchema = Type.Object({
  code: Type.String({
    pattern: '^[A-Za-z0-9\\s-]{8,20}$',
    description: 'The pairing code, `XXXX-XXXX`, any case; spaces and dashes are ignored.',
  }),
});
type PairRequest = Static<typeof PairRequestSchema>;

const PAIR_SCHEMA = {
  summary:
    'Trade a one-time pairing code (issued by the admin, valid 15 minutes) for a new agent token; 10 tries a minute per address',
  operationId: 'pair',
  tags: ['agent'],
  security: NO_AUTH,
  body: PairRequestSchema,
  response: {
    200: Type.Object({
      token: Type.String({ description: 'The new agent token: shown once.' }),
      user: Type.String(),
      name: Type.Optional(Type.String()),
      tokenId: Type.String(),
    }),
    ...refusals(400, 404, 429),
  },
};

export function registerPairingRoute(
  app: FastifyInstance,
  options: { agents: ManagedAgentDirectory; clock: Clock },
): void {
  const limiter = new RateLimiter(options.clock);
  // Counted before the body is looked at, so junk cannot be sent faster than guesses.
  const rateLimit = async (request: FastifyRequest, reply: FastifyReply) => {
    const taken = limiter.take(`pair:${request.ip}`, PAIR_RATE_PER_MINUTE);
    if (taken.ok) return undefined;
    reply.header('Retry-After', String(taken.retryAfterSeconds));
    return sendError(reply, 429, {
      error: 'too-many-requests',
      reason: 'too many pairing attempts: wait a minute',
    });
  };
  app.post('/v1/pair', { onRequest: rateLimit, schema: PAIR_SCHEMA }, async (request, reply) => {
    const { code } = request.body as PairRequest;
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
