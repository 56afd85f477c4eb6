// What the writers share: their dependencies and timeout, and what the CRM writers put in front of
// an admin, the same in vtiger and SuiteCRM: the subject, a description with the recording link
// and the marker line a retry finds the record by, and the UTC date/time parts the APIs take.
import type { JournalLog, JournalRecord } from '../journalTypes.ts';

/** Each request of a writer gives up after this long (the outbox retries later). */
export const WRITE_TIMEOUT_MS = 10_000;

/** What `create` gets: WriterKind's deps, and a shorter timeout for tests. */
export interface WriterDeps {
  log: JournalLog;
  now?: () => number;
  /** Per request; WRITE_TIMEOUT_MS when absent. */
  timeoutMs?: number;
}

/** Keys the outbox makes are `sp-<hex>`; a key must stay a plain word inside a query literal. */
const SAFE_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The line a CRM without idempotency finds an earlier attempt by. The key goes into a query
 * literal (vtiger's `LIKE '%…%'`), so only a plain key is used as is; any other is refused
 * rather than escaped (VTQL has no escape for a quote).
 */
export function markerLine(key: string): string {
  if (!SAFE_KEY.test(key))
    throw new Error(`idempotency key "${key.slice(0, 40)}" has characters a CRM query cannot hold`);
  return `ScreenPop call ${key}`;
}

/** True when `description` holds `marker` as a whole line (so key `sp-1` never finds `sp-12`). */
export function hasMarker(description: unknown, marker: string): boolean {
  return (
    typeof description === 'string' &&
    description
      .replace(/&#0*10;|<br\s*\/?>/gi, '\n')
      .split(/\r?\n/)
      .some((line) => line.trim() === marker)
  );
}

/** The caller as a person reads it: "Ali Veli / +905321112233", or whichever part is known. */
export function callerOf(record: JournalRecord): string {
  const number = record.phone ?? record.callerId;
  const name = record.contact?.name;
  if (name && number) return `${name} / ${number}`;
  return name || number || 'an unknown number';
}

export function subjectOf(record: JournalRecord): string {
  const who = callerOf(record);
  if (record.type === 'task') return record.subject ?? `Missed call from ${who}`;
  if (record.direction === 'outbound')
    return record.status === 'held' ? `Outbound call to ${who}` : `Unanswered call to ${who}`;
  return record.status === 'held' ? `Inbound call from ${who}` : `Missed call from ${who}`;
}

function spoken(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m} min ${s} s` : `${s} s`;
}

/** The description: what an agent wants to see, then the marker line last. */
export function descriptionOf(record: JournalRecord): string {
  const lines: string[] = [];
  if (record.recordingUrl) lines.push(`Recording: ${record.recordingUrl}`);
  lines.push(`Number: ${record.callerId || 'unknown'}`);
  if (record.agent) lines.push(`Agent: ${record.agent.user}`);
  if (record.status === 'held') lines.push(`Talk time: ${spoken(record.durationSeconds)}`);
  lines.push(`Source: ${record.source}`);
  lines.push(markerLine(record.idempotencyKey));
  return lines.join('\n');
}

/** `2026-12-03T19:40:07.000Z` → UTC parts; the CRMs' APIs take dates and times apart or as `Y-m-d H:i:s`. */
export function utc(iso: string): { date: string; time: string; dateTime: string } {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`"${iso.slice(0, 40)}" is not a time`);
  const s = new Date(t).toISOString();
  const date = s.slice(0, 10);
  const time = s.slice(11, 19);
  return { date, time, dateTime: `${date} ${time}` };
}

/** Whole minutes, rounded up (a 20-second call is not a 0-minute call), as hours and minutes. */
export function durationParts(seconds: number): { hours: number; minutes: number } {
  const total = Math.ceil(Math.max(0, seconds) / 60);
  return { hours: Math.floor(total / 60), minutes: total % 60 };
}

/** The HTTP statuses worth trying again: a timeout, rate limiting, a server error. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
