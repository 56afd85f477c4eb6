// The relay as a Fastify app, built from its dependencies so tests drive it with `inject` (or a
// real port for WebSockets) and the CLI only adds a config file, a port and signals.
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { HEARTBEAT_MS } from '../shared/protocol.ts';
import { type AgentDirectory, StaticAgentDirectory } from './agentDirectory.ts';
import { createCallPipeline } from './callPipeline.ts';
import { type Clock, systemClock } from './clock.ts';
import type { RelayConfig } from './config.ts';
import { type ContactsFeed, createContactsFeed } from './contactsFeed.ts';
import { registerContactsRoutes } from './contactsRoute.ts';
import { registerDemoCrm } from './demoCrm.ts';
import { type EventLog, MemoryEventLog } from './eventLog.ts';
import { BODY_LIMIT, errorHandler, notFound } from './httpErrors.ts';
import { registerIngest } from './ingest.ts';
import { type LogOptions, loggerOptions } from './logging.ts';
import { Metrics } from './metrics.ts';
import { MemoryPresence, type Presence } from './presence.ts';
import { MAX_CLIENT_MESSAGE, registerStream } from './stream.ts';

export interface AppDeps {
  config: RelayConfig;
  /** Log level and destination; `false` for no logs. Defaults to info on stdout. */
  logger?: LogOptions | false;
  clock?: Clock;
  /** Defaults to an in-memory log sized by `config.log.capacityPerKey`. */
  eventLog?: EventLog;
  /** Defaults to the agents of the config file. */
  agents?: AgentDirectory;
  /** Defaults to a fresh registry, served at `/metrics`. */
  metrics?: Metrics;
  /** Defaults to this instance's in-memory view of connected agents. */
  presence?: Presence;
  /** Overridable so tests need not wait 15 s for a heartbeat. */
  heartbeatMs?: number;
  authTimeoutMs?: number;
}

export const AUTH_TIMEOUT_MS = 10_000;

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const app = Fastify({ logger: loggerOptions(deps.logger ?? {}), bodyLimit: BODY_LIMIT });
  const eventLog =
    deps.eventLog ??
    new MemoryEventLog({
      capacityPerKey: config.log.capacityPerKey,
      epoch: clock.now().toString(36),
      onListenerError: (err) => app.log.error({ err }, 'event log subscriber failed'),
    });

  const agents = deps.agents ?? new StaticAgentDirectory(config.agents);
  const metrics = deps.metrics ?? new Metrics();

  let feed: ContactsFeed | null = null;
  if (config.contacts) {
    feed = createContactsFeed({ file: config.contacts.file, log: app.log, clock });
    const contacts = feed;
    // Loaded before the first request, so a missing or headerless file stops start-up with a
    // clear message instead of serving an empty list; later failures keep the last good file.
    app.addHook('onReady', async () => {
      await contacts.refresh(true);
      const error = contacts.error();
      if (error) throw new Error(`contacts: ${error}`);
    });
  }

  const pipeline = createCallPipeline({ eventLog, metrics });
  const presence = deps.presence ?? new MemoryPresence();

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFound);
  app.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE } });
  app.register(async (scope) => {
    registerIngest(scope, { secret: config.pbx.secret, pipeline, clock });
  });
  app.register(async (scope) => {
    registerStream(scope, {
      agents,
      eventLog,
      presence,
      clock,
      heartbeatMs: deps.heartbeatMs ?? HEARTBEAT_MS,
      authTimeoutMs: deps.authTimeoutMs ?? AUTH_TIMEOUT_MS,
    });
  });
  registerContactsRoutes(app, { agents, feed });
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
  if (config.demoCrm) registerDemoCrm(app, feed);
  return app;
}
