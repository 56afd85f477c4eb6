// The queue's filters (all / missed / not yet handled) and the counts shown on them. Pure.
import type { QueuedCall } from '../shared/messages.ts';

export const QUEUE_FILTERS = ['all', 'missed', 'open'] as const;
export type QueueFilter = (typeof QUEUE_FILTERS)[number];

/** `_locales` key of each filter's label. */
export const FILTER_KEYS: Record<QueueFilter, string> = {
  all: 'queueFilterAll',
  missed: 'queueFilterMissed',
  open: 'queueFilterOpen',
};

export function inFilter(call: QueuedCall, filter: QueueFilter): boolean {
  if (filter === 'missed') return call.state === 'missed';
  if (filter === 'open') return !call.handled;
  return true;
}

export interface QueueCounts extends Record<QueueFilter, number> {
  /** Calls "clear handled" would remove. */
  handled: number;
}

/** One pass over the queue for every count the toolbar shows. */
export function queueCounts(calls: readonly QueuedCall[]): QueueCounts {
  const counts = { all: calls.length, missed: 0, open: 0, handled: 0 };
  for (const call of calls) {
    if (call.state === 'missed') counts.missed++;
    if (call.handled) counts.handled++;
    else counts.open++;
  }
  return counts;
}
