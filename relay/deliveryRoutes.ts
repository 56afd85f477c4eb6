// Wires delivery into the app: the event log the config asks for (memory, or Redis Streams when
// `redis` is configured), and the agent transports (WebSocket, long-poll, SSE) sharing one session
// registry, so the per-agent connection limit and token revocation hold across all three.
import type { FastifyInstance } from 'fastify';
import type { AgentDirectory } from './agentDirectory.ts';
import type { Clock } from './clock.ts';
import type { RelayConfig } from './config.ts';
import { DEFAULT_DELIVERY } from './deliveryConfig.ts';
import { type EventLog, MemoryEventLog } from './eventLog.ts';
import { registerHealth } from './health.ts';
import { registerLongPoll } from './longPoll.ts';
import type { Metrics } from './metrics.ts';
import type { Presence } from './presence.ts';
import { RedisEventLog } from './redisEventLog.ts';
import { SessionRegistry } from './sessions.ts';
import { registerSse } from './sse.ts';
import { registerStream } from './stream.ts';

/** The configured event log; a Redis one connects before the app listens and quits on close. */
export function createEventLog(app: FastifyInstance, config: RelayConfig, clock: Clock): EventLog {
  const onListenerError = (err: unknown) => app.log.error({ err }, 'event log subscriber failed');
  if (!config.redis)
    return new MemoryEventLog({
      capacityPerKey: config.log.capacityPerKey,
      epoch: clock.now().toString(36),
      onListenerError,
    });
  const log = new RedisEventLog({
    ...config.redis,
    capacityPerKey: config.log.capacityPerKey,
    log: app.log,
    onListenerError,
  });
  app.addHook('onReady', async () => {
    await log.connect();
    app.log.info({ prefix: config.redis?.prefix }, 'event log: Redis Streams');
  });
  app.addHook('onClose', async () => log.close());
  return log;
}

export interface DeliveryDeps {
  config: RelayConfig;
  agents: AgentDirectory;
  eventLog: EventLog;
  clock: Clock;
  metrics: Metrics;
  presence: Presence;
  heartbeatMs: number;
  authTimeoutMs: number;
  /** Overrides `delivery.longPollMs` (tests). */
  longPollMs?: number;
}

export function registerDelivery(app: FastifyInstance, deps: DeliveryDeps): void {
  const { agents, eventLog, clock, metrics, presence, heartbeatMs } = deps;
  const delivery = deps.config.delivery ?? DEFAULT_DELIVERY;
  const maxPerAgent = delivery.maxConnectionsPerAgent;
  const sessions = new SessionRegistry({
    agents,
    clock,
    maxPerAgent,
    presence,
    metrics,
    onError: (err) => app.log.error({ err }, 'delivery: re-checking agent sessions failed'),
  });
  app.addHook('preClose', async () => sessions.endAll('shutdown'));
  app.addHook('onClose', async () => sessions.dispose());
  registerStream(app, {
    agents,
    eventLog,
    clock,
    presence,
    metrics,
    sessions,
    heartbeatMs,
    authTimeoutMs: deps.authTimeoutMs,
  });
  registerLongPoll(app, {
    agents,
    eventLog,
    sessions,
    maxPerAgent,
    waitMs: deps.longPollMs ?? delivery.longPollMs,
  });
  registerSse(app, { agents, eventLog, sessions, clock, heartbeatMs, maxPerAgent });
  registerHealth(app, { eventLog });
}
