import { useEffect, useRef } from 'preact/hooks';
import type { PendingWork } from '../shared/messages.ts';
import { t } from '../shared/ui/messageClient.ts';
import './pendingWorkDialog.css';

interface Props {
  pending: PendingWork;
  /** True while "open anyway" or "go to it" is under way. */
  busy: boolean;
  onGoTo: () => void;
  onOpenAnyway: () => void;
  onCancel: () => void;
}

/**
 * Asks before another call's page replaces the CRM tab that still holds unsaved work. A modal
 * alert dialog: focus starts on "Go to it" (the safe choice), stays inside, and Escape cancels.
 */
export function PendingWorkDialog({ pending, busy, onGoTo, onOpenAnyway, onCancel }: Props) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    box.current?.querySelector<HTMLButtonElement>('button')?.focus();
    return () => previous?.focus?.();
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    } else if (event.key === 'Tab') {
      const buttons = [...(box.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
      const first = buttons[0];
      const last = buttons[buttons.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last?.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first?.focus();
      }
    }
  };

  return (
    <div class="guard-backdrop">
      <div
        ref={box}
        class="guard-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="guard-title"
        aria-describedby="guard-message guard-reason"
        data-testid="pending-dialog"
        data-reason={pending.reason}
        onKeyDown={onKeyDown}
      >
        <h2 id="guard-title">{t('guardTitle')}</h2>
        <p id="guard-message" data-testid="pending-message">
          {t('guardMessage')}
        </p>
        <p id="guard-reason" class="guard-reason">
          {t(`guardReason_${pending.reason}`)}{' '}
          <bdi dir="ltr" class="guard-url" title={pending.url}>
            {pending.url}
          </bdi>
        </p>
        <div class="guard-actions">
          <button
            type="button"
            class="guard-primary"
            data-testid="pending-go"
            disabled={busy}
            onClick={onGoTo}
          >
            {t('guardGoTo')}
          </button>
          <button type="button" data-testid="pending-open" disabled={busy} onClick={onOpenAnyway}>
            {t('guardOpenAnyway')}
          </button>
          <button type="button" data-testid="pending-cancel" onClick={onCancel}>
            {t('guardCancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
