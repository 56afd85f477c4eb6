// How a queued call reads in the popup's table (Logo CRM's "Çağrı Kuyruğu" columns: date/time,
// number, extension, call id, probable caller, keypress). Pure, so it is tested without a browser.
import type { QueuedCall } from '../shared/messages.ts';

/** Shown where a column has no value, e.g. a caller we could not match. */
export const NO_VALUE = '—';

export interface DateParts {
  date: string;
  time: string;
}

/** Formats one instant; injected so tests do not depend on the machine's locale or time zone. */
export type FormatDate = (when: Date) => DateParts;

/** Date and time in the browser's locale. */
export function browserDateFormat(): FormatDate {
  const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'short' });
  const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
  return (when) => ({ date: date.format(when), time: time.format(when) });
}

export interface CallRow {
  id: string;
  callId: string;
  /** The raw `at`, for a `<time datetime>`. */
  at: string;
  date: string;
  time: string;
  /** National form when the background could normalise the number, else the raw caller id. */
  number: string;
  callerId: string;
  extension: string;
  /** Contact name, or null when the caller is unknown. */
  caller: string | null;
  /** Company under the name, when it says something the name does not. */
  company: string | null;
  keypress: string;
  /** `_locales` key of the action the call got. */
  actionKey: string;
  /** `_locales` key of why nothing was opened. */
  errorKey: string | null;
  /** The other contacts the number matched, best first (empty when there was one or none). */
  others: CandidateRow[];
}

export interface CandidateRow {
  contactId: string;
  name: string;
  /** Company under the name, when it says something the name does not. */
  company: string | null;
  /** `_locales` key of why it matched. */
  reasonKey: string;
  own: boolean;
}

export function toCallRow(call: QueuedCall, formatDate: FormatDate): CallRow {
  const when = new Date(call.at);
  // A malformed time is shown as sent rather than as "Invalid Date".
  const { date, time } = Number.isNaN(when.getTime()) ? { date: call.at, time: '' } : formatDate(when);
  const name = call.contact?.name.trim() || null;
  const company = call.contact?.company?.trim() || null;
  return {
    id: call.id,
    callId: call.callId,
    at: call.at,
    date,
    time,
    number: call.national?.trim() || call.callerId,
    callerId: call.callerId,
    extension: call.extension,
    caller: name ?? company,
    company: name && company && company !== name ? company : null,
    keypress: call.keypress || NO_VALUE,
    actionKey: `action_${call.action ?? 'none'}`,
    errorKey: call.error || null,
    others: (call.candidates ?? [])
      .filter((c) => c.id !== call.contact?.id)
      .map((c) => {
        const cName = c.name.trim() || c.company?.trim() || c.id;
        const cCompany = c.company?.trim() || null;
        return {
          contactId: c.id,
          name: cName,
          company: cCompany && cCompany !== cName ? cCompany : null,
          reasonKey: `match_${c.reason}`,
          own: c.own,
        };
      }),
  };
}

/** Newest first by time; calls with the same (or an unreadable) time keep the background's order. */
export function newestFirst(calls: readonly QueuedCall[]): QueuedCall[] {
  const time = (c: QueuedCall) => {
    const ms = Date.parse(c.at);
    return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
  };
  // Two unreadable times give NaN, which sort must not see.
  return [...calls].sort((a, b) => time(b) - time(a) || 0);
}
