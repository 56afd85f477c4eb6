// Settings files: what Import reads and Export writes.

import { isObject } from '../shared/isObject.ts';
import { withoutLocked } from '../shared/policy.ts';
import type { Settings } from '../shared/settings.ts';
import { migrateSettings } from '../shared/settingsMigrations.ts';

export const EXPORT_FILE_NAME = 'screenpop-settings.json';
/** Far above any real settings file; a bigger one is the wrong file. */
export const MAX_IMPORT_BYTES = 256 * 1024;

export type ParsedFile =
  | { ok: true; value: unknown }
  | { ok: false; error: 'importParseError' | 'importTooLarge' };

export function parseSettingsFile(text: string): ParsedFile {
  if (text.length > MAX_IMPORT_BYTES) return { ok: false, error: 'importTooLarge' };
  try {
    // Editors on Windows like to start UTF-8 files with a byte-order mark; JSON.parse does not.
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch {
    return { ok: false, error: 'importParseError' };
  }
}

/**
 * The file's settings laid over the current ones, so a file that names only some fields (an
 * admin's CRM templates, without the agent's personal token) changes only those. `crm` and
 * `crm.templates` merge key by key; the keypress map is taken whole, so a file can remove a digit.
 * Anything that is not an object is passed on untouched for the background to reject.
 */
export function mergeImport(current: Settings, file: unknown): unknown {
  // A file exported by an older version carries that version's field names; migrations are
  // written to leave current settings as they are.
  const imported = migrateSettings(file, undefined).settings;
  if (!isObject(imported)) return imported;
  const merged: Record<string, unknown> = { ...structuredClone(current), ...imported };
  const crm = imported.crm;
  if (isObject(crm)) {
    const templates = isObject(crm.templates)
      ? { ...current.crm.templates, ...crm.templates }
      : crm.templates;
    merged.crm = { ...current.crm, ...crm, ...(templates === undefined ? {} : { templates }) };
  }
  return merged;
}

/**
 * `mergeImport` without the fields the enterprise policy sets: those are not the agent's to change,
 * so they are skipped (and `skipped` names them for the page to say so) rather than stored.
 */
export function mergeImportUnderPolicy(
  current: Settings,
  file: unknown,
  locked: readonly string[],
): { merged: unknown; skipped: string[] } {
  const { value, skipped } = withoutLocked(migrateSettings(file, undefined).settings, locked);
  return { merged: mergeImport(current, value), skipped };
}

/**
 * The JSON an export downloads. The agent token is left out: it is one person's credential, and
 * settings files get passed around; importing such a file keeps the importer's own token.
 */
export function exportJson(settings: Settings): string {
  const { agentToken: _secret, ...shareable } = settings;
  return `${JSON.stringify(shareable, null, 2)}\n`;
}
