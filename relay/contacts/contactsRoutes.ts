// `GET /v1/contacts` (the incremental contact feed for the extension's cache),
// `GET /v1/contacts/lookup` (the live lookup on a cache miss) and `GET /healthz`.
// Contacts are personal data: only a configured agent's token reads them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ContactLookup, ContactPage } from '../../shared/contact.ts';
import { RULES } from '../../shared/fieldRules.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import { cors, preflight } from '../http/cors.ts';
import { badRequest, unauthorized } from '../http/httpErrors.ts';
import { bearerToken } from '../http/secrets.ts';
import { type ContactsFeed, DEFAULT_LIMIT, MAX_LIMIT } from './contactsFeed.ts';

export interface ContactsRouteOptions {
  agents: AgentDirectory;
  /** Null when the config names no contacts source: the feed is then empty, not an error. */
  feed: ContactsFeed | null;
  /** Region for reading a phone without a country code (`pbx.defaultRegion`). */
  region: string;
}

const EMPTY: ContactPage = { contacts: [], deleted: [], cursor: '', done: true, total: 0 };
/** Longer than any cursor we hand out; anything else is answered with `reset`, not refused. */
const MAX_CURSOR = 100;

function parseQuery(
  query: Record<string, unknown>,
): { after: string; limit: number } | { field: string; reason: string } {
  const after = query.after ?? '';
  if (typeof after !== 'string' || after.length > MAX_CURSOR)
    return { field: 'after', reason: 'after must be a cursor from a previous page (or empty)' };
  const limitText = query.limit ?? '';
  if (typeof limitText !== 'string' || !/^\d{0,9}$/.test(limitText) || limitText === '0')
    return { field: 'limit', reason: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
  // Over-large pages are clamped rather than refused: the client just gets more pages.
  const limit = limitText === '' ? DEFAULT_LIMIT : Math.min(Number(limitText), MAX_LIMIT);
  return { after, limit };
}

/** True once the request carries a known agent token; else the 401 has been sent. */
async function authorized(options: ContactsRouteOptions, request: FastifyRequest, reply: FastifyReply) {
  const token = bearerToken(request.headers.authorization);
  if (!token) {
    unauthorized(reply, 'missing agent token: send Authorization: Bearer TOKEN');
    return false;
  }
  if (!(await options.agents.byToken(token))) {
    unauthorized(reply, 'unknown agent token');
    return false;
  }
  return true;
}

export function registerContactsRoutes(app: FastifyInstance, options: ContactsRouteOptions): void {
  app.options('/healthz', preflight);
  app.get('/healthz', { onRequest: cors }, async () => ({ ok: true }));

  app.options('/v1/contacts', preflight);
  app.get('/v1/contacts', { onRequest: cors }, async (request, reply) => {
    if (!(await authorized(options, request, reply))) return reply;
    const query = parseQuery(request.query as Record<string, unknown>);
    if ('field' in query) return badRequest(reply, query.reason, query.field);
    if (!options.feed) return EMPTY;
    return options.feed.page(query.after, query.limit);
  });

  app.options('/v1/contacts/lookup', preflight);
  app.get(
    '/v1/contacts/lookup',
    { onRequest: cors },
    async (request, reply): Promise<ContactLookup | FastifyReply> => {
      if (!(await authorized(options, request, reply))) return reply;
      const phone = (request.query as Record<string, unknown>).phone;
      let text = typeof phone === 'string' ? phone.trim() : '';
      // `?phone=+7495…` typed by hand arrives with a space: the query string's `+`. Read it as meant.
      if (text && /[?&]phone=\+/.test(request.url) && !text.startsWith('+')) text = `+${text}`;
      if (!text) return badRequest(reply, 'phone is required', 'phone');
      if (text.length > RULES.phone.max || !RULES.phone.pattern.test(text))
        return badRequest(
          reply,
          `phone must be a phone number (at most ${RULES.phone.max} characters: ${RULES.phone.allowed})`,
          'phone',
        );
      // Internal and unreadable numbers simply match nobody: the caller asked "who is this?".
      return { contacts: options.feed ? await options.feed.findByPhone(text, options.region) : [] };
    },
  );
}
