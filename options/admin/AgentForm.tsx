// One agent's mapping as a form, for adding a row and for editing one in place. Fields are checked
// with the relay's rules as they are typed (shown once a field was left or the form was sent); a
// refusal from the relay is shown beside the field it names.
import { useState } from 'preact/hooks';
import { t } from '../../shared/ui/messageClient.ts';
import { ErrorNote, problemText } from './AdminBits.tsx';
import type { AdminError } from './adminApi.ts';
import {
  type AgentDraft,
  type DraftErrors,
  type DraftField,
  draftFieldOf,
  hasErrors,
  validateDraft,
} from './adminModel.ts';

interface Props {
  initial: AgentDraft;
  isNew: boolean;
  /** Users already in the table (a new one must differ). */
  users: readonly string[];
  /** Element id prefix and test id, e.g. `admin-add`. */
  idPrefix: string;
  submitLabel: string;
  /** Sends the draft; answers the relay's refusal, or null when it was stored. */
  onSubmit: (draft: AgentDraft) => Promise<AdminError | null>;
  onCancel?: () => void;
}

const FIELDS: { field: DraftField; label: string; hint?: string; ltr: boolean }[] = [
  { field: 'user', label: 'adminColUser', hint: 'adminUserHint', ltr: true },
  { field: 'name', label: 'adminColName', ltr: false },
  { field: 'extensions', label: 'adminColExtensions', hint: 'adminListHint', ltr: true },
  { field: 'agentIds', label: 'adminColAgentIds', hint: 'adminListHint', ltr: true },
  { field: 'crmUserId', label: 'adminColCrmUserId', hint: 'adminCrmUserIdHint', ltr: true },
];

export function AgentForm({ initial, isNew, users, idPrefix, submitLabel, onSubmit, onCancel }: Props) {
  const [draft, setDraft] = useState(initial);
  const [touched, setTouched] = useState<ReadonlySet<DraftField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<AdminError | null>(null);
  const [serverField, setServerField] = useState<DraftField | undefined>(undefined);

  const live: DraftErrors = validateDraft(draft, { isNew, users });
  const shown = (f: DraftField): string | null => {
    const own = live[f];
    if (own && (submitted || touched.has(f))) return problemText(own);
    if (serverError && serverField === f)
      return serverError.reason
        ? `${t(serverError.key)} ${t('adminRelaySays', serverError.reason)}`
        : t(serverError.key);
    return null;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(live)) return;
    setBusy(true);
    const error = await onSubmit(draft);
    setBusy(false);
    const field = draftFieldOf(error?.field);
    setServerError(error);
    setServerField(field);
    if (!error && isNew) {
      // Ready for the next agent.
      setDraft(initial);
      setTouched(new Set());
      setSubmitted(false);
    }
  };

  return (
    <form class="admin-agent-form" data-testid={`${idPrefix}-form`} noValidate onSubmit={submit}>
      <div class="admin-form-grid">
        {FIELDS.map(({ field, label, hint, ltr }) => {
          const id = `${idPrefix}-${field}`;
          const error = shown(field);
          const readOnly = field === 'user' && !isNew;
          return (
            <div class="admin-form-field" key={field}>
              <label for={id}>{t(label)}</label>
              <input
                id={id}
                type="text"
                value={draft[field]}
                readOnly={readOnly}
                dir={ltr ? 'ltr' : 'auto'}
                spellcheck={false}
                autocomplete="off"
                aria-invalid={error ? true : undefined}
                aria-describedby={
                  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].join(' ').trim() || undefined
                }
                onInput={(e) => {
                  const value = e.currentTarget.value;
                  setDraft((d) => ({ ...d, [field]: value }));
                  if (serverField === field) setServerField(undefined);
                }}
                onBlur={() => setTouched((s) => new Set(s).add(field))}
              />
              {hint && !readOnly && (
                <p class="hint" id={`${id}-hint`}>
                  {t(hint)}
                </p>
              )}
              {error && (
                <p class="field-error" id={`${id}-error`} data-error-for={field}>
                  {error}
                </p>
              )}
            </div>
          );
        })}
      </div>
      {serverError && !serverField && <ErrorNote error={serverError} testId={`${idPrefix}-error`} />}
      <div class="actions">
        <button type="submit" class="primary" data-testid={`${idPrefix}-submit`} disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            {t('adminCancel')}
          </button>
        )}
      </div>
    </form>
  );
}
