// A labelled control with its hint and its error (`[data-error-for=<dotted field>]`). A field the
// enterprise policy sets is disabled and says so (`[data-locked-for=<dotted field>]`).
import type { ComponentChildren, TargetedInputEvent } from 'preact';
import type { FieldErrorCode } from '../shared/settings.ts';
import { t } from '../shared/ui/messageClient.ts';
import { errorText } from '../shared/ui/uiText.ts';
import { type FieldName, fieldId } from './form.ts';
import type { FieldBinding } from './useSettingsForm.ts';

interface Common {
  field: FieldName;
  label: string;
  bind: FieldBinding;
  hint?: ComponentChildren;
}

interface TextProps extends Common {
  type?: 'text' | 'url' | 'password';
  placeholder?: string;
  /** Controls shown after the input, e.g. show/hide. */
  after?: ComponentChildren;
}

export function TextField({ field, label, bind, hint, type = 'text', placeholder, after }: TextProps) {
  const id = fieldId(field);
  // Preact types each input `type` separately, so the shared attributes are spread into each.
  const input = {
    id,
    name: field,
    value: bind.value,
    placeholder,
    // URLs and tokens read left to right in every language.
    dir: 'ltr' as const,
    spellcheck: false,
    autocomplete: 'off',
    disabled: bind.locked,
    'aria-invalid': bind.error ? true : undefined,
    'aria-describedby': describedBy(id, hint, bind.error, bind.locked),
    onInput: (e: TargetedInputEvent<HTMLInputElement>) => bind.onValue(e.currentTarget.value),
    onBlur: bind.onBlur,
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <div class="control">
        <div class="inline">
          {type === 'password' ? (
            <input type="password" {...input} />
          ) : type === 'url' ? (
            <input type="url" {...input} />
          ) : (
            <input type="text" {...input} />
          )}
          {after}
        </div>
        <FieldHelp id={id} field={field} hint={hint} code={bind.error} locked={bind.locked} />
      </div>
    </div>
  );
}

interface SelectProps extends Common {
  options: readonly { value: string; label: string }[];
}

export function SelectField({ field, label, bind, hint, options }: SelectProps) {
  const id = fieldId(field);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <div class="control">
        <select
          id={id}
          name={field}
          value={bind.value}
          disabled={bind.locked}
          aria-invalid={bind.error ? true : undefined}
          aria-describedby={describedBy(id, hint, bind.error, bind.locked)}
          onChange={(e) => {
            bind.onValue(e.currentTarget.value);
            // A choice is finished when made; there is no half-typed value to spare the user.
            bind.onBlur();
          }}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <FieldHelp id={id} field={field} hint={hint} code={bind.error} locked={bind.locked} />
      </div>
    </div>
  );
}

/** The lock note, the hint and the error under a field, wired to it by aria-describedby ids. */
function FieldHelp({
  id,
  field,
  hint,
  code,
  locked,
}: {
  id: string;
  field: FieldName;
  hint?: ComponentChildren;
  code: FieldErrorCode | undefined;
  locked: boolean;
}) {
  return (
    <>
      {locked && <LockedNote id={`${id}-locked`} field={field} />}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <ErrorText id={id} field={field} code={code} />
    </>
  );
}

function ErrorText({ id, field, code }: { id: string; field: FieldName; code: FieldErrorCode | undefined }) {
  if (!code) return null;
  return (
    <p class="field-error" id={`${id}-error`} data-error-for={field}>
      {errorText(code, t)}
    </p>
  );
}

function describedBy(id: string, hint: unknown, error: unknown, locked = false): string | undefined {
  return (
    [locked ? `${id}-locked` : '', hint ? `${id}-hint` : '', error ? `${id}-error` : '']
      .filter(Boolean)
      .join(' ') || undefined
  );
}

/** "Set by your organisation's policy", with a padlock, under a field the policy sets. */
export function LockedNote({ id, field }: { id: string; field: string }) {
  return (
    <p class="locked-note" id={id} data-locked-for={field}>
      <LockIcon />
      {t('policyLocked')}
    </p>
  );
}

/** A padlock drawn inline: no icon font or emoji font is needed on the agent's machine. */
function LockIcon() {
  return (
    <svg class="lock-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M4 6V4.5a4 4 0 1 1 8 0V6h.5A1.5 1.5 0 0 1 14 7.5v6a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-6A1.5 1.5 0 0 1 3.5 6H4Zm1.5 0h5V4.5a2.5 2.5 0 0 0-5 0V6Z"
      />
    </svg>
  );
}
