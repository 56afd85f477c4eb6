// Wires delivery into the app: the agent transports (WebSocket, long-poll, SSE) sharing one session
// registry, so the per-agent connection limit and token revocation hold across all three.
import type { FastifyInstance } from 'fastify';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import type { FeedSignal } from '../contacts/feedSignal.ts';
import type { Clock } from '../http/clock.ts';
import type { Limits } from '../http/limits.ts';
import type { Metrics } from '../http/metrics.ts';
import type { EventLog } from '../store/eventLog.ts';
import type { Presence } from '../store/presence.ts';
import { DEFAULT_DELIVERY, type DeliveryConfig } from './deliveryConfig.ts';
import { registerLongPoll } from './longPoll.ts';
import { SessionRegistry } from './sessions.ts';
import { registerSse } from './sse.ts';
import { registerStream } from './stream.ts';

export interface DeliveryDeps {
  delivery?: DeliveryConfig;
  agents: AgentDirectory;
  eventLog: EventLog;
  clock: Clock;
  metrics: Metrics;
  presence: Presence;
  heartbeatMs: number;
  authTimeoutMs: number;
  /** Overrides `delivery.longPollMs` (tests). */
  longPollMs?: number;
  /** Caps on sockets that have not said hello; defaults when absent. */
  limits?: Pick<Limits, 'maxPendingStreams' | 'maxPendingStreamsPerAddress'>;
  /** Raised when the contact feed moved: open WebSocket and SSE streams tell their browser. */
  contactsMoved?: FeedSignal;
}

export function registerDelivery(app: FastifyInstance, deps: DeliveryDeps): void {
  const { agents, eventLog, clock, metrics, presence, heartbeatMs } = deps;
  const delivery = deps.delivery ?? DEFAULT_DELIVERY;
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
    allowedOrigins: delivery.allowedOrigins,
    maxPending: deps.limits?.maxPendingStreams,
    maxPendingPerAddress: deps.limits?.maxPendingStreamsPerAddress,
    contactsMoved: deps.contactsMoved,
  });
  registerLongPoll(app, {
    agents,
    eventLog,
    sessions,
    maxPerAgent,
    waitMs: deps.longPollMs ?? delivery.longPollMs,
  });
  registerSse(app, {
    agents,
    eventLog,
    sessions,
    clock,
    heartbeatMs,
    maxPerAgent,
    contactsMoved: deps.contactsMoved,
  });
}
