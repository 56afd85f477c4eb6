// `POST /v1/pair`: an agent's browser trades the one-time pairing code the admin issued
// (`POST /v1/admin/agents/:user/pairing`) for its own agent token, so nobody has to copy a 43-
// character secret by hand. Unauthenticated by nature, so attempts are rate-limited per client
// address and for all addresses together (a guesser spread over many addresses), and the tokens one
// agent can get this way per hour are capped (a code leaked with a script around it).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { MappingError } from '../../shared/agentMapping.ts';
import { redeemPairing } from '../agents/agentChanges.ts';
import type { ManagedAgentDirectory } from '../agents/agentDirectory.ts';
import type { Clock } from '../http/clock.ts';
import { sendError } from '../http/httpErrors.ts';
import { DEFAULT_LIMITS, type Limits } from '../http/limits.ts';
import { RateLimiter } from '../http/rateLimit.ts';
import { NO_AUTH, refusals } from '../http/routeDocs.ts';

type PairingLimits = Pick<
  Limits,
  'pairingPerAddressPerMinute' | 'pairingPerMinute' | 'pairingPerAgentPerHour'
>;
const HOUR = 3_600_000;

const PairRequestSchema = Type.Object({
  code: Type.String({
    pattern: '^[A-Za-z0-9\\s-]{8,20}$',
    description: 'The pairing code, `XXXX-XXXX`, any case; spaces and dashes are ignored.',
  }),
});
type PairRequest = Static<typeof PairRequestSchema>;

const PAIR_SCHEMA = {
  summary:
    'Trade a one-time pairing code (issued by the admin, valid 15 minutes) for a new agent token; attempts are limited per address and in all (`limits.pairing*`)',
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
  options: { agents: ManagedAgentDirectory; clock: Clock; limits?: PairingLimits },
): void {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const limiter = new RateLimiter(options.clock);
  const tooMany = (reply: FastifyReply, retryAfterSeconds: number, reason: string) => {
    reply.header('Retry-After', String(retryAfterSeconds));
    return sendError(reply, 429, { error: 'too-many-requests', reason });
  };
  // Counted before the body is looked at, so junk cannot be sent faster than guesses. The address
  // is checked first so one noisy address does not spend everybody's allowance.
  const rateLimit = async (request: FastifyRequest, reply: FastifyReply) => {
    const mine = limiter.take(`address:${request.ip}`, limits.pairingPerAddressPerMinute);
    if (!mine.ok)
      return tooMany(
        reply,
        mine.retryAfterSeconds,
        `too many pairing attempts from this address: retry in ${mine.retryAfterSeconds} s`,
      );
    const all = limiter.take('all', limits.pairingPerMinute);
    if (!all.ok)
      return tooMany(
        reply,
        all.retryAfterSeconds,
        `too many pairing attempts on this relay: retry in ${all.retryAfterSeconds} s`,
      );
    return undefined;
  };
  app.post('/v1/pair', { onRequest: rateLimit, schema: PAIR_SCHEMA }, async (request, reply) => {
    const { code } = request.body as PairRequest;
    try {
      const now = new Date(options.clock.now()).toISOString();
      // Checked inside the change, so a refused pairing keeps its code for later.
      const redeem = redeemPairing(code, now);
      const issued = await options.agents.apply((state) => {
        const next = redeem(state);
        const left = limiter.peek(`agent:${next.result.user}`, limits.pairingPerAgentPerHour, HOUR);
        if (!left.ok) throw new AgentPairedTooOften(next.result.user, left.retryAfterSeconds);
        return next;
      });
      limiter.take(`agent:${issued.user}`, limits.pairingPerAgentPerHour, HOUR);
      request.log.info(
        { who: 'pairing', action: 'token.issue', user: issued.user, tokenId: issued.id },
        'admin change',
      );
      const agent = options.agents.view(issued.user);
      return reply
        .header('Cache-Control', 'no-store')
        .send({ token: issued.token, user: issued.user, name: agent?.name, tokenId: issued.id });
    } catch (error) {
      if (error instanceof AgentPairedTooOften)
        return tooMany(
          reply,
          error.retryAfterSeconds,
          `agent ${error.user} was paired ${limits.pairingPerAgentPerHour} times this hour: retry in ${error.retryAfterSeconds} s`,
        );
      if (error instanceof MappingError && error.status === 404) {
        request.log.warn('pairing: unknown or expired code');
        return sendError(reply, 404, { error: 'not-found', reason: error.message, field: 'code' });
      }
      throw error;
    }
  });
}

class AgentPairedTooOften extends Error {
  constructor(
    readonly user: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`agent ${user} paired too often`);
  }
}
