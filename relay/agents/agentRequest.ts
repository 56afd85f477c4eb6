// What the HTTP transports (long-poll, SSE) read from a request before serving an agent: the agent
// token and the cursor to resume after. Refusals use the relay's one JSON error shape.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, sendError, unauthorized } from '../http/httpErrors.ts';
import { bearerToken } from '../http/secrets.ts';
import type { AgentConfig } from './agentConfig.ts';
import type { AgentDirectory } from './agentDirectory.ts';

export const MAX_CURSOR_LENGTH = 128;

export type AgentRequest = { agent: AgentConfig; token: string; after: string } | { refused: FastifyReply };

export interface AgentRequestOptions {
  /**
   * Also accept `?token=` (SSE: a browser's EventSource cannot send headers). The relay's logs
   * redact it (logging.ts); proxies in front of the relay may not, so the header is preferred.
   */
  queryToken?: boolean;
  /** Header that carries the cursor and wins over `?after=` (SSE's `Last-Event-ID`). */
  cursorHeader?: string;
}

function single(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

export async function readAgentRequest(
  request: FastifyRequest,
  reply: FastifyReply,
  agents: AgentDirectory,
  options: AgentRequestOptions = {},
): Promise<AgentRequest> {
  const query = request.query as Record<string, unknown>;
  const queryToken = options.queryToken ? single(query.token) : undefined;
  const token = bearerToken(request.headers.authorization) ?? queryToken ?? undefined;
  if (!token) {
    const how = options.queryToken
      ? 'Authorization: Bearer TOKEN (or ?token=)'
      : 'Authorization: Bearer TOKEN';
    return { refused: unauthorized(reply, `missing agent token: send ${how}`) };
  }
  const agent = await agents.byToken(token);
  if (!agent) {
    request.log.warn('agent request: unknown agent token');
    return { refused: unauthorized(reply, 'unknown agent token') };
  }
  const header = options.cursorHeader ? single(request.headers[options.cursorHeader]) : undefined;
  const after = header ?? single(query.after) ?? '';
  if (after === null || after.length > MAX_CURSOR_LENGTH)
    return {
      refused: badRequest(
        reply,
        `after must be one event id (at most ${MAX_CURSOR_LENGTH} characters) or empty`,
        'after',
      ),
    };
  return { agent, token, after };
}

export function tooManyConnections(reply: FastifyReply, user: string, max: number): FastifyReply {
  return sendError(reply, 429, {
    error: 'too-many-connections',
    reason: `agent ${user} already has ${max} open connections to this relay`,
  });
}
