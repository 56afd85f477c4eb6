// Who may post, checked in the order that costs least: route and secret before the body is read
// (so an unknown sender cannot make us buffer 64 KiB), then the source's address, formats and rate,
// and last, once the raw body is in, its HMAC signature. ParsVT may put `secretkey` in a form body;
// only for those routes is the secret looked for after reading the body.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import { authFailed } from '../http/authThrottle.ts';
import type { Clock } from '../http/clock.ts';
import type { RateLimiter } from '../http/rateLimit.ts';
import { bearerToken } from '../http/secrets.ts';
import { decodeBody, parseFields, parseQuery } from './bodyParsers.ts';
import { refuse } from './ingestReply.ts';
import { IpAllowList } from './ipAllow.ts';
import { type IngestRoute, resolveRoute } from './pbxRouteTable.ts';
import { findSource, MISSING_SECRET_REASON } from './pbxSecret.ts';
import type { PbxSource } from './pbxSources.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from './signature.ts';

export interface GuardDeps {
  sources: readonly PbxSource[];
  agents: AgentDirectory;
  limiter: RateLimiter;
  clock: Clock;
}

/** What the guard learnt about a request, for the handler (kept on the request: `request.ingest`). */
export interface IngestRequest {
  route: IngestRoute;
  query: Record<string, string>;
  /** The PBX source; absent when an agent's token opened an agent-friendly route. */
  source?: PbxSource;
  /** The body as UTF-8 text ('' for none). */
  text: string;
  deferred: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the ingest guard once the route is known; null elsewhere. */
    ingest: IngestRequest | null;
    /** The metric label of a refusal (ingestReply.ts); null for a 4xx that answers a question. */
    rejectLabel: string | null | undefined;
  }
}

/** Gives the scope's requests the fields the guard fills; call before its routes. */
export function decorateIngestRequests(app: FastifyInstance): void {
  app.decorateRequest('ingest', null);
  app.decorateRequest('rejectLabel', undefined);
}

export function createGuard(deps: GuardDeps) {
  const allowLists = new Map(
    deps.sources.map((s) => [s.name, s.allowIps ? new IpAllowList(s.allowIps) : null]),
  );

  /** Attributes the request to a source and applies that source's limits; sends the refusal if any. */
  const admit = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: IngestRequest,
    candidates: (string | undefined)[],
  ) => {
    const { route } = state;
    const wait = request.server.authThrottle?.check('pbx', request.ip);
    if (wait && !wait.ok) {
      reply.header('Retry-After', String(wait.retryAfterSeconds));
      const reason = request.server.authThrottle?.reason('pbx', wait.retryAfterSeconds) ?? '';
      return refuse(reply, route.format, 429, 'auth-throttled', reason);
    }
    const found = findSource(candidates, deps.sources);
    if (!found.ok) {
      if (route.agentToken) for (const c of candidates) if (c && (await deps.agents.byToken(c))) return;
      if (candidates.some(Boolean)) authFailed('pbx', request);
      return refuse(reply, route.format, 401, 'unauthorized', found.reason);
    }
    const source = found.source;
    if (source.allowIps && !allowLists.get(source.name)?.allows(request.ip))
      return refuse(
        reply,
        route.format,
        403,
        'forbidden-ip',
        `source ${source.name} may not post from ${request.ip}`,
      );
    if (source.formats && !source.formats.includes(route.format))
      return refuse(
        reply,
        route.format,
        403,
        'forbidden-format',
        `source ${source.name} may not use the ${route.format} format (allowed: ${source.formats.join(', ')})`,
      );
    const taken = deps.limiter.take(source.name, source.ratePerMinute);
    if (!taken.ok) {
      reply.header('Retry-After', String(taken.retryAfterSeconds));
      return refuse(
        reply,
        route.format,
        429,
        'rate-limited',
        `source ${source.name} sent more than ${source.ratePerMinute} requests a minute; retry in ${taken.retryAfterSeconds} s`,
      );
    }
    state.source = source;
  };

  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    const resolved = resolveRoute(request.method, request.url);
    if (!resolved) return refuse(reply, undefined, 404, 'not-found', 'no such route');
    const { route } = resolved;
    if (!resolved.methodAllowed) {
      reply.header('Allow', route.methods.join(', '));
      return refuse(reply, route.format, 405, 'method-not-allowed', `use ${route.methods.join(' or ')}`);
    }
    const query = parseQuery(request.url);
    if (!query.ok) return refuse(reply, route.format, query.status, query.label, query.reason);
    const state: IngestRequest = { route, query: query.value, text: '', deferred: false };
    request.ingest = state;
    const candidates = [
      resolved.pathSecret,
      bearerToken(request.headers.authorization),
      query.value.token,
      query.value.secretkey,
    ];
    if (candidates.every((c) => !c) && route.bodySecret && request.method === 'POST') {
      state.deferred = true;
      return;
    }
    return admit(request, reply, state, candidates);
  };

  const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const state = request.ingest;
    if (!state) return refuse(reply, undefined, 404, 'not-found', 'no such route');
    const { route } = state;
    const raw = Buffer.isBuffer(request.body) ? request.body : undefined;
    const decoded = decodeBody(raw, request.headers['content-type']);
    if (!decoded.ok) return refuse(reply, route.format, decoded.status, decoded.label, decoded.reason);
    state.text = decoded.value;
    if (state.deferred) {
      const fields = parseFields(state.text);
      const key = fields.ok ? fields.value.secretkey : undefined;
      if (typeof key !== 'string' || !key)
        return refuse(
          reply,
          route.format,
          401,
          'unauthorized',
          `${MISSING_SECRET_REASON} (or secretkey=SECRET)`,
        );
      await admit(request, reply, state, [key]);
      if (reply.sent) return reply;
    }
    const source = state.source;
    if (source?.hmacSecret) {
      const check = verifySignature({
        secret: source.hmacSecret,
        timestamp: request.headers[TIMESTAMP_HEADER],
        signature: request.headers[SIGNATURE_HEADER],
        rawBody: raw ?? Buffer.alloc(0),
        nowMs: deps.clock.now(),
      });
      if (!check.ok) {
        authFailed('pbx', request);
        return refuse(reply, route.format, 401, check.label, check.reason);
      }
    }
  };

  return { onRequest, preHandler };
}
