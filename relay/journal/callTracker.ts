// A call as the journal sees it, merged from its events: when it started, who answered, when it
// ended and how. A call ends with `hangup` or `missed` (or `busy`), or, for a PBX that never says
// (Logo CRM's webhook), `endAfterSeconds` after its last event.
import type { CallEvent } from '../../shared/callEvent.ts';

export interface JournalCall {
  callId: string;
  source: string;
  direction: 'inbound' | 'outbound' | 'internal';
  callerId: string;
  /** Every extension the call reached (a ring group rings several). */
  extensions: string[];
  agentIds: string[];
  /** Users an owner- or team-routed call was for. */
  routedTo: string[];
  startedAt: number;
  answeredAt?: number;
  /** The relay agent who answered, when the PBX or the mapping says. */
  answeredBy?: string;
  answeredExtension?: string;
  endedAt?: number;
  /** How it ended: `missed` (or busy) or `hangup`; undefined while under way. */
  end?: 'hangup' | 'missed';
  recordingUrl?: string;
  lastAt: number;
}

const ENDS: Partial<Record<CallEvent['state'], JournalCall['end']>> = {
  hangup: 'hangup',
  missed: 'missed',
  busy: 'missed',
};

/** The call with this event merged in; `ended` when the event ends it. */
export function mergeEvent(
  prev: JournalCall | undefined,
  event: CallEvent,
): { call: JournalCall; ended: boolean } {
  const at = Date.parse(event.at);
  const call: JournalCall = prev
    ? {
        ...prev,
        extensions: [...prev.extensions],
        agentIds: [...prev.agentIds],
        routedTo: [...prev.routedTo],
      }
    : {
        callId: event.callId,
        source: event.source,
        direction: event.direction,
        callerId: event.callerId,
        extensions: [],
        agentIds: [],
        routedTo: [],
        startedAt: at,
        lastAt: at,
      };
  call.lastAt = Math.max(call.lastAt, at);
  call.startedAt = Math.min(call.startedAt, at);
  if (!call.callerId && event.callerId) call.callerId = event.callerId;
  if (event.extension && !call.extensions.includes(event.extension)) call.extensions.push(event.extension);
  if (event.agentId && !call.agentIds.includes(event.agentId)) call.agentIds.push(event.agentId);
  for (const user of event.routedTo ?? []) if (!call.routedTo.includes(user)) call.routedTo.push(user);
  if (event.recordingUrl) call.recordingUrl = event.recordingUrl;
  if (event.state === 'answered' && call.answeredAt === undefined) {
    call.answeredAt = at;
    if (event.answeredBy) call.answeredBy = event.answeredBy;
    if (event.extension) call.answeredExtension = event.extension;
  }
  const end = ENDS[event.state];
  // An answered call that the PBX later reports "missed" on another ring-group member still was
  // answered: the end is a hangup as far as the CRM is concerned.
  if (end) {
    call.end = call.answeredAt !== undefined ? 'hangup' : end;
    call.endedAt = at;
  }
  return { call, ended: end !== undefined };
}

/** The call its events (in log order) make. */
export function mergeAll(events: readonly CallEvent[]): JournalCall {
  let call: JournalCall | undefined;
  for (const event of events) call = mergeEvent(call, event).call;
  if (!call) throw new Error('journal: a call without events');
  return call;
}
