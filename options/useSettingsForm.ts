// The settings form's state: values, which fields were touched, and errors from live validation
// (the same validateSettings the background runs) and from the last save.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Response } from '../shared/messages.ts';
import { isLocked } from '../shared/policy.ts';
import { type FieldError, type FieldErrorCode, validateSettings } from '../shared/settings.ts';
import { send } from '../shared/ui/messageClient.ts';
import {
  type FieldName,
  type FormState,
  formChanges,
  formToSettings,
  settingsToForm,
  visibleErrors,
  withValue,
} from './form.ts';

export interface FieldBinding {
  value: string;
  error: FieldErrorCode | undefined;
  onValue: (value: string) => void;
  /** Marks the field touched: from then on its live error shows. */
  onBlur: () => void;
  /** The enterprise policy sets this field: shown disabled, with a lock. */
  locked: boolean;
}

export interface SettingsForm {
  form: FormState | null;
  /** Stored fields the background found invalid (and replaced by their defaults) on load. */
  storedErrors: FieldError[];
  /** Dotted paths the enterprise policy sets. */
  locked: readonly string[];
  /** Policy values the background ignored, and why. */
  policyErrors: FieldError[];
  /** `_locales` key when the settings could not be loaded. */
  loadError: string | null;
  /** The CRM origin as validation reads it ('' while it is invalid), for the template previews. */
  origin: string;
  bind: (field: FieldName) => FieldBinding;
  save: () => Promise<Response<'settings.save'>>;
  reload: () => Promise<void>;
}

const NONE: ReadonlySet<string> = new Set();

/** `onEdit` runs on every change, e.g. to clear a stale "Saved". */
export function useSettingsForm(onEdit: () => void): SettingsForm {
  const [form, setForm] = useState<FormState | null>(null);
  // The form as loaded: Save sends only what differs from it.
  const [loaded, setLoaded] = useState<FormState | null>(null);
  const [storedErrors, setStoredErrors] = useState<FieldError[]>([]);
  const [locked, setLocked] = useState<readonly string[]>([]);
  const [policyErrors, setPolicyErrors] = useState<FieldError[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [touched, setTouched] = useState<ReadonlySet<string>>(NONE);
  const [submitted, setSubmitted] = useState(false);
  const [savedErrors, setSavedErrors] = useState<FieldError[]>([]);

  const reload = useCallback(async () => {
    const res = await send('settings.get', undefined);
    const fresh = settingsToForm(res.settings);
    setForm(fresh);
    setLoaded(fresh);
    setStoredErrors(res.errors);
    setLocked(res.locked ?? []);
    setPolicyErrors(res.policyErrors ?? []);
    setTouched(NONE);
    setSubmitted(false);
    setSavedErrors([]);
    setLoadError(null);
  }, []);

  useEffect(() => {
    reload().catch(() => setLoadError('errBackground'));
  }, [reload]);

  const validated = useMemo(() => (form ? validateSettings(formToSettings(form)) : null), [form]);
  const errors = visibleErrors({ live: validated?.errors ?? [], saved: savedErrors, touched, submitted });

  const touch = (field: FieldName) =>
    setTouched((prev) => (prev.has(field) ? prev : new Set(prev).add(field)));

  const bind = (field: FieldName): FieldBinding => ({
    value: form?.values[field] ?? '',
    error: errors.get(field),
    onValue: (value) => {
      setForm((prev) => prev && withValue(prev, field, value));
      // What the last save said about this field no longer applies to the new value.
      setSavedErrors((prev) => prev.filter((e) => e.field !== field));
      onEdit();
    },
    onBlur: () => touch(field),
    locked: isLocked(locked, field),
  });

  const save = async () => {
    if (!form || !loaded) return { ok: false, errors: [] };
    setSubmitted(true);
    // Only the fields changed here, over the settings as they are now (an import may have just
    // stored others): writing the whole form would put back what it showed before.
    const res = await send('settings.update', { changes: formChanges(loaded, form) });
    if (res.ok) await reload();
    else setSavedErrors(res.errors);
    return res;
  };

  return {
    form,
    storedErrors,
    locked,
    policyErrors,
    loadError,
    origin: validated?.settings.crm.origin ?? '',
    bind,
    save,
    reload,
  };
}
