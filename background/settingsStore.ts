// Settings in storage.local under one key, holding only what differs from the defaults, with the
// schema version they were written at; older versions are migrated on load (managedSettings.ts
// validates them under the policy and writes them).
import { migrateSettings } from '../shared/settingsMigrations.ts';

export interface StorageAreaLike {
  get(key: string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export const SETTINGS_KEY = 'settings';
export const VERSION_KEY = 'settingsVersion';

/** What storage.local holds, migrated to the current version but not validated (policy merges it). */
export async function readStoredSettings(
  area: StorageAreaLike,
): Promise<{ stored: unknown; applied: string[] }> {
  const got = await area.get([SETTINGS_KEY, VERSION_KEY]);
  const version = typeof got[VERSION_KEY] === 'number' ? got[VERSION_KEY] : undefined;
  const { settings, applied } = migrateSettings(got[SETTINGS_KEY] ?? {}, version);
  return { stored: settings, applied };
}
