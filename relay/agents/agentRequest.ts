// Who is calling an agent route (contacts, long-poll, SSE, the diagnostics test call): the agent
// token is checked in an onRequest hook, before the route's schema looks at the input, so a caller
// without a token learns nothing but 401. The agent found is kept on the request for the handler.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authFailed, throttled } from '../http/authThrottle.ts';
import { badRequest, sendError, unauthorized } from '../http/httpErrors.ts';
import { bearerToken } from '../http/secrets.ts';
import type { AgentConfig } from './agentConfig.ts';
import type { AgentDirectory } from './agentDirectory.ts';

export const MAX_CURSOR_LENGTH = 128;

declare module 'fastify' {
  interface FastifyRequest {
    /** The agent whose token opened this request (agent routes only; see requireAgent). */
    agent: AgentConfig | null;
    /** That token, so a revocation can end the agent's open connection. */
    agentToken: string;
  }
}

/** Gives every request the fields requireAgent fills; call once on the app before its routes. */
export function decorateAgentRequests(app: FastifyInstance): void {
  app.decorateRequest('agent', null);
  app.decorateRequest('agentToken', '');
}

export interface RequireAgentOptions {
  /**
   * Also accept `?token=` (SSE: a browser's EventSource cannot send headers). The relay's logs
   * redact it (logging.ts); proxies in front of the relay may not, so the header is preferred.
   */
  queryToken?: boolean;
  /** Words for the log line of an unknown token, e.g. `test call`. */
  what?: string;
}

/** onRequest hook: 401 with a reason unless the request carries a known agent token. */
export function requireAgent(agents: AgentDirectory, options: RequireAgentOptions = {}) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const query = request.query as Record<string, unknown>;
    const queryToken = options.queryToken && typeof query.token === 'string' ? query.token : undefined;
    const token = bearerToken(request.headers.authorization) ?? queryToken;
    if (throttled('agent', request, reply)) return reply;
    if (!token) {
      const how = options.queryToken
        ? 'Authorization: Bearer TOKEN (or ?token=)'
        : 'Authorization: Bearer TOKEN';
      return unauthorized(reply, `missing agent token: send ${how}`);
    }
    const agent = await agents.byToken(token);
    if (!agent) {
      request.log.warn(`${options.what ?? 'agent request'}: unknown agent token`);
      authFailed('agent', request);
      return unauthorized(reply, 'unknown agent token');
    }
    request.agent = agent;
    request.agentToken = token;
    return undefined;
  };
}

/** The agent requireAgent admitted; a route without the hook is a bug, not a client error. */
export function agentOf(request: FastifyRequest): AgentConfig {
  if (!request.agent) throw new Error(`${request.routeOptions.url} is served without requireAgent`);
  return request.agent;
}

/**
 * The cursor to resume after: `header` (SSE's `Last-Event-ID`) wins over `?after=`; '' for "from
 * now". Null after the 400 was sent.
 */
export function cursorOf(request: FastifyRequest, reply: FastifyReply, header?: string): string | null {
  const single = (v: unknown) => (v === undefined ? undefined : typeof v === 'string' ? v : null);
  const fromHeader = header ? single(request.headers[header]) : undefined;
  const after = fromHeader ?? single((request.query as Record<string, unknown>).after) ?? '';
  if (after === null || after.length > MAX_CURSOR_LENGTH) {
    badRequest(
      reply,
      `after must be one event id (at most ${MAX_CURSOR_LENGTH} characters) or empty`,
      'after',
    );
    return null;
  }
  return after;
}

export function tooManyConnections(reply: FastifyReply, user: string, max: number): FastifyReply {
  return sendError(reply, 429, {
    error: 'too-many-connections',
    reason: `agent ${user} already has ${max} open connections to this relay`,
  });
}
