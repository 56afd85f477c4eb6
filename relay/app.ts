// The relay as a Fastify app, built from its dependencies so tests drive it with `inject` (or a
// real port for WebSockets) and the CLI only adds a config file, a port and signals.
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { HEARTBEAT_MS } from '../shared/protocol.ts';
import { registerAdminRoutes } from './adminRoutes.ts';
import { type AgentDirectory, ManagedAgentDirectory } from './agentDirectory.ts';
import { MemoryAgentStore, seedState } from './agentStore.ts';
import { createCallPipeline } from './callPipeline.ts';
import { type Clock, systemClock } from './clock.ts';
import type { RelayConfig } from './config.ts';
import { type ContactsFeed, createContactsFeed } from './contactsFeed.ts';
import { registerContactsRoutes } from './contactsRoute.ts';
import { createEventLog, registerDelivery } from './deliveryRoutes.ts';
import { registerDemoCrm } from './demoCrm.ts';
import { registerDiagnosticsRoutes } from './diagnosticsRoute.ts';
import type { EventLog } from './eventLog.ts';
import { BODY_LIMIT, errorHandler, notFound } from './httpErrors.ts';
import { registerIngest } from './ingest.ts';
import { type LogOptions, loggerOptions } from './logging.ts';
import { Metrics } from './metrics.ts';
import { registerOpenApi } from './openapi.ts';
import { registerPairingRoute } from './pairingRoute.ts';
import type { Presence } from './presence.ts';
import { createPresence } from './redisPresence.ts';
import { MAX_CLIENT_MESSAGE } from './stream.ts';

export interface AppDeps {
  config: RelayConfig;
  /** Log level and destination; `false` for no logs. Defaults to info on stdout. */
  logger?: LogOptions | false;
  clock?: Clock;
  /** Defaults to Redis Streams when `config.redis` is set, else in memory (deliveryRoutes.ts). */
  eventLog?: EventLog;
  /**
   * Defaults to the config file's agents in memory, changeable through the admin API until the
   * app stops. The CLI passes a ManagedAgentDirectory on the JSON file or Redis (agentSetup.ts);
   * the admin API is served only for a ManagedAgentDirectory.
   */
  agents?: AgentDirectory;
  /** Defaults to a fresh registry, served at `/metrics`. */
  metrics?: Metrics;
  /** Defaults to this instance's connected agents, shared through Redis when `config.redis` is set. */
  presence?: Presence;
  /** Overridable so tests need not wait 15 s for a heartbeat. */
  heartbeatMs?: number;
  authTimeoutMs?: number;
  /** Overrides `delivery.longPollMs`, so tests need not wait 25 s for an empty poll. */
  longPollMs?: number;
}

export const AUTH_TIMEOUT_MS = 10_000;

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const app = Fastify({ logger: loggerOptions(deps.logger ?? {}), bodyLimit: BODY_LIMIT });
  const eventLog = deps.eventLog ?? createEventLog(app, config, clock);

  const agents = deps.agents ?? memoryAgents(config, clock);
  const metrics = deps.metrics ?? new Metrics();

  let feed: ContactsFeed | null = null;
  if (config.contacts) {
    feed = createContactsFeed({
      source: config.contacts,
      log: app.log,
      clock,
      region: config.ingest.defaultRegion,
    });
    const contacts = feed;
    // Loaded before the first request, so a missing or headerless file stops start-up with a
    // clear message instead of serving an empty list; later failures keep the last good file.
    app.addHook('onReady', async () => {
      await contacts.refresh(true);
      const error = contacts.error();
      if (error) throw new Error(`contacts: ${error}`);
    });
  }

  const pipeline = createCallPipeline({ eventLog, metrics, agents, clock });
  const presence = deps.presence ?? createPresence(app, config);

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFound);
  app.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE } });
  app.register(async (scope) => {
    registerIngest(scope, { config: config.ingest, pipeline, clock, metrics, agents, feed });
  });
  app.register(async (scope) => {
    registerDelivery(scope, {
      config,
      agents,
      eventLog,
      presence,
      metrics,
      clock,
      heartbeatMs: deps.heartbeatMs ?? HEARTBEAT_MS,
      authTimeoutMs: deps.authTimeoutMs ?? AUTH_TIMEOUT_MS,
      longPollMs: deps.longPollMs,
    });
  });
  registerContactsRoutes(app, { agents, feed, region: config.ingest.defaultRegion });
  registerDiagnosticsRoutes(app, { agents, pipeline, clock });
  registerOpenApi(app);
  if (agents instanceof ManagedAgentDirectory) {
    registerAdminRoutes(app, { adminToken: config.adminToken, agents, presence, clock });
    registerPairingRoute(app, { agents, clock });
  }
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
  if (config.demoCrm) registerDemoCrm(app, feed);
  return app;
}

function memoryAgents(config: RelayConfig, clock: Clock): ManagedAgentDirectory {
  const seed = seedState(config.agents, new Date(clock.now()).toISOString());
  return new ManagedAgentDirectory(new MemoryAgentStore(seed), seed);
}
