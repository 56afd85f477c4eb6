// Settings in storage.local under one key, holding only what differs from the defaults.
import { diffFromDefaults, type FieldError, type Settings, validateSettings } from '../shared/settings.ts';

export interface StorageAreaLike {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export const SETTINGS_KEY = 'settings';

/** Stored settings over the defaults; a bad stored field falls back to its default and is reported. */
export async function loadSettings(
  area: StorageAreaLike,
): Promise<{ settings: Settings; errors: FieldError[] }> {
  const stored = (await area.get(SETTINGS_KEY))[SETTINGS_KEY] ?? {};
  return validateSettings(stored);
}

/** Stores `input` when every field is valid; otherwise stores nothing and returns the errors. */
export async function saveSettings(
  area: StorageAreaLike,
  input: unknown,
): Promise<{ ok: boolean; errors: FieldError[] }> {
  const { settings, errors } = validateSettings(input);
  if (errors.length) return { ok: false, errors };
  await area.set({ [SETTINGS_KEY]: diffFromDefaults(settings) ?? {} });
  return { ok: true, errors: [] };
}
