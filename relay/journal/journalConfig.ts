// The config's `journal` section: the writers (writers/writerRegistry.ts parses each), whether a
// missed call also makes a task, who owns a task nobody else does, when a call the PBX never
// reports ended counts as ended, the relay users' CRM user ids, and how often to retry.
import { fail, integer, object, text } from '../http/configFields.ts';
import { parseWriters, type WriterConfig } from './writers/writerRegistry.ts';

export interface JournalSettings {
  writers: WriterConfig[];
  missedCallTasks: boolean;
  fallbackOwner?: string;
  /** A call with no event for this long counts as ended (Logo CRM's webhook never says). */
  endAfterSeconds: number;
  /** An ended call is written this long after its last event (late ring-group events, recordings). */
  settleSeconds: number;
  /**
   * Relay user → the CRM's user id, for the record's owner: the fallback for agents whose mapping
   * has no `crmUserId` (journalRecords.ts).
   */
  crmUsers: Record<string, string>;
  /** Attempts before a record goes to the dead-letter list. */
  maxAttempts: number;
}

export const JOURNAL_DEFAULTS = { endAfterSeconds: 1800, settleSeconds: 5, maxAttempts: 10 };

export function parseJournal(raw: unknown, baseDir: string, env: NodeJS.ProcessEnv): JournalSettings {
  const o = object(raw, 'journal');
  const known = new Set([
    'writers',
    'missedCallTasks',
    'fallbackOwner',
    'endAfterSeconds',
    'settleSeconds',
    'crmUsers',
    'maxAttempts',
  ]);
  for (const key of Object.keys(o))
    if (!known.has(key)) fail(`journal.${key}`, `is not a journal setting (${[...known].join(', ')})`);
  if (o.missedCallTasks !== undefined && typeof o.missedCallTasks !== 'boolean')
    fail('journal.missedCallTasks', 'must be true or false');
  const crmUsers: Record<string, string> = {};
  if (o.crmUsers !== undefined)
    for (const [user, id] of Object.entries(object(o.crmUsers, 'journal.crmUsers')))
      crmUsers[user] = text(id, `journal.crmUsers.${user}`, 100);
  const opt = (key: keyof typeof JOURNAL_DEFAULTS, min: number, max: number) =>
    o[key] === undefined ? JOURNAL_DEFAULTS[key] : integer(o[key], `journal.${key}`, min, max);
  return {
    writers: parseWriters(o.writers, baseDir, env),
    missedCallTasks: o.missedCallTasks !== false,
    ...(o.fallbackOwner === undefined
      ? {}
      : { fallbackOwner: text(o.fallbackOwner, 'journal.fallbackOwner', 64) }),
    endAfterSeconds: opt('endAfterSeconds', 10, 86_400),
    settleSeconds: opt('settleSeconds', 0, 300),
    crmUsers,
    maxAttempts: opt('maxAttempts', 1, 100),
  };
}
