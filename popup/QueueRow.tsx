import { t } from '../shared/ui/messageClient.ts';
import { errorText } from '../shared/ui/uiText.ts';
import { LiveDuration } from './LiveDuration.tsx';
import { type CallRow, type FormatDuration, NO_VALUE } from './queue.ts';

/** One queued call: a button that opens its action again (the "handled" checkbox sits beside it). */
export function QueueRow({
  row,
  busy,
  formatDuration,
  onResume,
  logged,
}: {
  row: CallRow;
  busy: boolean;
  formatDuration: FormatDuration;
  onResume: (id: string) => void;
  /** The relay's call journal on this call, when it keeps one. */
  logged?: { state: 'pending' | 'written' | 'dead'; reason?: string } | undefined;
}) {
  return (
    <button
      type="button"
      class="queue-row"
      data-testid="call-row"
      data-id={row.id}
      data-call-id={row.callId}
      aria-busy={busy}
      title={t('resumeHint')}
      onClick={() => onResume(row.id)}
    >
      <time class="c-when" dateTime={row.at}>
        {/* A formatted time such as "11:43 AM" keeps its own order inside a right-to-left page. */}
        <bdi>{row.time}</bdi>
        <bdi class="sub">{row.date}</bdi>
      </time>
      {/* Numbers and ids read left to right in a right-to-left page too. */}
      <bdi class="c-number" dir="ltr" title={row.callerId}>
        {row.number}
      </bdi>
      <bdi class="c-ext" dir="ltr">
        {row.extension}
      </bdi>
      <bdi class="c-callid" dir="ltr" title={row.callId}>
        {row.callId}
      </bdi>
      <span class="c-caller">
        {row.caller ? <span class="name">{row.caller}</span> : <span class="muted">{NO_VALUE}</span>}
        {row.company && <span class="sub">{row.company}</span>}
        {logged && (
          <span
            class={`sub journal journal-${logged.state}`}
            data-testid="call-logged"
            data-logged={logged.state}
            title={logged.reason}
          >
            {logged.state === 'written'
              ? t('journalWritten')
              : logged.state === 'dead'
                ? t('journalFailed', [logged.reason ?? ''])
                : logged.reason
                  ? t('journalRetrying', [logged.reason])
                  : t('journalPending')}
          </span>
        )}
        {row.routedKey && (
          <span class="sub routed" data-testid="call-routed" data-routed={row.routedKey}>
            {t(row.routedKey)}
          </span>
        )}
      </span>
      <span class="c-key" title={t(row.actionKey)}>
        {row.keypress}
      </span>
      <span class="c-state" data-testid="call-state">
        {row.state === 'missed' && <MissedIcon />}
        {t(row.stateKey)}
      </span>
      <bdi class="c-duration" dir="ltr" data-testid="call-duration">
        {row.runningSince !== null ? (
          <LiveDuration since={row.runningSince} format={formatDuration} />
        ) : (
          (row.duration ?? '')
        )}
      </bdi>
      {row.errorKey && (
        <span class="c-error" data-testid="call-error">
          {errorText(row.errorKey, t)}
        </span>
      )}
    </button>
  );
}

/** A handset with an arrow bouncing off it, the usual "missed call" sign. */
function MissedIcon() {
  return (
    <svg
      class="missed-icon"
      viewBox="0 0 24 24"
      width="12"
      height="12"
      role="img"
      aria-label={t('queueMissedIcon')}
      data-testid="missed-icon"
    >
      <path
        fill="currentColor"
        d="M23.7 16.7A16.9 16.9 0 0 0 12 12C7.5 12 3.4 13.8.3 16.7a1 1 0 0 0 0 1.4l2.5 2.5a1 1 0 0 0 1.4 0c.8-.7 1.7-1.4 2.6-1.9.3-.2.6-.5.6-.9v-3.1a14.5 14.5 0 0 1 9.2 0v3.1c0 .4.2.7.6.9.9.5 1.8 1.2 2.6 1.9a1 1 0 0 0 1.4 0l2.5-2.5a1 1 0 0 0 0-1.4zM7 6.4l5 5 7-7-1.4-1.4-5.6 5.6-3.6-3.6H11V3H5v6h2z"
      />
    </svg>
  );
}
