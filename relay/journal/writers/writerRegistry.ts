// `journal.writers`: the kinds of writer the call journal knows, each parsing its own config entry
// and making its writer. Mirrors contacts/sources/sourceRegistry.ts.
import { fail, object, text } from '../../http/configFields.ts';
import type { JournalWriter, WriterConfigBase, WriterKind } from '../journalTypes.ts';
import { suitecrmWriterKind } from './suitecrmWriter.ts';
import { vtigerWriterKind } from './vtigerWriter.ts';
import { webhookWriterKind } from './webhookWriter.ts';
import type { WriterDeps } from './writerShared.ts';

export type { WriterDeps } from './writerShared.ts';

// Each kind has its own config type; the table only dispatches on `kind`.
const KINDS: Record<string, WriterKind<any>> = {
  webhook: webhookWriterKind,
  vtiger: vtigerWriterKind,
  suitecrm: suitecrmWriterKind,
};

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const MAX_WRITERS = 10;

/** A parsed `journal.writers[i]`: the common fields and the kind's own (secrets included: never log it). */
export type WriterConfig = WriterConfigBase & Record<string, unknown>;

export function parseWriters(raw: unknown, baseDir: string, env: NodeJS.ProcessEnv): WriterConfig[] {
  if (!Array.isArray(raw) || raw.length === 0) fail('journal.writers', 'must be a non-empty list of writers');
  if (raw.length > MAX_WRITERS) fail('journal.writers', `must have at most ${MAX_WRITERS} writers`);
  const names = new Set<string>();
  return raw.map((entry, i) => {
    const field = `journal.writers[${i}]`;
    const o = object(entry, field);
    const name = text(o.name, `${field}.name`, 32);
    if (!NAME_RE.test(name))
      fail(
        `${field}.name`,
        'must be lower-case letters, digits, - or _ (at most 32, not starting with - or _)',
      );
    if (names.has(name)) fail(`${field}.name`, `"${name}" is used by another writer`);
    names.add(name);
    const kindName = text(o.kind, `${field}.kind`, 32);
    const kind = KINDS[kindName];
    if (!kind) fail(`${field}.kind`, `must be one of ${Object.keys(KINDS).join(', ')}`);
    return kind.parse(o, field, { name, kind: kindName }, baseDir, env);
  });
}

/** The writers of parsed configs; `timeoutMs` (tests) shortens every request. */
export function createWriters(configs: readonly WriterConfig[], deps: WriterDeps): JournalWriter[] {
  return configs.map((config) => (KINDS[config.kind] as WriterKind<WriterConfig>).create(config, deps));
}
