import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { DiagnosticNote, EventTrace } from '../shared/diagnostics.ts';
import type { ConnectionStatus } from '../shared/messages.ts';
import browser from '../shared/platform/browser.ts';
import { send, t } from '../shared/ui/messageClient.ts';
import { errorText, pageLocale } from '../shared/ui/uiText.ts';
import {
  DIAGNOSTICS_FILE_NAME,
  diagnosticsJson,
  formatOffset,
  newestFirst,
  noteText,
  outcomeKey,
  stateKey,
  stepKey,
  stepTimes,
  totalMs,
} from './diagnostics.ts';
import './diagnostics.css';

interface TestResult {
  ok: boolean;
  error?: string;
  trace?: EventTrace;
}

/** The worker's event trace, re-read whenever the worker bumps the queue (one bump per event). */
function useEvents() {
  const [events, setEvents] = useState<EventTrace[] | null>(null);
  const [notes, setNotes] = useState<DiagnosticNote[]>([]);
  const refresh = useCallback(() => {
    send('diagnostics.events', undefined).then(
      (res) => {
        if (!res) return;
        setEvents(res.events);
        setNotes(res.notes ?? []);
      },
      () => setEvents((prev) => prev ?? []),
    );
  }, []);
  useEffect(() => {
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area === 'session' && 'queueRev' in changes) refresh();
    };
    browser.storage.onChanged.addListener(onChanged);
    refresh();
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, [refresh]);
  return { events, notes, refresh };
}

/** Resyncs, events that could not be handled and transport changes, newest first. */
function NotesList({ notes, locale }: { notes: DiagnosticNote[]; locale: string }) {
  const format = useMemo(
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }),
    [locale],
  );
  const time = (iso: string) => format.format(new Date(iso));
  if (!notes.length) return null;
  return (
    <>
      <h3>{t('diagNotesTitle')}</h3>
      <ul class="diag-notes" data-testid="diag-notes">
        {notes.map((n) => (
          <li key={`${n.at} ${n.kind}`} data-kind={n.kind}>
            <time dateTime={n.at}>{time(n.at)}</time> {noteText(n, t, time)}
          </li>
        ))}
      </ul>
    </>
  );
}

function Steps({ trace, locale }: { trace: EventTrace; locale: string }) {
  return (
    <ol class="diag-steps" data-testid="diag-steps">
      {stepTimes(trace).map(({ step, ms }) => (
        <li key={step} data-step={step} data-reached={String(ms !== null)}>
          <span class="diag-step-name">{t(stepKey(step))}</span>{' '}
          <bdi class="diag-step-time" dir="ltr">
            {formatOffset(ms, locale)}
          </bdi>
        </li>
      ))}
    </ol>
  );
}

function EventsTable({ events, locale }: { events: EventTrace[]; locale: string }) {
  const time = useMemo(() => new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }), [locale]);
  if (!events.length) return <p class="hint">{t('diagNoEvents')}</p>;
  return (
    <div class="diag-table-wrap">
      <table class="diag-table" data-testid="diag-events">
        <thead>
          <tr>
            <th scope="col">{t('diagColTime')}</th>
            <th scope="col">{t('diagColCallId')}</th>
            <th scope="col">{t('diagColState')}</th>
            <th scope="col">{t('diagColCaller')}</th>
            <th scope="col">{t('diagColOutcome')}</th>
            <th scope="col">{t('diagColTotal')}</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst(events).map((e) => (
            <tr key={e.eventId} data-testid="diag-event" data-call-id={e.callId} data-outcome={e.outcome}>
              <td>
                <time dateTime={e.at}>{time.format(new Date(e.at))}</time>
              </td>
              <td class="mono">
                <bdi>{e.callId}</bdi>
              </td>
              <td>{t(stateKey(e.state))}</td>
              <td>
                {e.contactName && <>{e.contactName} · </>}
                <bdi dir="ltr">{e.callerId}</bdi>
              </td>
              <td title={e.error ? errorText(e.error, t) : undefined}>{t(outcomeKey(e.outcome))}</td>
              <td class="num">
                <bdi dir="ltr">{formatOffset(totalMs(e), locale)}</bdi>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Send a test call and watch its steps; the last 100 events; everything as a JSON file. */
export function DiagnosticsSection({ connection }: { connection: ConnectionStatus | null }) {
  const locale = useMemo(() => pageLocale(t).lang, []);
  const { events, notes, refresh } = useEvents();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);

  const testCall = async () => {
    setRunning(true);
    setResult(null);
    try {
      setResult(await send('diagnostics.testCall', undefined));
    } catch {
      setResult({ ok: false, error: 'errBackground' });
    } finally {
      setRunning(false);
      refresh();
    }
  };

  const exportFile = async () => {
    const [{ settings }, latest] = await Promise.all([
      send('settings.get', undefined).catch(() => ({ settings: null })),
      send('diagnostics.events', undefined).catch(() => ({ events: events ?? [], notes })),
    ]);
    const json = diagnosticsJson({
      now: new Date(),
      extensionVersion: browser.runtime.getManifest().version,
      userAgent: navigator.userAgent,
      connection,
      settings,
      events: latest.events,
      notes: latest.notes,
    });
    const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = DIAGNOSTICS_FILE_NAME;
    link.click();
    // The download has started by the next task; the object URL is not needed after that.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  const trace = result?.trace;
  const outcome = trace ? t(outcomeKey(trace.outcome)) : '';
  const message = result?.ok
    ? t('diagTestPopped')
    : result && (result.error ? errorText(result.error, t) : t('diagTestOutcome', outcome));

  return (
    <section aria-labelledby="sec-diagnostics" data-testid="diagnostics">
      <h2 id="sec-diagnostics">{t('diagSection')}</h2>
      <p class="hint">{t('diagHelp')}</p>
      <div class="actions">
        <button type="button" id="diag-test-call" class="secondary" disabled={running} onClick={testCall}>
          {running ? t('diagTestRunning') : t('diagTestCall')}
        </button>
        <button type="button" id="diag-export" class="secondary" onClick={() => void exportFile()}>
          {t('diagExport')}
        </button>
      </div>
      {result && (
        <div class="result" data-testid="diag-result" data-ok={String(result.ok)} role="status">
          {trace && <Steps trace={trace} locale={locale} />}
          <p>{message}</p>
        </div>
      )}
      <NotesList notes={notes} locale={locale} />
      <h3>{t('diagEventsTitle')}</h3>
      {events === null ? <p class="hint">{t('loading')}</p> : <EventsTable events={events} locale={locale} />}
    </section>
  );
}
