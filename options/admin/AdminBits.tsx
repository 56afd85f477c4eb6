// Small pieces the admin panels share: a refusal's text and a two-step "are you sure" button.
import { useState } from 'preact/hooks';
import { t } from '../../shared/ui/messageClient.ts';
import type { AdminError } from './adminApi.ts';
import type { FieldProblem } from './adminModel.ts';

export function problemText(p: FieldProblem): string {
  return t(p.key, p.subs);
}

/** A relay refusal: our words first, then the relay's own reason and every bad line of a CSV. */
export function ErrorNote({ error, testId }: { error: AdminError | null; testId: string }) {
  if (!error) return null;
  return (
    <div class="field-error" role="alert" data-testid={testId} data-key={error.key}>
      <p>{t(error.key, error.status ? String(error.status) : undefined)}</p>
      {error.reason && (
        <p class="admin-reason" dir="auto">
          {t('adminRelaySays', error.reason)}
        </p>
      )}
      {error.problems && error.problems.length > 0 && (
        <ul class="error-list" data-testid={`${testId}-problems`}>
          {error.problems.slice(0, 50).map((p) => (
            <li key={`${p.line}:${p.field ?? ''}`} dir="auto">
              {t('adminCsvLine', [String(p.line), p.reason])}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * A destructive action asks first, in the page (no blocking browser dialog): the first click shows
 * the question with "yes" and "cancel".
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  testId,
  disabled,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  testId: string;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button
        type="button"
        class="secondary"
        data-testid={testId}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  return (
    <span class="admin-confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        class="danger"
        data-testid={`${testId}-confirm`}
        onClick={async () => {
          await onConfirm();
          setAsking(false);
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        {t('adminCancel')}
      </button>
    </span>
  );
}
