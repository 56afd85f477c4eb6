// The event trace behind the options page's Diagnostics: for each relay event the worker handled,
// when it arrived, when its caller was matched, when its tab opened and how it ended. The last
// MAX_TRACES live in IndexedDB `meta`, so they outlive the worker that recorded them.
import type { CallEvent, CallState } from '../shared/callEvent.ts';
import type { EventTrace, TraceOutcome } from '../shared/diagnostics.ts';
import type { Db, StoredCall } from './db.ts';
import type { EventResult } from './popCall.ts';

export const TRACE_KEY = 'eventTrace';
export const MAX_TRACES = 100;

export type TraceStep = 'matched' | 'opened';

/** The steps' times of one event, filled in by popCall's `trace` hook. */
export interface Timing {
  receivedAt: number;
  matchedAt?: number;
  openedAt?: number;
}

export function traceOf(
  event: CallEvent,
  timing: Timing,
  outcome: TraceOutcome,
  call?: StoredCall,
  error?: string,
): EventTrace {
  const trace: EventTrace = {
    eventId: event.id,
    callId: event.callId,
    state: event.state,
    source: event.source,
    callerId: event.callerId,
    at: event.at,
    ...timing,
    outcome,
  };
  // A replay or a later event of the call says nothing new about its tab.
  if (outcome === 'replayed') return trace;
  const why = error ?? (outcome === 'failed' ? call?.error : undefined);
  if (why) trace.error = why;
  if (outcome === 'popped' && call?.url) trace.url = call.url;
  if (call?.contact?.name) trace.contactName = call.contact.name;
  return trace;
}

/** Adds a trace, newest first, keeping the last MAX_TRACES; one transaction, so none is lost. */
export async function recordTrace(db: Db, trace: EventTrace): Promise<void> {
  const tx = db.transaction('meta', 'readwrite');
  const stored = await tx.store.get(TRACE_KEY);
  const list = Array.isArray(stored) ? (stored as EventTrace[]) : [];
  await tx.store.put([trace, ...list].slice(0, MAX_TRACES), TRACE_KEY);
  await tx.done;
}

/** The stored traces, newest first. */
export async function listTraces(db: Db): Promise<EventTrace[]> {
  const stored = await db.get('meta', TRACE_KEY);
  return Array.isArray(stored) ? (stored as EventTrace[]) : [];
}

/**
 * Runs `apply` for one event and records its trace from the result it returns. A failure is
 * recorded as `failed` and rethrown; a trace that cannot be stored is only logged, since the call
 * itself went through.
 */
export async function traceEvent(
  db: Db,
  event: CallEvent,
  apply: (trace: (step: TraceStep, at: number) => void) => Promise<EventResult>,
  now: () => number = Date.now,
): Promise<EventResult> {
  const timing: Timing = { receivedAt: now() };
  const step = (name: TraceStep, at: number) => {
    if (name === 'matched') timing.matchedAt ??= at;
    else timing.openedAt = at;
  };
  const save = (trace: EventTrace) =>
    recordTrace(db, trace).catch((err) => console.warn('ScreenPop: event trace not stored', err));
  let result: EventResult;
  try {
    result = await apply(step);
  } catch (err) {
    await save(traceOf(event, timing, 'failed', undefined, errorMessage(err)));
    throw err;
  }
  await save(traceOf(event, timing, result.outcome, result.call));
  return result;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The trace of this call's event in `state` (not a replay), or undefined on timeout. */
export async function waitForTrace(
  db: Db,
  callId: string,
  state: CallState,
  options: WaitOptions,
): Promise<EventTrace | undefined> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const end = now() + options.timeoutMs;
  for (;;) {
    const found = (await listTraces(db)).find(
      (t) => t.callId === callId && t.state === state && t.outcome !== 'replayed',
    );
    if (found) return found;
    if (now() >= end) return undefined;
    await sleep(options.intervalMs ?? 100);
  }
}
