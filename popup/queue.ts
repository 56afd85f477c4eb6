// How a queued call reads in the popup's table (Logo CRM's "Çağrı Kuyruğu" columns: date/time,
// number, extension, call id, probable caller, keypress; then state and duration). Pure, so it is
// tested without a browser, clock or locale.
import { isUnhandledMiss, reportsHangup, STALE_AFTER_MS } from '../shared/busy.ts';
import { type CallState, ROUTED_BY, type RoutedBy } from '../shared/callEvent.ts';
import type { QueuedCall } from '../shared/messages.ts';

/** `performance` mark (`npm run bench:popup`): the rows in view painted, the whole list live. */
export const RENDERED_MARK = 'screenpop:queue-rendered';
/** `performance` mark set when the first list arrives from the background. */
export const LOADED_MARK = 'screenpop:queue-loaded';

/** Shown where a column has no value, e.g. a caller we could not match. */
export const NO_VALUE = '—';

export interface DateParts {
  date: string;
  time: string;
}

/** Formats one instant; injected so tests do not depend on the machine's locale or time zone. */
export type FormatDate = (when: Date) => DateParts;

/**
 * The browser's preferred languages, best first. Chrome's `Intl` default can lag behind them (it is
 * en-US in headless Chromium whatever the language), so formatters name them explicitly.
 */
export function browserLocales(): string[] | undefined {
  const langs = globalThis.navigator?.languages;
  return langs?.length ? [...langs] : undefined;
}

/** Date and time in the browser's locale. */
export function browserDateFormat(): FormatDate {
  const date = new Intl.DateTimeFormat(browserLocales(), { dateStyle: 'short' });
  const time = new Intl.DateTimeFormat(browserLocales(), { timeStyle: 'short' });
  return (when) => ({ date: date.format(when), time: time.format(when) });
}

/** Formats a duration in milliseconds as mm:ss (h:mm:ss past an hour). */
export type FormatDuration = (ms: number) => string;

/** Two-digit parts in the browser's locale (Persian digits in Persian); built once per popup. */
export function browserDurationFormat(): FormatDuration {
  const two = new Intl.NumberFormat(browserLocales(), { minimumIntegerDigits: 2, useGrouping: false });
  return (ms) => formatDuration(ms, (n) => two.format(n));
}

/** The number in each filter's count, in the browser's locale. */
export type FormatCount = (n: number) => string;

export interface QueueFormats {
  date: FormatDate;
  duration: FormatDuration;
  count: FormatCount;
}

/**
 * Every formatter the queue uses, built once per popup: while the list is on its way from the
 * background, not when it arrives.
 */
export function browserFormats(): QueueFormats {
  const number = new Intl.NumberFormat(browserLocales());
  return { date: browserDateFormat(), duration: browserDurationFormat(), count: (n) => number.format(n) };
}

export function formatDuration(ms: number, pad2: (n: number) => string = (n) => String(n).padStart(2, '0')) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const mmss = `${pad2(m)}:${pad2(total % 60)}`;
  return h ? `${pad2(h)}:${mmss}` : mmss;
}

/** `_locales` key of the state the agent reads: a hangup reads "ended", a colleague's answer "elsewhere". */
export function stateKey(call: Pick<QueuedCall, 'state' | 'skipped'>): string {
  if (call.skipped === 'elsewhere' && (call.state === 'answered' || call.state === 'hangup'))
    return 'state_elsewhere';
  return call.state === 'hangup' ? 'state_ended' : `state_${call.state}`;
}

/** The `_locales` keys `stateKey` can answer, for the locales test. */
export const STATE_KEYS = [
  'state_ringing',
  'state_answered',
  'state_ended',
  'state_missed',
  'state_busy',
  'state_transferred',
  'state_elsewhere',
];

/** `_locales` key of why the relay sent the agent the call: "your customer", "your extension", "team". */
export const routedKey = (routedBy: RoutedBy): string => `routed_${routedBy}`;

/** The `_locales` keys `routedKey` can answer, for the locales test. */
export const ROUTED_KEYS = ROUTED_BY.map(routedKey);

export type CallDuration = { ms: number; running: false } | { ms: number; running: true; since: number };

/**
 * Answered → ended; a call still on the line runs from its answer until `now`. None for a missed or
 * unanswered call, nor for an answer whose end the PBX never reports (Logo CRM) or that is stale.
 */
export function callDuration(call: QueuedCall, now: number): CallDuration | null {
  if (call.state === 'missed' || !call.answeredAt) return null;
  const start = Date.parse(call.answeredAt);
  if (Number.isNaN(start)) return null;
  if (call.endedAt) {
    const end = Date.parse(call.endedAt);
    return Number.isNaN(end) ? null : { ms: Math.max(0, end - start), running: false };
  }
  if (call.state !== 'answered' || !reportsHangup(call) || now - start >= STALE_AFTER_MS) return null;
  return { ms: Math.max(0, now - start), running: true, since: start };
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
  /** `_locales` key of why the call reached this agent (owner-routing PBX sources), else null. */
  routedKey: string | null;
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
  state: CallState;
  /** `_locales` key of the state. */
  stateKey: string;
  /** Missed and not yet handled: the row stands out. */
  alert: boolean;
  handled: boolean;
  /** mm:ss, or null when the call has no duration; a running call's text is as of `now`. */
  duration: string | null;
  /** Answer time (epoch ms) of a call still on the line, whose duration keeps counting. */
  runningSince: number | null;
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

export function toCallRow(
  call: QueuedCall,
  formatDate: FormatDate,
  formatDur: FormatDuration = formatDuration,
  now = Date.now(),
): CallRow {
  const when = new Date(call.at);
  // A malformed time is shown as sent rather than as "Invalid Date".
  const { date, time } = Number.isNaN(when.getTime()) ? { date: call.at, time: '' } : formatDate(when);
  const name = call.contact?.name.trim() || null;
  const company = call.contact?.company?.trim() || null;
  const duration = callDuration(call, now);
  return {
    id: call.id,
    callId: call.callId,
    at: call.at,
    date,
    time,
    number: call.national?.trim() || call.callerId,
    callerId: call.callerId,
    // Empty only for a team call the PBX named no extension for (owner routing).
    extension: call.extension || NO_VALUE,
    routedKey: call.routedBy ? routedKey(call.routedBy) : null,
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
    state: call.state,
    stateKey: stateKey(call),
    alert: isUnhandledMiss(call),
    handled: Boolean(call.handled),
    duration: duration ? formatDur(duration.ms) : null,
    runningSince: duration?.running ? duration.since : null,
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
