// Where the contact feed reads from: one CSV or JSON file, or a directory of them merged (a CRM
// export split by team or by kind). Each file is re-read only when its mtime or size changes; a
// file that cannot be used keeps its last good contacts in service and is reported once.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Contact } from '../../shared/contact.ts';
import { fillCompanyNames, type ParsedContacts } from './contactFields.ts';
import { parseContacts } from './contactsCsv.ts';
import { parseContactsJson } from './contactsJson.ts';

/** Config `contacts`: a single file, or every `*.csv` / `*.json` directly in a directory. */
export type ContactsSource = { file: string; dir?: undefined } | { dir: string; file?: undefined };

export interface SourceLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SourceReader {
  /** The merged contacts when something changed since the last scan, else null. */
  scan(): Promise<Contact[] | null>;
  /** Why nothing is in service yet, when that is so. */
  error(): string | undefined;
}

/** At most this many bad rows (and duplicate ids) are logged one by one per load. */
const LOGGED_PROBLEMS = 50;
const CONTACT_FILE_RE = /^[^.].*\.(csv|json)$/i;

interface FileState {
  /** mtime and size of the content in service, and of the last content refused. */
  stamp: string;
  refused: string;
  contacts: Contact[] | null;
}

function parse(path: string, text: string): ParsedContacts {
  return /\.json$/i.test(path) ? parseContactsJson(text) : parseContacts(text);
}

export function createSourceReader(
  source: ContactsSource,
  log: SourceLogger,
  onFailure?: () => void,
): SourceReader {
  const files = new Map<string, FileState>();
  /** The problem logged last for each path, so a lasting problem is logged once, not every second. */
  const problems = new Map<string, string>();
  let inService = false;

  /** Logs and counts a failure once while it lasts, not every second. */
  const report = (path: string, message: string) => {
    if (problems.get(path) !== message) {
      log.error({ file: path }, `contacts: ${message}`);
      onFailure?.();
    }
    problems.set(path, message);
  };

  const list = async (): Promise<string[] | null> => {
    if (source.file !== undefined) return [source.file];
    try {
      const names = (await readdir(source.dir)).filter((n) => CONTACT_FILE_RE.test(n)).sort();
      problems.delete(source.dir);
      return names.map((n) => join(source.dir, n));
    } catch (error) {
      report(
        source.dir,
        `cannot read the directory ${source.dir} (${(error as NodeJS.ErrnoException).code ?? error})`,
      );
      return null;
    }
  };

  /** Re-reads `path` if it changed; true when its contacts in service changed. */
  const check = async (path: string, state: FileState): Promise<boolean> => {
    let stamp: string;
    let text: string;
    try {
      const s = await stat(path);
      if (!s.isFile()) return false;
      stamp = `${s.mtimeMs}:${s.size}`;
      if (stamp === state.stamp || stamp === state.refused) return false;
      text = await readFile(path, 'utf8');
    } catch (error) {
      report(path, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`);
      return false;
    }
    const parsed = parse(path, text);
    if (parsed.error) {
      state.refused = stamp;
      const kept = state.contacts
        ? `; still serving the previous ${state.contacts.length} contacts of it`
        : '';
      report(path, `${path}: ${parsed.error}${kept}`);
      return false;
    }
    for (const row of parsed.problems.slice(0, LOGGED_PROBLEMS))
      log.warn({ file: path, line: row.line, reason: row.reason }, 'contacts: row skipped');
    state.stamp = stamp;
    state.refused = '';
    state.contacts = parsed.contacts;
    problems.delete(path);
    log.info(
      { file: path, contacts: parsed.contacts.length, skipped: parsed.problems.length },
      'contacts file loaded',
    );
    return true;
  };

  const merge = (paths: string[]): Contact[] => {
    const byId = new Map<string, { contact: Contact; file: string }>();
    let duplicates = 0;
    for (const path of paths)
      for (const contact of files.get(path)?.contacts ?? []) {
        const earlier = byId.get(contact.id);
        if (earlier && ++duplicates <= LOGGED_PROBLEMS)
          log.warn(
            { id: contact.id, file: path, earlier: earlier.file },
            'contacts: duplicate id, the later file wins',
          );
        byId.set(contact.id, { contact, file: path });
      }
    const merged = fillCompanyNames([...byId.values()].map((v) => v.contact));
    log.info({ files: paths.length, contacts: merged.length, duplicates }, 'contacts loaded');
    return merged;
  };

  return {
    async scan() {
      const paths = await list();
      if (!paths) return null;
      let changed = false;
      for (const path of [...files.keys()])
        if (!paths.includes(path)) {
          files.delete(path);
          problems.delete(path);
          changed = true;
        }
      for (const path of paths) {
        let state = files.get(path);
        if (!state) {
          state = { stamp: '', refused: '', contacts: null };
          files.set(path, state);
        }
        if (await check(path, state)) changed = true;
      }
      // Nothing is served until every file was read once: a partial first load would look like
      // mass deletions to every client the moment the last file comes in.
      if (!inService && paths.some((p) => !files.get(p)?.contacts)) return null;
      if (inService && !changed) return null;
      inService = true;
      return merge(paths);
    },
    error() {
      if (inService) return undefined;
      return problems.values().next().value ?? 'not loaded yet';
    },
  };
}
