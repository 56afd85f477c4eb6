import { useState } from 'preact/hooks';
import { t } from '../shared/ui/messageClient.ts';
import { FILTER_KEYS, QUEUE_FILTERS, type QueueCounts, type QueueFilter } from './queueFilters.ts';

interface Props {
  filter: QueueFilter;
  counts: QueueCounts;
  formatCount: (n: number) => string;
  onFilter: (filter: QueueFilter) => void;
  /** Resolves once the background removed them. */
  onClearHandled: () => Promise<void>;
}

/** The filter segments (each with its count) and "clear handled", which asks inline first. */
export function QueueToolbar({ filter, counts, formatCount, onFilter, onClearHandled }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [clearing, setClearing] = useState(false);
  const clear = async () => {
    setClearing(true);
    try {
      await onClearHandled();
    } finally {
      setClearing(false);
      setConfirming(false);
    }
  };
  return (
    <div class="queue-toolbar">
      <div class="segmented" role="group" aria-label={t('queueFilterLabel')} data-testid="queue-filters">
        {QUEUE_FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            aria-pressed={filter === f}
            data-filter={f}
            class={f === 'missed' && counts.missed ? 'has-missed' : undefined}
            onClick={() => onFilter(f)}
          >
            {t(FILTER_KEYS[f])}
            <span class="count" data-testid="filter-count">
              {formatCount(counts[f])}
            </span>
          </button>
        ))}
      </div>
      {confirming ? (
        <div class="confirm" data-testid="clear-confirm">
          <span>{t('queueClearConfirm', formatCount(counts.handled))}</span>
          <button type="button" class="danger" disabled={clearing} onClick={clear} data-testid="clear-yes">
            {t('queueClearYes')}
          </button>
          <button type="button" class="plain" onClick={() => setConfirming(false)} data-testid="clear-no">
            {t('queueClearNo')}
          </button>
        </div>
      ) : (
        counts.handled > 0 && (
          <button type="button" class="plain" onClick={() => setConfirming(true)} data-testid="clear-handled">
            {t('queueClearHandled')}
          </button>
        )
      )}
    </div>
  );
}
