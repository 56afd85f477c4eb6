import { useEffect, useMemo, useState } from 'preact/hooks';
import type { QueuedCall } from '../shared/messages.ts';
import { send, t } from '../shared/ui/messageClient.ts';
import { errorText } from '../shared/ui/uiText.ts';
import { Others } from './Candidates.tsx';
import { QueueRow } from './QueueRow.tsx';
import { QueueToolbar } from './QueueToolbar.tsx';
import { type CallRow, type QueueFormats, RENDERED_MARK, toCallRow } from './queue.ts';
import { inFilter, type QueueFilter, queueCounts } from './queueFilters.ts';
import { useJournal } from './useJournal.ts';
import { useRowWindow } from './useRowWindow.ts';

interface Props {
  calls: QueuedCall[];
  formats: QueueFormats;
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
export function CallQueue({ calls, formats, pendingId, onResume, onPick }: Props) {
  const [filter, setFilter] = useState<QueueFilter>('all');
  const [error, setError] = useState<string | null>(null);
  const counts = useMemo(() => queueCounts(calls), [calls]);
  const shown = useMemo(() => calls.filter((call) => inFilter(call, filter)), [calls, filter]);
  // A row is built when it first comes into view, once per queue change (a new list brings new
  // call objects), not per render (a scroll, a filter click, a resume).
  const rowOf = useMemo(() => {
    const built = new WeakMap<QueuedCall, CallRow>();
    return (call: QueuedCall) => {
      let row = built.get(call);
      if (!row) built.set(call, (row = toCallRow(call, formats.date, formats.duration)));
      return row;
    };
  }, [formats]);
  // The first effect after the first paint of the rows, before any other reads the layout.
  useEffect(() => void performance.mark(RENDERED_MARK), []);
  // Only the rows in view (and a few beyond) are in the page; the others are spacers of their height.
  const { win, topRef, listRef } = useRowWindow(shown);
  const journal = useJournal(calls);

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
        formatCount={formats.count}
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
        <div ref={topRef} style={{ blockSize: `${win.before}px` }} />
        <ol class="queue-list" ref={listRef}>
          {shown.slice(win.start, win.end).map((call, i) => {
            const row = rowOf(call);
            return (
              <li
                key={row.id}
                data-id={row.id}
                data-testid="queue-item"
                data-state={row.state}
                data-alert={row.alert}
                data-handled={row.handled}
                // A screen reader says "37 of 500" although only the rows near the view exist.
                aria-setsize={shown.length}
                aria-posinset={win.start + i + 1}
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
                  formatDuration={formats.duration}
                  onResume={onResume}
                  logged={journal[row.callId]}
                />
                {row.others.length > 0 && (
                  <Others others={row.others} busy={pendingId === row.id} onPick={(c) => onPick(row.id, c)} />
                )}
              </li>
            );
          })}
        </ol>
        <div style={{ blockSize: `${win.after}px` }} />
      </div>
      {shown.length === 0 && (
        <p class="empty" data-testid="filter-empty">
          {t('queueFilterEmpty')}
        </p>
      )}
    </>
  );
}
