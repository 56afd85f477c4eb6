// `GET /v1/contacts` (the incremental contact feed for the extension's cache),
// `GET /v1/contacts/lookup` (the live lookup on a cache miss) and `GET /healthz`.
// Contacts are personal data: only a configured agent's token reads them.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { ContactLookup, ContactPage } from '../../shared/contact.ts';
import { RULES } from '../../shared/fieldRules.ts';
import {
  ContactLookupQuery,
  ContactLookupSchema,
  ContactPageQuery,
  ContactPageSchema,
} from '../../shared/wire/contactFeed.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import { requireAgent } from '../agents/agentRequest.ts';
import { badRequest } from '../http/httpErrors.ts';
import { AGENT_AUTH, NO_AUTH, refusals } from '../http/routeDocs.ts';
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

const HEALTH_SCHEMA = {
  summary: 'Liveness: the process answers',
  operationId: 'health',
  tags: ['operations'],
  security: NO_AUTH,
  response: { 200: Type.Object({ ok: Type.Literal(true) }) },
};

const PAGE_SCHEMA = {
  summary: 'One page of the contact feed for the extension cache (full walk, then changes)',
  operationId: 'contactsPage',
  tags: ['agent'],
  security: AGENT_AUTH,
  querystring: ContactPageQuery,
  response: { 200: ContactPageSchema, ...refusals(400, 401) },
};

const LOOKUP_SCHEMA = {
  summary: 'Live lookup on a cache miss: every contact with this number, best first',
  operationId: 'contactsLookup',
  tags: ['agent'],
  security: AGENT_AUTH,
  querystring: ContactLookupQuery,
  response: { 200: ContactLookupSchema, ...refusals(400, 401) },
};

export function registerContactsRoutes(app: FastifyInstance, options: ContactsRouteOptions): void {
  app.get('/healthz', { schema: HEALTH_SCHEMA }, async () => ({ ok: true as const }));

  const onRequest = requireAgent(options.agents);
  app.get('/v1/contacts', { onRequest, schema: PAGE_SCHEMA }, async (request, reply) => {
    const query = parseQuery(request.query as Record<string, unknown>);
    if ('field' in query) return badRequest(reply, query.reason, query.field);
    if (!options.feed) return EMPTY;
    return options.feed.page(query.after, query.limit);
  });

  app.get(
    '/v1/contacts/lookup',
    { onRequest, schema: LOOKUP_SCHEMA },
    async (request, reply): Promise<ContactLookup | FastifyReply> => {
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
