// Serves the contacts page by page to the extension's sync, incrementally, and answers lookups by
// phone. The rows and their history live in the store (relay/store/feedHistory.ts: the embedded
// file by default, this process without a durable store). They come either from one file or folder
// (re-read when it changes, checked at most once per interval, on demand: an admin can drop in a
// new export without a restart, and a broken new file keeps the last good one) or from
// `contacts.sources`, which write into the history themselves (sources/sourceSet.ts).
import type { Contact, ContactPage } from '../../shared/contact.ts';
import { rankContacts } from '../../shared/match.ts';
import { normalizePhone } from '../../shared/phone.ts';
import type { Clock } from '../http/clock.ts';
import { DEFAULT_HISTORY, type FeedHistory } from '../store/feedHistory.ts';
import { ContactHistory } from './contactChanges.ts';
import { type ContactsSource, createSourceReader, type SourceLogger } from './contactSources.ts';
import type { SourceSet } from './sources/sourceSet.ts';

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 5000;

export type FeedLogger = SourceLogger;

export interface ContactsFeed {
  /** Re-reads the file source if it changed; `force` skips the once-per-interval throttle. */
  refresh(force?: boolean): Promise<void>;
  /** Why the contacts are not in service, when they are not (nothing loaded yet or unreadable). */
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
  /** …sources polled on their own (`contacts.sources`), which write into the history. */
  sources?: SourceSet;
  log: FeedLogger;
  clock: Clock;
  checkEveryMs?: number;
  /** Changes whose deletions are remembered, so cursors from them still get only the changes. */
  history?: number;
  /** The region phone numbers without a country code are read in (the relay's default region). */
  region?: string;
  /**
   * The history in the durable store, asked for at the first load because the store opens with
   * the app; none keeps it in this process.
   */
  historyStore?: (region: string, maxVersions: number) => FeedHistory | undefined;
  /** Called for each new failure to read or parse a source file or folder (for the metrics). */
  onReloadFailure?: () => void;
}

export function createContactsFeed(options: FeedOptions): ContactsFeed {
  const { log, clock, checkEveryMs = 1000, sources } = options;
  const region = options.region ?? 'TR';
  const versions = options.history ?? DEFAULT_HISTORY;
  const reader = sources
    ? undefined
    : createSourceReader(options.source ?? { file: '' }, log, options.onReloadFailure);
  let history: FeedHistory | undefined;
  let lastCheck = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | null = null;

  const opened = (): FeedHistory => {
    if (!history) {
      history = options.historyStore?.(region, versions) ?? new ContactHistory(versions, undefined, region);
      sources?.attach(history);
    }
    return history;
  };

  const check = async () => {
    const target = opened();
    if (!reader) return;
    const contacts = await reader.scan();
    if (contacts) target.apply(contacts);
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
    error: () => (reader ? reader.error() : sources?.error()),
    async page(after, limit) {
      await refresh();
      return opened().page(after, limit);
    },
    async get(id) {
      await refresh();
      return opened().get(id);
    },
    async findByPhone(phone, asked) {
      await refresh();
      const caller = normalizePhone(phone, asked);
      if (!caller) return [];
      return rankContacts(caller, opened().byPhone(caller.e164), asked);
    },
  };
}
