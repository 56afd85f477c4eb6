// Every accepted PBX event passes here on its way into the log, whatever adapter made it: one place
// for what applies to all calls (duplicate suppression, ring-group attribution, metrics).
import type { CallEvent, NewCallEvent } from '../../shared/callEvent.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import { type Clock, systemClock } from '../http/clock.ts';
import type { Metrics } from '../http/metrics.ts';
import type { EventLog } from '../store/eventLog.ts';
import { IDEMPOTENCY_WINDOW_MS, idempotencyKey, MemoryIdempotency } from '../store/idempotency.ts';

export interface Accepted {
  event: CallEvent;
  /** True when this was a retry of an event already accepted: nothing new was appended. */
  duplicate: boolean;
}

export interface CallPipeline {
  accept(event: NewCallEvent): Promise<Accepted>;
}

export interface PipelineDeps {
  eventLog: EventLog;
  metrics: Metrics;
  /** Who answered a ring-group call; without it `answeredBy` is left as the adapter set it. */
  agents?: AgentDirectory;
  clock?: Clock;
  idempotencyWindowMs?: number;
}

/** The user of the agent whose agent ids include the event's: the one who picked up. */
async function answeredBy(agents: AgentDirectory, event: NewCallEvent): Promise<string | undefined> {
  const { agentId } = event;
  if (event.state !== 'answered' || !agentId) return undefined;
  return (await agents.list()).find((a) => a.agentIds.includes(agentId))?.user;
}

export function createCallPipeline(deps: PipelineDeps): CallPipeline {
  const windowMs = deps.idempotencyWindowMs ?? IDEMPOTENCY_WINDOW_MS;
  const memory = new MemoryIdempotency(deps.clock ?? systemClock, windowMs);
  return {
    async accept(incoming) {
      const user = deps.agents ? await answeredBy(deps.agents, incoming) : undefined;
      const event: NewCallEvent = user ? { ...incoming, answeredBy: user } : incoming;
      const key = idempotencyKey(event);
      const { eventLog } = deps;
      const result = eventLog.appendOnce
        ? await eventLog.appendOnce(event, key, windowMs)
        : await memory.once(key, () => eventLog.append(event));
      if (result.duplicate) deps.metrics.duplicates.inc({ source: event.source });
      else deps.metrics.events.inc({ source: event.source, state: event.state });
      return result;
    },
  };
}
