// Stored settings carry the schema version they were written with; loading runs every later
// migration in order before validation, so an old install keeps what its admin chose.
import { isObject } from './isObject.ts';

export interface Migration {
  /** The version this migration produces. */
  to: number;
  /** What it does, for the log and the options page's diagnostics. */
  description: string;
  migrate(stored: Record<string, unknown>): Record<string, unknown>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    to: 2,
    description: 'The unknown-caller template became the new-contact template',
    migrate(stored) {
      const crm = stored.crm;
      const templates = isObject(crm) ? crm.templates : undefined;
      if (!isObject(crm) || !isObject(templates) || !('unknown' in templates)) return stored;
      const { unknown, ...rest } = templates;
      // A search URL (the usual alternative) is kept as the search template and chosen for unknowns.
      const isSearch = typeof unknown === 'string' && /search|lookup|query/i.test(unknown);
      const moved = isSearch ? { search: unknown, ...rest } : { newContact: unknown, ...rest };
      return {
        ...stored,
        ...(isSearch && stored.unknownAction === undefined ? { unknownAction: 'search' } : {}),
        crm: { ...crm, templates: moved },
      };
    },
  },
];

export const SETTINGS_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.to), 1);

/** `stored` (written at `version`; 1 when unrecorded) brought to SETTINGS_VERSION. */
export function migrateSettings(
  stored: unknown,
  version: number | undefined,
): { settings: unknown; applied: string[] } {
  if (!isObject(stored)) return { settings: stored, applied: [] };
  let current = stored as Record<string, unknown>;
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (m.to <= (version ?? 1)) continue;
    current = m.migrate(current);
    applied.push(m.description);
  }
  return { settings: current, applied };
}
