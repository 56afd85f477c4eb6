import { useEffect, useMemo, useState } from 'preact/hooks';
import type { QueuedCall } from '../shared/messages.ts';
import { send, t } from '../shared/rpc.ts';
import { errorText } from '../shared/uiText.ts';
import { Others } from './Candidates.tsx';
import { QueueRow } from './QueueRow.tsx';
import { QueueToolbar } from './QueueToolbar.tsx';
import {
  ALL_RENDERED_MARK,
  browserDurationFormat,
  browserLocales,
  type FormatDate,
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
              <QueueRow
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
