// Pure helpers of the Diagnostics section: each step's time relative to the relay, the export file.
import type { CallState } from '../shared/callEvent.ts';
import type { DiagnosticNote, EventTrace, TraceOutcome } from '../shared/diagnostics.ts';
import type { ConnectionStatus } from '../shared/messages.ts';
import type { Settings } from '../shared/settings.ts';
import type { Translate } from '../shared/ui/uiText.ts';

export const DIAGNOSTICS_FILE_NAME = 'screenpop-diagnostics.json';

export const STEPS = ['relay', 'worker', 'matched', 'opened'] as const;
export type Step = (typeof STEPS)[number];

/** The `_locales` key naming a step and an outcome. */
export const stepKey = (step: Step): string => `diagStep_${step}`;
export const outcomeKey = (outcome: TraceOutcome): string => `diagOutcome_${outcome}`;
/** The popup's word for a call state (`hangup` reads "ended" there). */
export const stateKey = (state: CallState): string => (state === 'hangup' ? 'state_ended' : `state_${state}`);

export interface StepTime {
  step: Step;
  /** Milliseconds after the relay received the event; null when the step was not reached. */
  ms: number | null;
}

/**
 * Each step's time after the relay accepted the event. The relay's time is on the relay's clock and
 * the rest on the browser's, so with skewed clocks the first gap can even be negative: shown as is.
 */
export function stepTimes(trace: EventTrace): StepTime[] {
  const start = Date.parse(trace.at);
  const after = (at: number | undefined) =>
    at === undefined || Number.isNaN(start) ? null : Math.round(at - start);
  return [
    { step: 'relay', ms: Number.isNaN(start) ? null : 0 },
    { step: 'worker', ms: after(trace.receivedAt) },
    { step: 'matched', ms: after(trace.matchedAt) },
    { step: 'opened', ms: after(trace.openedAt) },
  ];
}

/** From the relay to the last step the event reached. */
export function totalMs(trace: EventTrace): number | null {
  const reached = stepTimes(trace).filter((s) => s.ms !== null);
  return reached.length > 1 ? (reached.at(-1)?.ms ?? null) : null;
}

/** `0 ms` for the start, `+12 ms` after it, `−3 ms` before it (clock skew); `–` when not reached. */
export function formatOffset(ms: number | null, locale?: string): string {
  if (ms === null) return '–';
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const sign = ms > 0 ? '+' : ms < 0 ? '−' : '';
  return `${sign}${number.format(Math.abs(ms))} ms`;
}

/** The table's rows, newest first by the relay's time (the stored order is already close to it). */
export function newestFirst(events: readonly EventTrace[]): EventTrace[] {
  return [...events].sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || b.receivedAt - a.receivedAt);
}

export interface DiagnosticsReport {
  exportedAt: string;
  extensionVersion: string;
  userAgent?: string;
  connection: ConnectionStatus | null;
  /** The settings without the agent token: a diagnostics file gets mailed around. */
  settings: Omit<Settings, 'agentToken'> | null;
  events: EventTrace[];
  /** Resyncs, failed events and transport changes the connection noted. */
  notes: DiagnosticNote[];
}

export interface ReportInput {
  now: Date;
  extensionVersion: string;
  userAgent?: string;
  connection: ConnectionStatus | null;
  settings: Settings | null;
  events: readonly EventTrace[];
  notes?: readonly DiagnosticNote[];
}

export function diagnosticsReport(input: ReportInput): DiagnosticsReport {
  let settings: DiagnosticsReport['settings'] = null;
  if (input.settings) {
    const { agentToken: _secret, ...rest } = input.settings;
    settings = rest;
  }
  return {
    exportedAt: input.now.toISOString(),
    extensionVersion: input.extensionVersion,
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
    connection: input.connection,
    settings,
    events: [...input.events],
    notes: [...(input.notes ?? [])],
  };
}

export function diagnosticsJson(input: ReportInput): string {
  return `${JSON.stringify(diagnosticsReport(input), null, 2)}\n`;
}

/** A note as one line of text; `time` formats its ISO times. */
export function noteText(note: DiagnosticNote, t: Translate, time: (iso: string) => string): string {
  switch (note.kind) {
    case 'resync':
      return t('diagNote_resync', [note.from ? time(note.from) : '…', time(note.to)]);
    case 'eventFailed':
      return t('diagNote_eventFailed', [note.callId, note.error]);
    case 'transport':
      return t('diagNote_transport', [t(`transport_${note.transport}`), note.reason]);
  }
}
