import { useEffect, useMemo, useState } from 'preact/hooks';
import type { QueuedCall } from '../shared/messages.ts';
import { send, t } from '../shared/rpc.ts';
import { errorText } from '../shared/uiText.ts';
import { Others } from './Candidates.tsx';
import { LiveDuration } from './LiveDuration.tsx';
import { QueueToolbar } from './QueueToolbar.tsx';
import {
  browserDurationFormat,
  browserLocales,
  type CallRow,
  type FormatDate,
  type FormatDuration,
  ALL_RENDERED_MARK,
  NO_VALUE,
  RENDERED_MARK,
  toCallRow,
} from './queue.ts';
import { inFilter, type QueueFilter, queueCounts } from './queueFilters.ts';

/** More than a popup shows before scrolling. */
const FIRST_ROWS = 30;

interface Props {
  calls: QueuedCall[];
  formatDate: FormatDate;
  /** The id of the call being resumed, to mark its row busy. */
  pendingId: string | null;
  onResume: (id: string) => void;
  /** Opens the call's action for another contact its number matched. */
  onPick: (id: string, contactId: string) => void;
}

/**
 * The call queue as a dense table; each row is a button that opens the call's action again, with a
 * "handled" checkbox beside it. A call whose number matched several contacts lists the others under
 * its row, each a button to pick it.
 */
export function CallQueue({ calls, formatDate, pendingId, onResume, onPick }: Props) {
  const [filter, setFilter] = useState<QueueFilter>('all');
  const [error, setError] = useState<string | null>(null);
  const formatDuration = useMemo(browserDurationFormat, []);
  const formatCount = useMemo(() => {
    const number = new Intl.NumberFormat(browserLocales());
    return (n: number) => number.format(n);
  }, []);
  // Rows are built once per queue change, not per render (a filter click, a resume).
  const rows = useMemo(
    () => calls.map((call) => ({ call, row: toCallRow(call, formatDate, formatDuration) })),
    [calls, formatDate, formatDuration],
  );
  const counts = useMemo(() => queueCounts(calls), [calls]);
  const shown = useMemo(() => rows.filter(({ call }) => inFilter(call, filter)), [rows, filter]);
  // The first screenful paints at once; the rest of a long queue follows right after that paint.
  const [whole, setWhole] = useState(false);
  useEffect(() => {
    performance.mark(RENDERED_MARK);
    const later = setTimeout(() => setWhole(true));
    return () => clearTimeout(later);
  }, []);
  useEffect(() => void (whole && performance.mark(ALL_RENDERED_MARK)), [whole]);
  const listed = whole ? shown : shown.slice(0, FIRST_ROWS);

  // The background bumps the queue afterwards, so the refreshed list shows the change.
  const markHandled = (id: string, handled: boolean) => {
    setError(null);
    send('calls.markHandled', { ids: [id], handled }).catch(() => setError('errBackground'));
  };
  const clearHandled = async () => {
    setError(null);
    await send('calls.clearHandled', undefined).catch(() => setError('errBackground'));
  };

  return (
    <>
      <QueueToolbar
        filter={filter}
        counts={counts}
        formatCount={formatCount}
        onFilter={setFilter}
        onClearHandled={clearHandled}
      />
      {error && (
        <p class="alert" role="alert">
          {errorText(error, t)}
        </p>
      )}
      <div class="queue" data-filter={filter}>
        <div class="queue-row queue-head">
          <span class="c-check">
            <span class="visually-hidden">{t('colHandled')}</span>
          </span>
          <span>{t('colDateTime')}</span>
          <span>{t('colNumber')}</span>
          <span title={t('colExtension')}>{t('colExtension')}</span>
          <span title={t('colCallId')}>{t('colCallId')}</span>
          <span>{t('colCaller')}</span>
          <span title={t('colKeypress')}>{t('colKeypress')}</span>
          <span>{t('colState')}</span>
          <span title={t('colDuration')}>{t('colDuration')}</span>
        </div>
        <ol class="queue-list">
          {listed.map(({ row }) => (
            <li
              key={row.id}
              data-testid="queue-item"
              data-state={row.state}
              data-alert={row.alert}
              data-handled={row.handled}
            >
              <input
                type="checkbox"
                class="c-check"
                data-testid="mark-handled"
                checked={row.handled}
                title={t('queueMarkHandled')}
                aria-label={`${t('queueMarkHandled')}: ${row.number}`}
                onChange={(e) => markHandled(row.id, e.currentTarget.checked)}
              />
              <Row
                row={row}
                busy={pendingId === row.id}
                formatDuration={formatDuration}
                onResume={onResume}
              />
              {row.others.length > 0 && (
                <Others others={row.others} busy={pendingId === row.id} onPick={(c) => onPick(row.id, c)} />
              )}
            </li>
          ))}
        </ol>
      </div>
      {shown.length === 0 && (
        <p class="empty" data-testid="filter-empty">
          {t('queueFilterEmpty')}
        </p>
      )}
    </>
  );
}

function Row({
  row,
  busy,
  formatDuration,
  onResume,
}: {
  row: CallRow;
  busy: boolean;
  formatDuration: FormatDuration;
  onResume: (id: string) => void;
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
