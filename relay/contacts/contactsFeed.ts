// Serves the contacts (one file or a directory, relay/contactSources.ts) page by page to the
// extension's sync, incrementally (relay/contactChanges.ts), and answers lookups by phone. The
// source is re-read when it changes (checked at most once per interval, on demand), so an admin
// can drop in a new export without restarting the relay; a broken new file keeps the last good one.
import type { Contact, ContactPage } from '../../shared/contact.ts';
import { rankContacts } from '../../shared/match.ts';
import { normalizePhone, phoneKeys } from '../../shared/phone.ts';
import type { Clock } from '../http/clock.ts';
import type { ContactHistoryStore } from '../store/contactHistoryStore.ts';
import { type ContactChanges, ContactHistory, DEFAULT_HISTORY } from './contactChanges.ts';
import {
  type ContactsSource,
  createSourceReader,
  type SourceLogger,
  type SourceReader,
} from './contactSources.ts';

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 5000;

export type FeedLogger = SourceLogger;

export interface ContactsFeed {
  /** Re-reads the source if it changed; `force` skips the once-per-interval throttle. */
  refresh(force?: boolean): Promise<void>;
  /** Why the source is not in service, when it is not (nothing loaded yet or it cannot be read). */
  error(): string | undefined;
  /** The page after a cursor ('' = a full walk); `reset` when the cursor cannot be answered. */
  page(after: string, limit: number): Promise<ContactPage>;
  get(id: string): Promise<Contact | undefined>;
  /** Contacts with this phone (any human format, read in `region`), persons before companies. */
  findByPhone(phone: string, region: string): Promise<Contact[]>;
}

export interface FeedOptions {
  /** One file or folder (the config's `contacts.file` / `contacts.dir`), or… */
  source?: ContactsSource;
  /** …any reader, e.g. several sources polled on their own (sources/sourceSet.ts). */
  reader?: SourceReader;
  log: FeedLogger;
  clock: Clock;
  checkEveryMs?: number;
  /** Reloads whose deletions are remembered, so cursors from them still get only the changes. */
  history?: number;
  /** Builds the phone index for this region with each load, so the first lookup is fast too. */
  region?: string;
  /**
   * Where the history survives restarts (the durable store), asked for at the first load because the store
   * opens with the app; none keeps it in this process only.
   */
  historyStore?: () => ContactHistoryStore | undefined;
  /** Called for each new failure to read or parse a source file or folder (for the metrics). */
  onReloadFailure?: () => void;
}

/** E.164 → contacts, kept up to date with each reload's changes instead of being rebuilt. */
class PhoneIndex {
  private readonly map = new Map<string, Contact[]>();

  constructor(
    readonly region: string,
    contacts: Iterable<Contact>,
  ) {
    for (const contact of contacts) this.add(contact);
  }

  find(key: string): Contact[] {
    return this.map.get(key) ?? [];
  }

  update(changes: ContactChanges): void {
    for (const { before, after } of changes.upserted) {
      if (before) this.remove(before);
      this.add(after);
    }
    for (const contact of changes.removed) this.remove(contact);
  }

  private add(contact: Contact): void {
    for (const key of phoneKeys(contact.phones, this.region)) {
      const list = this.map.get(key);
      if (list) list.push(contact);
      else this.map.set(key, [contact]);
    }
  }

  private remove(contact: Contact): void {
    for (const key of phoneKeys(contact.phones, this.region)) {
      const rest = (this.map.get(key) ?? []).filter((c) => c.id !== contact.id);
      if (rest.length) this.map.set(key, rest);
      else this.map.delete(key);
    }
  }
}

export function createContactsFeed(options: FeedOptions): ContactsFeed {
  const { log, clock, checkEveryMs = 1000 } = options;
  const reader =
    options.reader ?? createSourceReader(options.source ?? { file: '' }, log, options.onReloadFailure);
  let history = new ContactHistory(options.history ?? DEFAULT_HISTORY);
  let historyLoaded = false;
  let index: PhoneIndex | null = null;
  let lastCheck = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | null = null;

  const check = async () => {
    if (!historyLoaded) {
      historyLoaded = true;
      const store = options.historyStore?.();
      if (store) history = new ContactHistory(options.history ?? DEFAULT_HISTORY, undefined, store);
      reader.seed?.(history.contacts());
    }
    let changes: ContactChanges | null;
    if (reader.changes) {
      const reported = await reader.changes();
      if (!reported) return;
      changes = history.applyChanges(reported.upserts, reported.deletes);
    } else {
      const contacts = await reader.scan();
      if (!contacts) return;
      changes = history.apply(contacts);
    }
    if (changes && index) index.update(changes);
    if (!index && options.region) index = new PhoneIndex(options.region, history.contacts());
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
    error: () => reader.error(),
    async page(after, limit) {
      await refresh();
      return history.page(after, limit);
    },
    async get(id) {
      await refresh();
      return history.get(id);
    },
    async findByPhone(phone, region) {
      await refresh();
      const caller = normalizePhone(phone, region);
      if (!caller) return [];
      if (index?.region !== region) index = new PhoneIndex(region, history.contacts());
      return rankContacts(caller, index.find(caller.e164), region);
    },
  };
}
