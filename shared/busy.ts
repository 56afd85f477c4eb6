// The agent's PBX state as the popup's light and the toolbar badge show it, derived from the call
// queue: busy while one of the agent's calls is answered and not yet ended.
import type { QueuedCall } from './messages.ts';

// A hangup the PBX never sent must not leave the light red for the rest of the day.
export const STALE_AFTER_MS = 4 * 60 * 60 * 1000;
// Logo CRM's webhook only says "answered" and never reports the end of a call, so it cannot
// drive the light; PBX formats that report hangups (UIS, vtiger, journal, /v1/calls) do.
const NO_HANGUP_SOURCES = new Set(['logo']);

/** False for PBX formats that never report the end of a call, so "answered" may never end. */
export function reportsHangup(call: Pick<QueuedCall, 'source'>): boolean {
  return !NO_HANGUP_SOURCES.has(call.source ?? '');
}

/** True while a call this agent answered (not a ring-group colleague) has not ended. */
export function isBusy(calls: readonly QueuedCall[], user: string | undefined, now = Date.now()): boolean {
  return calls.some(
    (c) =>
      c.state === 'answered' &&
      reportsHangup(c) &&
      (!c.answeredBy || !user || c.answeredBy === user) &&
      now - Date.parse(c.at) < STALE_AFTER_MS,
  );
}

/** A missed call nobody has dealt with yet: what the badge counts and the queue highlights. */
export function isUnhandledMiss(call: QueuedCall): boolean {
  return call.state === 'missed' && !call.handled;
}

/** Missed calls in the queue not yet marked handled, for the badge. */
export function missedCount(calls: readonly QueuedCall[]): number {
  return calls.filter(isUnhandledMiss).length;
}
