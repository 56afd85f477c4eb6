// `GET /v1/contacts` (paged contact feed for the extension's cache) and `GET /healthz`.
// Contacts are personal data: only a configured agent's token reads them.
import type { FastifyInstance } from 'fastify';
import type { ContactPage } from '../shared/contact.ts';
import type { AgentDirectory } from './agentDirectory.ts';
import { bearerToken } from './auth.ts';
import type { AgentConfig } from './config.ts';
import { type ContactsFeed, DEFAULT_LIMIT, MAX_LIMIT } from './contactsFeed.ts';
import { cors, preflight } from './cors.ts';
import { badRequest, unauthorized } from './httpErrors.ts';

export interface ContactsRouteOptions {
  agents: AgentDirectory;
  /** Null when the config names no contacts file: the feed is then empty, not an error. */
  feed: ContactsFeed | null;
}

const EMPTY: ContactPage = { contacts: [], deleted: [], cursor: '', done: true, total: 0 };

function parseQuery(
  query: Record<string, unknown>,
): { after: number; limit: number } | { field: string; reason: string } {
  const after = query.after ?? '';
  if (typeof after !== 'string' || !/^\d{0,9}$/.test(after))
    return { field: 'after', reason: 'after must be a cursor from a previous page (or empty)' };
  const limitText = query.limit ?? '';
  if (typeof limitText !== 'string' || !/^\d{0,9}$/.test(limitText) || limitText === '0')
    return { field: 'limit', reason: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
  // Over-large pages are clamped rather than refused: the client just gets more pages.
  const limit = limitText === '' ? DEFAULT_LIMIT : Math.min(Number(limitText), MAX_LIMIT);
  return { after: after === '' ? 0 : Number(after), limit };
}

export function registerContactsRoutes(app: FastifyInstance, options: ContactsRouteOptions): void {
  app.options('/healthz', preflight);
  app.get('/healthz', { onRequest: cors }, async () => ({ ok: true }));

  app.options('/v1/contacts', preflight);
  app.get('/v1/contacts', { onRequest: cors }, async (request, reply) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) return unauthorized(reply, 'missing agent token: send Authorization: Bearer TOKEN');
    if (!(await options.agents.byToken(token))) return unauthorized(reply, 'unknown agent token');
    const query = parseQuery(request.query as Record<string, unknown>);
    if ('field' in query) return badRequest(reply, query.reason, query.field);
    if (!options.feed) return EMPTY;
    return options.feed.page(query.after, query.limit);
  });
}
