// The relay as a Fastify app, built from its dependencies so tests drive it with `inject` (or a
// real port for WebSockets) and the CLI only adds a config file, a port and signals.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { HEARTBEAT_MS } from '../../shared/protocol.ts';
import { registerAdminRoutes } from '../admin/adminRoutes.ts';
import { registerContactSourcesRoutes } from '../admin/contactSourcesRoutes.ts';
import { registerJournalRoutes } from '../admin/journalRoutes.ts';
import { registerPairingRoute } from '../admin/pairingRoute.ts';
import { type AgentDirectory, ManagedAgentDirectory } from '../agents/agentDirectory.ts';
import { decorateAgentRequests } from '../agents/agentRequest.ts';
import { registerContactsRoutes } from '../contacts/contactsRoutes.ts';
import { registerDiagnosticsRoutes } from '../delivery/diagnosticsRoute.ts';
import { registerDelivery } from '../delivery/registerDelivery.ts';
import { MAX_CLIENT_MESSAGE } from '../delivery/stream.ts';
import { AuthThrottle } from '../http/authThrottle.ts';
import { type Clock, systemClock } from '../http/clock.ts';
import { capConnections } from '../http/connectionCaps.ts';
import { registerCors } from '../http/cors.ts';
import { BODY_LIMIT, errorHandler, notFound } from '../http/httpErrors.ts';
import { type LogOptions, loggerOptions } from '../http/logging.ts';
import { Metrics } from '../http/metrics.ts';
import type { TrustProxy } from '../http/trustProxy.ts';
import { AJV_OPTIONS, schemaErrorFormatter } from '../http/validation.ts';
import { createCallPipeline } from '../ingest/callPipeline.ts';
import { registerIngest } from '../ingest/registerIngest.ts';
import type { JournalWriter } from '../journal/journalTypes.ts';
import { MemoryAgentStore, seedState } from '../store/agentStore.ts';
import { type CallStores, createCallStores } from '../store/createStores.ts';
import type { EventLog } from '../store/eventLog.ts';
import type { Presence } from '../store/presence.ts';
import type { RelayConfig } from './config.ts';
import { setUpContacts } from './contactsSetup.ts';
import { registerDemoCrm } from './demoCrm.ts';
import { registerHealth } from './health.ts';
import { setUpJournal } from './journalSetup.ts';
import { METRICS_SCHEMA, registerOpenApi } from './openApi.ts';

export interface AppDeps {
  config: RelayConfig;
  /** Log level and destination; `false` for no logs. Defaults to info on stdout. */
  logger?: LogOptions | false;
  clock?: Clock;
  /** Defaults to the configured store's event log (store/createStores.ts). */
  eventLog?: EventLog;
  /**
   * Defaults to the config file's agents in memory, changeable through the admin API until the
   * app stops. The CLI passes a ManagedAgentDirectory on the configured store (openAgents.ts);
   * the admin API is served only for a ManagedAgentDirectory.
   */
  agents?: AgentDirectory;
  /** Defaults to a fresh registry, served at `/metrics`. */
  metrics?: Metrics;
  /** Defaults to the configured store's presence (shared between instances when the store is). */
  presence?: Presence;
  /** Overridable so tests need not wait 15 s for a heartbeat. */
  heartbeatMs?: number;
  authTimeoutMs?: number;
  /** Overrides `delivery.longPollMs`, so tests need not wait 25 s for an empty poll. */
  longPollMs?: number;
  /** The call journal's writers, instead of those the config names (tests). */
  journalWriters?: JournalWriter[];
  /** The first retry's wait (doubling after), instead of 1 s (tests). */
  journalRetryBaseMs?: number;
}

