// `contacts.sources`: the kinds of contact source the relay knows, each parsing its own config
// entry and making its source. The older `contacts.file` / `contacts.dir` stay a single file source.
import { fail, integer, object, text } from '../../http/configFields.ts';
import { fileSourceKind } from './fileSource.ts';
import {
  type ContactSource,
  DEFAULT_INTERVAL_SECONDS,
  type SourceConfigBase,
  type SourceKind,
  type SourceLog,
} from './sourceTypes.ts';
import { sqlSourceKind } from './sqlSource.ts';
import { suitecrmSourceKind } from './suitecrmSource.ts';
import { vtigerSourceKind } from './vtigerSource.ts';

// Each kind has its own config type; the table only dispatches on `kind`.
const KINDS: Record<string, SourceKind<any>> = {
  file: fileSourceKind,
  sql: sqlSourceKind,
  vtiger: vtigerSourceKind,
  suitecrm: suitecrmSourceKind,
};

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const MAX_SOURCES = 20;

/** A parsed `contacts.sources[i]`: the common fields and the kind's own. */
export type SourceConfig = SourceConfigBase & Record<string, unknown>;

export function parseSources(raw: unknown, baseDir: string, env: NodeJS.ProcessEnv): SourceConfig[] {
  if (!Array.isArray(raw) || raw.length === 0)
    fail('contacts.sources', 'must be a non-empty list of sources');
  if (raw.length > MAX_SOURCES) fail('contacts.sources', `must have at most ${MAX_SOURCES} sources`);
  const names = new Set<string>();
  return raw.map((entry, i) => {
    const field = `contacts.sources[${i}]`;
    const o = object(entry, field);
    const name = text(o.name, `${field}.name`, 32);
    if (!NAME_RE.test(name)) fail(`${field}.name`, 'must be lower-case letters, digits, - or _ (at most 32)');
    if (names.has(name)) fail(`${field}.name`, `"${name}" is used by another source`);
    names.add(name);
    const kindName = text(o.kind, `${field}.kind`, 32);
    const kind = KINDS[kindName];
    if (!kind) fail(`${field}.kind`, `must be one of ${Object.keys(KINDS).join(', ')}`);
    const intervalSeconds =
      o.intervalSeconds === undefined
        ? DEFAULT_INTERVAL_SECONDS
        : integer(o.intervalSeconds, `${field}.intervalSeconds`, 1, 86_400);
    return kind.parse(o, field, { name, kind: kindName, intervalSeconds }, baseDir, env);
  });
}

export function createSources(configs: readonly SourceConfig[], log: SourceLog): ContactSource[] {
  return configs.map((config) => (KINDS[config.kind] as SourceKind<SourceConfig>).create(config, { log }));
}
