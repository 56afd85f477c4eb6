// PBX webhooks and lookups in. The paths are matched from one table (pbxRouteTable.ts) rather than
// registered one by one, because the Logo path must work under any prefix (a PBX already set up for
// Logo CRM is pointed at the relay unchanged) and every path may follow a `/t/SECRET/` prefix.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import type { ContactsFeed } from '../contacts/contactsFeed.ts';
import type { Clock } from '../http/clock.ts';
import { BODY_LIMIT, errorHandler } from '../http/httpErrors.ts';
import type { Metrics } from '../http/metrics.ts';
import { RateLimiter } from '../http/rateLimit.ts';
import { parseFields, parseJson } from './bodyParsers.ts';
import type { CallPipeline } from './callPipeline.ts';
import { type Action, type ActionDeps, EVENT_ACTIONS } from './ingestActions.ts';
import { createGuard, decorateIngestRequests } from './ingestGuard.ts';
import { refuse, rejectLabel } from './ingestReply.ts';
import { LOOKUP_ACTIONS } from './pbxLookups.ts';
import type { IngestConfig } from './pbxSources.ts';

export { INGEST_ROUTES, resolveRoute } from './pbxRouteTable.ts';

export interface IngestOptions {
  config: IngestConfig;
  pipeline: CallPipeline;
  clock: Clock;
  /** Every refusal is counted in screenpop_rejects_total by reason. */
  metrics: Metrics;
  /** For contact owners (Netsantral routing), 3CX agent names and agent tokens on Lookup. */
  agents: AgentDirectory;
  /** Null when the relay has no contacts file: lookups then find nobody. */
  feed: ContactsFeed | null;
}

const ACTIONS = { ...EVENT_ACTIONS, ...LOOKUP_ACTIONS } as Record<string, Action>;

export function registerIngest(app: FastifyInstance, options: IngestOptions): void {
  // Bodies are kept as bytes: the HMAC is over exactly what was sent, and the text is decoded
  // strictly (bodyParsers.ts) whatever the content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
    done(null, body);
  });

  decorateIngestRequests(app);
  const guard = createGuard({
    sources: options.config.sources,
    agents: options.agents,
    limiter: new RateLimiter(options.clock),
    clock: options.clock,
  });
  const deps: ActionDeps = { ...options };

  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 400 || reply.statusCode >= 500) return;
    const reason = rejectLabel(request, reply.statusCode);
    if (reason) options.metrics.rejects.inc({ reason });
  });

  // Fastify's own refusals here (body over 64 KiB, …) in the sender's format too.
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const state = request.ingest;
    const status = error.statusCode ?? 500;
    if (!state || status >= 500 || status < 400) return errorHandler(error, request, reply);
    if (status === 413)
      return refuse(reply, state.route.format, 413, 'too-large', `body is larger than ${BODY_LIMIT} bytes`);
    const label = status === 415 ? 'unsupported-media-type' : 'bad-request';
    return refuse(reply, state.route.format, status, label, error.message);
  });

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const state = request.ingest;
    const action = state && ACTIONS[state.route.action];
    if (!state || !action) return refuse(reply, undefined, 404, 'not-found', 'no such route');
    const { route, text } = state;
    const parsed =
      route.body === 'json'
        ? parseJson(text)
        : request.method === 'POST' && text.trim()
          ? parseFields(text)
          : ({ ok: true, value: state.query } as const);
    if (!parsed.ok) return refuse(reply, route.format, parsed.status, parsed.label, parsed.reason);
    return action({ request, reply, state, input: parsed.value, deps });
  };

  // Documented one by one in ingestDocs.ts: these catch-alls would say nothing useful.
  const hooks = { onRequest: guard.onRequest, preHandler: guard.preHandler, schema: { hide: true } };
  app.post('/*', hooks, handle);
  app.get('/v1/pbx/*', hooks, handle);
  app.get('/v1/lookup', hooks, handle);
  app.get('/t/*', hooks, handle);
}
