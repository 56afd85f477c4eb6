// What every contact source (a file, an SQL database, the vtiger or SuiteCRM API) gives the feed:
// batches of changes since its last poll. The source set (sourceSet.ts) polls each on its own
// interval and writes what it reports into the feed.
import type { Contact } from '../../../shared/contact.ts';

export interface SourceBatch {
  /** Contacts new or changed since the last poll; `id` and `companyId` are the CRM's own ids. */
  upserts: Contact[];
  /** CRM ids gone since the last poll (soft deletes seen, or hard deletes found by reconciling). */
  deletes: string[];
  /**
   * True when `upserts` is everything the source holds now (a file re-read, a first full load):
   * every contact of this source not in it is gone.
   */
  complete: boolean;
  /**
   * True when the poll listed, through `PollSink.present`, every id the CRM has now (a reconcile):
   * every contact of this source not listed is gone (deleted outright in the CRM).
   */
  reconciled?: boolean;
}

/** Where a source hands over what is too large to return at once. */
export interface PollSink {
  /** A page of a complete load, as it is read: it goes into the feed at once. */
  upserts(contacts: Contact[]): void;
  /** A page of the ids the CRM has now, while reconciling. */
  present(ids: string[]): void;
}

export interface SourceLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ContactSource {
  /** The name from the config, unique; it prefixes ids when several sources are configured. */
  readonly name: string;
  readonly kind: string;
  /** Seconds between polls. */
  readonly intervalSeconds: number;
  /**
   * Changes since the last successful poll; the first poll of a process returns everything with
   * `complete: true`. Throws an Error whose message names the problem for the admin (bad URL,
   * refused login, failing query): the source's last good contacts stay in service. A source
   * reading a large complete load may hand its upserts over as they come through `sink` (each
   * page goes into the feed at once, so a million rows are never in memory together); the batch
   * it returns then holds the rest, still `complete`. A source that keeps no list of its own
   * contacts reconciles by listing the CRM's ids through `sink.present` (`reconciled`).
   */
  poll(sink?: PollSink): Promise<SourceBatch>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** Config fields every source has; each kind adds its own (parsed by its own module). */
export interface SourceConfigBase {
  name: string;
  kind: string;
  intervalSeconds: number;
}

export const DEFAULT_INTERVAL_SECONDS = 60;

/** How a source kind reads its config entry and makes the source. */
export interface SourceKind<C extends SourceConfigBase> {
  /**
   * Validates `contacts.sources[i]` (`field` is that path, e.g. `contacts.sources[1]`); throws
   * ConfigError (relay/http/configFields.ts `fail`) naming the field. `base` has name, kind and
   * intervalSeconds parsed already; `baseDir` is the config file's folder; `env` the environment
   * (secrets come from `…Env` variables or files, never inline in logs).
   */
  parse(
    raw: Record<string, unknown>,
    field: string,
    base: SourceConfigBase,
    baseDir: string,
    env: NodeJS.ProcessEnv,
  ): C;
  create(config: C, deps: { log: SourceLog }): ContactSource;
}
