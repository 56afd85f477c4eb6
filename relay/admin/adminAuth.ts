// Who may use `/v1/admin/*`: whoever holds the config's adminToken, as `Authorization: Bearer`.
// An agent token is never an admin token (the config refuses equal values), and the options page
// calls from a `chrome-extension://` origin (CORS: http/cors.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authFailed, throttled } from '../http/authThrottle.ts';
import { unauthorized } from '../http/httpErrors.ts';
import { bearerToken, safeEqual } from '../http/secrets.ts';

/** onRequest hook: 401 with a reason unless the request carries the admin token. */
export function adminAuth(adminToken: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const token = bearerToken(request.headers.authorization);
    if (throttled('admin', request, reply)) return reply;
    if (!token) return unauthorized(reply, 'missing admin token: send Authorization: Bearer ADMIN_TOKEN');
    if (!safeEqual(token, adminToken)) {
      request.log.warn('admin: wrong admin token');
      authFailed('admin', request);
      return unauthorized(reply, 'wrong admin token');
    }
    return undefined;
  };
}
