// Failed logins slow the guesser down, not the honest client: each kind of credential (PBX secret,
// agent token, admin token) has a budget of failures per client address, and one for all addresses
// together. An address out of budget waits (429, Retry-After) even with the right credential, so a
// guess cannot be confirmed by the answer. When the all-addresses budget is spent, only addresses
// that failed lately are held back: a PBX or agent that never failed keeps working.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from './clock.ts';
import { sendError } from './httpErrors.ts';
import type { Limits } from './limits.ts';
import { RateLimiter, type Taken } from './rateLimit.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by the app (server/app.ts); absent only in tests that build one feature alone. */
    authThrottle?: AuthThrottle;
  }
}

export type CredentialKind = 'pbx' | 'agent' | 'admin';

const WHAT: Record<CredentialKind, string> = {
  pbx: 'PBX secret',
  agent: 'agent token',
  admin: 'admin token',
};

export class AuthThrottle {
  private readonly buckets: RateLimiter;

  constructor(
    clock: Clock,
    private readonly limits: Pick<Limits, 'failedAuthPerAddressPerMinute' | 'failedAuthPerMinute'>,
  ) {
    this.buckets = new RateLimiter(clock);
  }

  /** Whether `address` may try a `kind` credential now; a refusal carries the wait. */
  check(kind: CredentialKind, address: string): Taken {
    const own = this.buckets.peek(`${kind}:${address}`, this.limits.failedAuthPerAddressPerMinute);
    if (!own.ok) return own;
    if (!this.buckets.used(`${kind}:${address}`)) return { ok: true };
    return this.buckets.peek(`${kind}:*`, this.limits.failedAuthPerMinute);
  }

  /** Records a wrong credential from `address` (a missing one guesses nothing and is not counted). */
  failed(kind: CredentialKind, address: string): void {
    this.buckets.take(`${kind}:${address}`, this.limits.failedAuthPerAddressPerMinute);
    this.buckets.take(`${kind}:*`, this.limits.failedAuthPerMinute);
  }

  /** The reason an admin or integrator reads in the 429. */
  reason(kind: CredentialKind, retryAfterSeconds: number): string {
    return `too many failed ${WHAT[kind]} attempts from this address: retry in ${retryAfterSeconds} s`;
  }
}

/** onRequest helper: sends the 429 and returns the reply when the client's address must wait. */
export function throttled(
  kind: CredentialKind,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply | undefined {
  const throttle = request.server.authThrottle;
  const check = throttle?.check(kind, request.ip);
  if (!throttle || !check || check.ok) return undefined;
  reply.header('Retry-After', String(check.retryAfterSeconds));
  return sendError(reply, 429, {
    error: 'too-many-failures',
    reason: throttle.reason(kind, check.retryAfterSeconds),
  });
}

/** Records a wrong credential for the request's client address. */
export function authFailed(kind: CredentialKind, request: FastifyRequest): void {
  request.server.authThrottle?.failed(kind, request.ip);
}
