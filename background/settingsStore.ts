// Settings in storage.local under one key, holding only what differs from the defaults, with the
// schema version they were written at; older versions are migrated on load.
import { diffFromDefaults, type FieldError, type Settings, validateSettings } from '../shared/settings.ts';
import { migrateSettings, SETTINGS_VERSION } from '../shared/settingsMigrations.ts';

export interface StorageAreaLike {
  get(key: string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export const SETTINGS_KEY = 'settings';
export const VERSION_KEY = 'settingsVersion';

/** Stored settings over the defaults; a bad stored field falls back to its default and is reported. */
export async function loadSettings(
  area: StorageAreaLike,
): Promise<{ settings: Settings; errors: FieldError[]; migrated?: string[] }> {
  const { stored, applied } = await readStoredSettings(area);
  const validated = validateSettings(stored);
  return applied.length ? { ...validated, migrated: applied } : validated;
}

/** What storage.local holds, migrated to the current version but not validated (policy merges it). */
export async function readStoredSettings(
  area: StorageAreaLike,
): Promise<{ stored: unknown; applied: string[] }> {
  const got = await area.get([SETTINGS_KEY, VERSION_KEY]);
  const version = typeof got[VERSION_KEY] === 'number' ? got[VERSION_KEY] : undefined;
  const { settings, applied } = migrateSettings(got[SETTINGS_KEY] ?? {}, version);
  return { stored: settings, applied };
}

/** Stores `input` when every field is valid; otherwise stores nothing and returns the errors. */
export async function saveSettings(
  area: StorageAreaLike,
  input: unknown,
): Promise<{ ok: boolean; errors: FieldError[] }> {
  const { settings, errors } = validateSettings(input);
  if (errors.length) return { ok: false, errors };
  await area.set({ [SETTINGS_KEY]: diffFromDefaults(settings) ?? {}, [VERSION_KEY]: SETTINGS_VERSION });
  return { ok: true, errors: [] };
}
