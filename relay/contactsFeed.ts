// Serves the contacts file page by page to the extension's sync. The file is re-read when it
// changes (checked at most once per interval, on demand), so an admin can drop in a new export
// without restarting the relay; a broken new file keeps the last good one in service.
import { readFile, stat } from 'node:fs/promises';
import type { Contact, ContactPage } from '../shared/contact.ts';
import { normalizePhone, phoneKeys } from '../shared/phone.ts';
import type { Clock } from './clock.ts';
import { parseContacts } from './contactsCsv.ts';

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 5000;
/** At most this many bad rows are logged one by one per load; the rest only as a count. */
const LOGGED_PROBLEMS = 50;

export interface FeedLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ContactsFeed {
  /** Re-reads the file if it changed; `force` skips the once-per-interval throttle. */
  refresh(force?: boolean): Promise<void>;
  /** Why the file is not in service, when it is not (nothing loaded yet or it cannot be read). */
  error(): string | undefined;
  page(after: number, limit: number): Promise<ContactPage>;
  get(id: string): Promise<Contact | undefined>;
  /** Contacts with this phone (any human format, read in `region`), persons before companies. */
  findByPhone(phone: string, region: string): Promise<Contact[]>;
}

export interface FeedOptions {
  file: string;
  log: FeedLogger;
  clock: Clock;
  checkEveryMs?: number;
}

export function createContactsFeed({ file, log, clock, checkEveryMs = 1000 }: FeedOptions): ContactsFeed {
  let contacts: Contact[] = [];
  let byId = new Map<string, Contact>();
  /** E.164 → contacts, built on the first lookup after each load (PBX lookups need no index otherwise). */
  let phoneIndex: { of: Contact[]; region: string; map: Map<string, Contact[]> } | null = null;
  /** mtime and size of the file in service, and of the last file refused (not re-parsed until it changes). */
  let loadedStamp = '';
  let refusedStamp = '';
  let lastCheck = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | null = null;
  let problem: string | undefined;

  const report = (message: string) => {
    // Logged once per distinct problem, not once per check while it lasts.
    if (message !== problem) log.error({ file }, `contacts: ${message}`);
    problem = message;
  };

  const check = async () => {
    let stamp: string;
    let text: string;
    try {
      const s = await stat(file);
      stamp = `${s.mtimeMs}:${s.size}`;
      if (stamp === loadedStamp || stamp === refusedStamp) return;
      text = await readFile(file, 'utf8');
    } catch (error) {
      report(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
      return;
    }
    const parsed = parseContacts(text);
    if (parsed.error) {
      refusedStamp = stamp;
      const kept = loadedStamp ? `; still serving the previous ${contacts.length} contacts` : '';
      report(`${file}: ${parsed.error}${kept}`);
      return;
    }
    for (const row of parsed.problems.slice(0, LOGGED_PROBLEMS))
      log.warn({ file, line: row.line, reason: row.reason }, 'contacts: row skipped');
    contacts = parsed.contacts;
    byId = new Map(contacts.map((c) => [c.id, c]));
    loadedStamp = stamp;
    problem = undefined;
    log.info({ file, contacts: contacts.length, skipped: parsed.problems.length }, 'contacts loaded');
  };

  const refresh = async (force = false) => {
    const now = clock.now();
    if (!force && now - lastCheck < checkEveryMs) return running ?? undefined;
    lastCheck = now;
    running ??= check().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    refresh,
    error: () => (loadedStamp ? undefined : (problem ?? 'not loaded yet')),
    async page(after, limit) {
      await refresh();
      const start = Math.min(after, contacts.length);
      const slice = contacts.slice(start, start + limit);
      const end = start + slice.length;
      return {
        contacts: slice,
        deleted: [],
        cursor: String(end),
        done: end >= contacts.length,
        total: contacts.length,
      };
    },
    async get(id) {
      await refresh();
      return byId.get(id);
    },
    async findByPhone(phone, region) {
      await refresh();
      const key = normalizePhone(phone, region)?.e164;
      if (!key) return [];
      if (phoneIndex?.of !== contacts || phoneIndex.region !== region) {
        const map = new Map<string, Contact[]>();
        for (const contact of contacts)
          for (const k of phoneKeys(contact.phones, region)) {
            const list = map.get(k);
            if (list) list.push(contact);
            else map.set(k, [contact]);
          }
        phoneIndex = { of: contacts, region, map };
      }
      const found = phoneIndex.map.get(key) ?? [];
      // A person is the more precise answer to "who is calling" than the company they work for.
      return [...found.filter((c) => c.kind === 'person'), ...found.filter((c) => c.kind !== 'person')];
    },
  };
}
