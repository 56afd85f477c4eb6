// The enterprise policy (storage.managed) in the worker. Chrome answers the first read after a
// browser start only after 3–5 s, so the worker boots with the last policy it saw this session
// (storage.session) and restarts when a fresh read or an onChanged brings something different.
import { applyPolicy, withLockedFrom } from '../shared/policy.ts';
import {
  diffFromDefaults,
  type FieldError,
  keepStoredSyncMinutes,
  type Settings,
  validateSettings,
} from '../shared/settings.ts';
import { SETTINGS_VERSION } from '../shared/settingsMigrations.ts';
import { readStoredSettings, SETTINGS_KEY, type StorageAreaLike, VERSION_KEY } from './settingsStore.ts';

export interface ManagedAreaLike {
  get(keys?: null | string | string[]): Promise<Record<string, unknown>>;
}

/** storage.session key of the policy as last read. */
export const MANAGED_CACHE_KEY = 'managedPolicy';

export interface EffectiveSettings {
  settings: Settings;
  /** Stored fields that fell back to their default. */
  errors: FieldError[];
  /** Dotted paths the policy sets. */
  locked: string[];
  /** Policy values that were dropped, and why. */
  policyErrors: FieldError[];
  migrated?: string[];
}

/**
 * What the policy holds now, `{}` when there is none. Chrome rejects the read when the extension
 * has no schema or the browser no policy store, and Firefox without a managed manifest: all "none".
 */
export async function readManaged(area: ManagedAreaLike | undefined): Promise<Record<string, unknown>> {
  try {
    const got = await area?.get(null);
    return got && typeof got === 'object' && !Array.isArray(got) ? got : {};
  } catch {
    return {};
  }
}

/** The policy as this browser session last read it (what a restarted worker boots with). */
export async function cachedManaged(session: StorageAreaLike): Promise<Record<string, unknown>> {
  const { [MANAGED_CACHE_KEY]: cached } = await session.get(MANAGED_CACHE_KEY);
  return cached && typeof cached === 'object' && !Array.isArray(cached)
    ? (cached as Record<string, unknown>)
    : {};
}

/** Reads the policy afresh and keeps it for the next boot; `changed` when it differs from the last read. */
export async function refreshManaged(
  managed: ManagedAreaLike | undefined,
  session: StorageAreaLike,
): Promise<{ policy: Record<string, unknown>; changed: boolean }> {
  const [policy, before] = await Promise.all([readManaged(managed), cachedManaged(session)]);
  const changed = JSON.stringify(policy) !== JSON.stringify(before);
  if (changed) await session.set({ [MANAGED_CACHE_KEY]: policy });
  return { policy, changed };
}

/** The settings in force: the stored ones under the policy. */
export async function loadEffectiveSettings(
  local: StorageAreaLike,
  policy: Record<string, unknown>,
): Promise<EffectiveSettings> {
  const { stored, applied } = await readStoredSettings(local);
  const result = applyPolicy(stored, policy);
  return {
    settings: result.settings,
    errors: result.localErrors,
    locked: result.locked,
    policyErrors: result.errors,
    ...(applied.length ? { migrated: applied } : {}),
  };
}

/**
 * A save from the options page (or an import). Validated as it will be in force, with locked
 * fields at the policy's values whatever the page sent; stored with locked fields at the agent's
 * own earlier values, so lifting the policy gives back what the agent had.
 */
export async function saveUnderPolicy(
  local: StorageAreaLike,
  input: unknown,
  policy: Record<string, unknown>,
): Promise<{ ok: boolean; errors: FieldError[] }> {
  const { stored } = await readStoredSettings(local);
  const current = applyPolicy(stored, policy);
  const sent = withLockedFrom(
    keepStoredSyncMinutes(input, current.settings),
    current.settings,
    current.locked,
  );
  const { settings, errors } = validateSettings(sent);
  if (errors.length) return { ok: false, errors };
  const toStore = withLockedFrom(settings, stored, current.locked) as Settings;
  await local.set({ [SETTINGS_KEY]: diffFromDefaults(toStore) ?? {}, [VERSION_KEY]: SETTINGS_VERSION });
  return { ok: true, errors: [] };
}
