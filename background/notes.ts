// What the connection tells the agent and the admin besides the calls themselves: the resync
// notice (calls may be missing), events that could not be handled (still listed in the popup),
// and the Diagnostics notes. All in storage.local, not IndexedDB: an event fails mostly because
// IndexedDB does, and its mark must outlive the worker.
import type { CallEvent } from '../shared/callEvent.ts';
import { type DiagnosticNote, MAX_NOTES, type ResyncNotice } from '../shared/diagnostics.ts';
import type { QueuedCall } from '../shared/messages.ts';
import type { StorageAreaLike } from './settingsStore.ts';

const NOTES_KEY = 'diagnosticNotes';
const NOTICE_KEY = 'resyncNotice';
const FAILED_KEY = 'failedEvents';
/** Failed events kept for the popup; the oldest go first. */
const MAX_FAILED = 50;

export interface FailedEvent {
  event: CallEvent;
  error: string;
  at: string;
}

async function list<T>(area: StorageAreaLike, key: string): Promise<T[]> {
  const { [key]: stored } = await area.get(key);
  return Array.isArray(stored) ? (stored as T[]) : [];
}

/** Adds a note, newest first, keeping the last MAX_NOTES. */
export async function addNote(area: StorageAreaLike, note: DiagnosticNote): Promise<void> {
  await area.set({
    [NOTES_KEY]: [note, ...(await list<DiagnosticNote>(area, NOTES_KEY))].slice(0, MAX_NOTES),
  });
}

export function listNotes(area: StorageAreaLike): Promise<DiagnosticNote[]> {
  return list<DiagnosticNote>(area, NOTES_KEY);
}

/**
 * The relay answered with resync: show the agent the gap and note it. A notice not yet dismissed
 * keeps its start, so two resyncs in a row widen one gap instead of hiding the first.
 */
export async function noteResync(
  area: StorageAreaLike,
  from: string | undefined,
  now: Date,
): Promise<ResyncNotice> {
  const earlier = await resyncNotice(area);
  const start = earlier ? earlier.from : from;
  const notice: ResyncNotice = { ...(start ? { from: start } : {}), to: now.toISOString() };
  await area.set({ [NOTICE_KEY]: notice });
  await addNote(area, { kind: 'resync', at: now.toISOString(), ...notice });
  return notice;
}

export async function resyncNotice(area: StorageAreaLike): Promise<ResyncNotice | undefined> {
  const { [NOTICE_KEY]: notice } = await area.get(NOTICE_KEY);
  return notice && typeof notice === 'object' && typeof (notice as ResyncNotice).to === 'string'
    ? (notice as ResyncNotice)
    : undefined;
}

export async function dismissResync(area: StorageAreaLike): Promise<void> {
  await area.set({ [NOTICE_KEY]: null });
}

/** Handling an event kept failing: keep it for the popup and note it for Diagnostics. */
export async function recordFailedEvent(
  area: StorageAreaLike,
  event: CallEvent,
  error: string,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const kept = (await list<FailedEvent>(area, FAILED_KEY)).filter((f) => f.event.id !== event.id);
  await area.set({ [FAILED_KEY]: [{ event, error, at }, ...kept].slice(0, MAX_FAILED) });
  await addNote(area, { kind: 'eventFailed', at, eventId: event.id, callId: event.callId, error });
}

export function failedEvents(area: StorageAreaLike): Promise<FailedEvent[]> {
  return list<FailedEvent>(area, FAILED_KEY);
}

/** `_locales` key a call shows when one of its events could not be handled. */
export const EVENT_FAILED = 'errEventFailed';

/**
 * The queue with every failed event in it: a call the queue has is marked, one it lacks (its
 * first event failed) is listed from the event alone.
 */
export function withFailed(calls: readonly QueuedCall[], failed: readonly FailedEvent[]): QueuedCall[] {
  const out = calls.map((c) => ({ ...c }));
  for (const { event } of failed) {
    const known = out.find((c) => c.callId === event.callId);
    if (known) {
      known.error ??= EVENT_FAILED;
      continue;
    }
    out.push({
      id: event.callId,
      callId: event.callId,
      state: event.state,
      at: event.at,
      callerId: event.callerId,
      extension: event.extension,
      ...(event.agentId ? { agentId: event.agentId } : {}),
      ...(event.keypress ? { keypress: event.keypress } : {}),
      source: event.source,
      action: null,
      error: EVENT_FAILED,
    });
  }
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}
