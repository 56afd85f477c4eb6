// What the Diagnostics section shows: one trace per relay event the worker handled, with the time
// of each step, so an admin can see where a slow or missing pop lost its time.
import type { CallState } from './callEvent.ts';
import type { TransportKind } from './messages.ts';

export const TRACE_OUTCOMES = ['popped', 'recorded', 'replayed', 'failed', 'skipped'] as const;
/**
 * popped: a tab opened; recorded: queued without a pop (not a pop state, or popped before);
 * replayed: already applied (a reconnect resent it); failed: the pop or the handling failed;
 * skipped: it would have popped, but pops are off or a colleague answered.
 */
export type TraceOutcome = (typeof TRACE_OUTCOMES)[number];

export interface EventTrace {
  eventId: string;
  callId: string;
  state: CallState;
  source: string;
  callerId: string;
  /** ISO time the relay accepted the event (the relay's clock). */
  at: string;
  /** Epoch ms (the browser's clock) of each step the worker reached. */
  receivedAt: number;
  matchedAt?: number;
  openedAt?: number;
  outcome: TraceOutcome;
  /** A `_locales` key (errTabFailed, …) or, for an unexpected failure, its message. */
  error?: string;
  url?: string;
  contactName?: string;
}

/**
 * The relay answered our cursor with `resync`: calls between `from` (the last event the worker
 * handled, relay time; absent when it never handled one) and `to` (when the resync came) may be
 * missing from the queue.
 */
export interface ResyncNotice {
  from?: string;
  to: string;
}

/** What the connection noted for the Diagnostics section, beside the per-event traces. */
export type DiagnosticNote =
  | ({ kind: 'resync'; at: string } & ResyncNotice)
  | { kind: 'eventFailed'; at: string; eventId: string; callId: string; error: string }
  | { kind: 'transport'; at: string; transport: TransportKind; reason: string };

export const MAX_NOTES = 50;
