// Every accepted PBX event passes here on its way into the log, whatever adapter made it: one place
// for what applies to all calls (duplicate suppression, ring-group attribution, metrics).
import type { CallEvent, NewCallEvent } from '../shared/callEvent.ts';
import type { EventLog } from './eventLog.ts';
import type { Metrics } from './metrics.ts';

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
}

export function createCallPipeline(deps: PipelineDeps): CallPipeline {
  return {
    async accept(incoming) {
      const event = await deps.eventLog.append(incoming);
      deps.metrics.inc('screenpop_events_total', { source: event.source, state: event.state });
      return { event, duplicate: false };
    },
  };
}
