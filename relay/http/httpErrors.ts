// One JSON error shape for every refusal: `{ error, reason, field? }`. PBX admins read these in
// their PBX's webhook log, so `reason` is a sentence and `field` names what to fix.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SchemaValidationError } from './validation.ts';

export const BODY_LIMIT = 64 * 1024;

export interface ErrorBody {
  error: string;
  reason: string;
  field?: string;
}

export function sendError(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function badRequest(reply: FastifyReply, reason: string, field?: string): FastifyReply {
  return sendError(
    reply,
    400,
    field ? { error: 'bad-request', reason, field } : { error: 'bad-request', reason },
  );
}

export function unauthorized(reply: FastifyReply, reason: string): FastifyReply {
  return sendError(reply, 401, { error: 'unauthorized', reason });
}

export function notFound(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // The URL is not echoed: it may hold a secret in its path.
  return sendError(reply, 404, { error: 'not-found', reason: 'no such route' });
}

/** Fastify's own errors (body too large, malformed URL, …) and our bugs, in the same shape. */
export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, { error: 'internal', reason: 'internal error' });
  }
  // Only the code is logged: some fastify messages quote the URL, which may carry a secret.
  request.log.info({ code: error.code, statusCode: status }, 'request refused');
  if (status === 413)
    return sendError(reply, 413, {
      error: 'payload-too-large',
      // The route's own limit (the admin CSV import allows more than the default).
      reason: `body is larger than ${request.routeOptions?.bodyLimit ?? BODY_LIMIT} bytes`,
    });
  if (error.code === 'FST_ERR_BAD_URL') return badRequest(reply, 'malformed URL');
  if (error instanceof SchemaValidationError) return badRequest(reply, error.message, error.field);
  return sendError(reply, status, {
    error: status === 415 ? 'unsupported-media-type' : 'bad-request',
    reason: error.message,
  });
}