export const AUTH_TIMEOUT_MS = 10_000;

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const { limits } = config;
  const app = Fastify({
    logger: loggerOptions(deps.logger ?? {}),
    bodyLimit: BODY_LIMIT,
    ajv: AJV_OPTIONS,
    schemaErrorFormatter,
    trustProxy: proxyTrust(config.listen.trustProxy),
    // Slow clients cannot hold a connection open for good: the whole request must arrive in time,
    // and a socket silent both ways is closed (long-polls answer before this).
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    // Between requests on a kept-alive connection Node uses this timer instead.
    keepAliveTimeout: limits.idleTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node checks the two timeouts above this often (30 s by default, too coarse for them).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  capConnections(app, limits);
  app.decorate('authThrottle', new AuthThrottle(clock, limits));
  // Tests may pass their own log and presence; otherwise the config's backend serves both.
  const metrics = deps.metrics ?? new Metrics();
  const stores =
    deps.eventLog && deps.presence ? null : createCallStores(config.store, { log: app.log, clock, metrics });
  const eventLog = deps.eventLog ?? (stores as CallStores).eventLog;
  if (eventLog.size) metrics.trackEventLogSize(() => eventLog.size?.() ?? 0);

  const agents = deps.agents ?? memoryAgents(config, clock);

  // Opened first: the contact feed's first load below reads its history from the store.
  if (stores) {
    app.addHook('onReady', () => stores.open());
    app.addHook('onClose', () => stores.close());
  }
  const { feed, sources, moved } = setUpContacts(app, config, { clock, metrics, stores });

  const journal = setUpJournal(app, config, {
    stores,
    eventLog,
    agents,
    feed,
    clock,
    metrics,
    ...(deps.journalWriters ? { writers: deps.journalWriters } : {}),
    ...(deps.journalRetryBaseMs ? { retryBaseMs: deps.journalRetryBaseMs } : {}),
  });
  const pipeline = createCallPipeline({ eventLog, metrics, agents, clock });
  const presence = deps.presence ?? (stores as CallStores).presence;

  app.setErrorHandler(errorHandler);
  registerCors(app);
  decorateAgentRequests(app);
  app.setNotFoundHandler(notFound);
  app.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE } });
  registerOpenApi(app);
  app.register(async (scope) => {
    registerIngest(scope, { config: config.ingest, pipeline, clock, metrics, agents, feed });
  });
  app.register(async (scope) => {
    registerDelivery(scope, {
      delivery: config.delivery,
      agents,
      eventLog,
      presence,
      metrics,
      clock,
      heartbeatMs: deps.heartbeatMs ?? HEARTBEAT_MS,
      authTimeoutMs: deps.authTimeoutMs ?? AUTH_TIMEOUT_MS,
      longPollMs: deps.longPollMs,
      limits,
      contactsMoved: moved,
    });
  });
  // Registered after the OpenAPI plugin, so every route below is in `/openapi.json`.
  app.register(async (api) => {
    registerHealth(api, { eventLog, sources });
    registerContactsRoutes(api, { agents, feed, region: config.ingest.defaultRegion });
    registerDiagnosticsRoutes(api, { agents, pipeline, clock });
    if (agents instanceof ManagedAgentDirectory) {
      registerAdminRoutes(api, { adminToken: config.adminToken, agents, presence, clock });
      registerContactSourcesRoutes(api, { adminToken: config.adminToken, sources });
      registerJournalRoutes(api, { adminToken: config.adminToken, journal, agents });
      registerPairingRoute(api, { agents, clock, limits });
    }
    api.get('/metrics', { schema: METRICS_SCHEMA }, async (_request, reply) =>
      reply.type(metrics.contentType).send(await metrics.render()),
    );
  });
  if (config.demoCrm) registerDemoCrm(app, feed);
  return app;
}

/** Fastify takes a hop count as a function of the hop (its types lack the number form). */
function proxyTrust(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

function memoryAgents(config: RelayConfig, clock: Clock): ManagedAgentDirectory {
  const seed = seedState(config.agents, new Date(clock.now()).toISOString());
  return new ManagedAgentDirectory(new MemoryAgentStore(seed), seed);
}
