import { useMemo } from 'preact/hooks';
import type { ResyncNotice } from '../shared/diagnostics.ts';
import browser from '../shared/platform/browser.ts';
import { ConnectionIndicator } from '../shared/ui/ConnectionIndicator.tsx';
import { t } from '../shared/ui/messageClient.ts';
import { errorText, pageLocale } from '../shared/ui/uiText.ts';
import { BusyLight } from './BusyLight.tsx';
import { CallQueue } from './CallQueue.tsx';
import { PendingWorkDialog } from './PendingWorkDialog.tsx';
import { browserFormats } from './queue.ts';
import { type FirstList, useQueue } from './useQueue.ts';
import { useResume } from './useResume.ts';

/** `firstList`: the queue, asked for before the page rendered anything. */
export function Popup({ firstList }: { firstList?: FirstList }) {
  const { calls, connection, notice, dismissNotice, loadError } = useQueue(firstList);
  const { pendingId, resume, pick, ...guard } = useResume();
  const formats = useMemo(browserFormats, []);

  const openOptions = () => void browser.runtime.openOptionsPage();
  const problem = guard.error ?? loadError;

  return (
    <>
      <header class="bar">
        <h1>{t('extName')}</h1>
        <ConnectionIndicator status={connection} layout="stacked" />
        <BusyLight calls={calls} connection={connection} />
        <button type="button" class="icon-button" onClick={openOptions} title={t('openOptions')}>
          <GearIcon />
          <span class="visually-hidden">{t('openOptions')}</span>
        </button>
      </header>
      <main>
        <h2 class="section-title">{t('queueTitle')}</h2>
        {problem && (
          <p class="alert" role="alert" data-testid="resume-error">
            {errorText(problem, t)}
          </p>
        )}
        {notice && <ResyncBanner notice={notice} onDismiss={dismissNotice} />}
        {connection?.state === 'unconfigured' && (
          <p class="notice" data-testid="setup-hint">
            {t('setupHint')}{' '}
            <button type="button" class="link" onClick={openOptions}>
              {t('openOptions')}
            </button>
          </p>
        )}
        {calls === null ? (
          <p class="empty">{t('loading')}</p>
        ) : calls.length === 0 ? (
          <p class="empty" data-testid="queue-empty">
            {t('queueEmpty')}
          </p>
        ) : (
          <CallQueue calls={calls} formats={formats} pendingId={pendingId} onResume={resume} onPick={pick} />
        )}
      </main>
      {guard.pending && (
        <PendingWorkDialog
          pending={guard.pending}
          busy={pendingId !== null}
          onGoTo={guard.goToPending}
          onOpenAnyway={guard.openAnyway}
          onCancel={guard.dismiss}
        />
      )}
    </>
  );
}

/** Calls may be missing: the relay answered the saved position with resync. */
function ResyncBanner({ notice, onDismiss }: { notice: ResyncNotice; onDismiss: () => void }) {
  const format = useMemo(
    () => new Intl.DateTimeFormat(pageLocale(t).lang, { dateStyle: 'short', timeStyle: 'short' }),
    [],
  );
  // Dates read in their own order inside a right-to-left sentence.
  const time = (iso: string) => `\u2068${format.format(new Date(iso))}\u2069`;
  const text = notice.from
    ? t('resyncNotice', [time(notice.from), time(notice.to)])
    : t('resyncNoticeNoStart', time(notice.to));
  return (
    <p class="notice" role="status" data-testid="resync-notice">
      {text}{' '}
      <button type="button" class="link" onClick={onDismiss}>
        {t('resyncDismiss')}
      </button>
    </p>
  );
}

function GearIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M19.14 12.94a7.5 7.5 0 0 0 .05-.94 7.5 7.5 0 0 0-.05-.94l2.03-1.58a.5.5 0 0 0 .12-.64l-1.92-3.32a.5.5 0 0 0-.6-.22l-2.39.96a7 7 0 0 0-1.63-.94l-.36-2.54a.5.5 0 0 0-.5-.42h-3.84a.5.5 0 0 0-.5.42l-.36 2.54a7 7 0 0 0-1.63.94l-2.39-.96a.5.5 0 0 0-.6.22L2.66 8.84a.5.5 0 0 0 .12.64l2.03 1.58a7.5 7.5 0 0 0 0 1.88l-2.03 1.58a.5.5 0 0 0-.12.64l1.92 3.32a.5.5 0 0 0 .6.22l2.39-.96c.5.39 1.05.7 1.63.94l.36 2.54a.5.5 0 0 0 .5.42h3.84a.5.5 0 0 0 .5-.42l.36-2.54a7 7 0 0 0 1.63-.94l2.39.96a.5.5 0 0 0 .6-.22l1.92-3.32a.5.5 0 0 0-.12-.64zM12 15.5A3.5 3.5 0 1 1 12 8.5a3.5 3.5 0 0 1 0 7z"
      />
    </svg>
  );
}
