// The one place that picks the storage backend from the config: SQLite (the embedded default: one
// file, everything survives a restart), memory (event log, presence and idempotency window in this
// process; agents in the JSON file `state.file`), or Redis for several relay instances (everything
// shared). No other relay file names a backend.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../http/clock.ts';
import type { Metrics } from '../http/metrics.ts';
import type { AgentStore } from './agentStore.ts';
import { type EventLog, MemoryEventLog } from './eventLog.ts';
import type { FeedHistory } from './feedHistory.ts';
import { FileAgentStore } from './fileAgentStore.ts';
import { type JournalStore, MemoryJournalStore, SqliteJournalStore } from './journalStore.ts';
import { MemoryPresence, type Presence } from './presence.ts';
import { RedisAgentStore } from './redisAgentStore.ts';
import { RedisEventLog } from './redisEventLog.ts';
import { RedisJournalStore } from './redisJournalStore.ts';
import { type RedisMetrics, redisMetrics } from './redisMetrics.ts';
import { RedisPresence } from './redisPresence.ts';
import { SqliteAgentStore } from './sqliteAgentStore.ts';
import { type Db, openDb } from './sqliteDb.ts';
import { SqliteEventLog } from './sqliteEventLog.ts';
import { SqliteFeedHistory } from './sqliteFeedHistory.ts';
import type { StoreKind, StoreSettings } from './storeConfig.ts';

export type { StoreKind, StoreSettings };

/** The stores one relay instance serves calls from, with their lifecycle. */
export interface CallStores {
  kind: StoreKind;
  eventLog: EventLog;
  presence: Presence;
  /**
   * The contact feed's rows and history in the store, once open (SQLite only; elsewhere the feed
   * keeps them in this process). Phone keys are read in `region`.
   */
  contactHistory(region: string, maxVersions?: number): FeedHistory | undefined;
  /**
   * The call journal's calls and outbox, once open: the file in SQLite mode, Redis (shared by
   * every instance) in Redis mode, this process in memory mode.
   */
  journal(): JournalStore;
  /** Connects what needs a connection; the app calls it before it listens. */
  open(): Promise<void>;
  close(): Promise<void>;
}

export function createCallStores(
  settings: StoreSettings,
  deps: { log: FastifyBaseLogger; clock: Clock; metrics?: Metrics },
): CallStores {
  const onListenerError = (err: unknown) => deps.log.error({ err }, 'event log subscriber failed');
  const { retention } = settings;
  const now = () => deps.clock.now();
  const memoryJournal = new MemoryJournalStore();
  if (settings.kind === 'memory') {
    return {
      kind: 'memory',
      eventLog: new MemoryEventLog({
        capacityPerKey: retention.perKey,
        maxAgeMs: retention.maxAgeMs,
        maxKeys: retention.maxKeys,
        epoch: deps.clock.now().toString(36),
        now,
        onListenerError,
      }),
      presence: new MemoryPresence(),
      contactHistory: () => undefined,
      journal: () => memoryJournal,
      open: async () => {},
      close: async () => {},
    };
  }
  if (settings.kind === 'sqlite') {
    let eventLog: SqliteEventLog | null = null;
    let db: Db | null = null;
    let feed: SqliteFeedHistory | undefined;
    let journal: SqliteJournalStore | undefined;
    // Opened in open(), not here: a file that cannot be opened is a start-up error, not a throw
    // from the app factory.
    const lazy: EventLog = {
      kind: 'sqlite',
      append: (e) => opened().append(e),
      appendOnce: (e, key, ttl) => opened().appendOnce(e, key, ttl),
      readAfter: (keys, cursor) => opened().readAfter(keys, cursor),
      subscribe: (listener, options) => opened().subscribe(listener, options),
      head: () => opened().head(),
      check: () => opened().check(),
      size: () => eventLog?.size() ?? 0,
    };
    const opened = () => {
      if (!eventLog) throw new Error('store: the SQLite event log is not open yet');
      return eventLog;
    };
    return {
      kind: 'sqlite',
      eventLog: lazy,
      presence: new MemoryPresence(),
      contactHistory(region, maxVersions) {
        if (!db) return undefined;
        feed ??= new SqliteFeedHistory(db, region, maxVersions);
        return feed;
      },
      journal() {
        if (!db) throw new Error('store: the SQLite file is not open yet');
        journal ??= new SqliteJournalStore(db);
        return journal;
      },
      async open() {
        db = openDb(settings.sqlitePath);
        eventLog = new SqliteEventLog({ db, retention, now, onListenerError });
        deps.log.info({ path: settings.sqlitePath, epoch: eventLog.epoch }, 'event log: SQLite');
      },
      async close() {
        eventLog?.close();
        eventLog = null;
        db = null;
        feed = undefined;
        journal = undefined;
      },
    };
  }
  const redis = settings.redis;
  if (!redis) throw new Error('store: kind "redis" without redis settings');
  let counted: RedisMetrics | undefined;
  const eventLog = new RedisEventLog({
    ...redis,
    capacityPerKey: retention.perKey,
    maxAgeMs: retention.maxAgeMs,
    maxKeys: retention.maxKeys,
    now,
    log: deps.log,
    onListenerError,
    onError: (connection) => counted?.error(connection),
  });
  const presence = new RedisPresence({
    ...redis,
    onError: (err) => {
      counted?.error('presence');
      deps.log.warn({ err }, 'presence: Redis trouble');
    },
  });
  counted = deps.metrics && redisMetrics(deps.metrics, () => eventLog.connected());
  const redisJournal = new RedisJournalStore(redis.url, redis.prefix);
  return {
    kind: 'redis',
    eventLog,
    presence,
    contactHistory: () => undefined,
    journal: () => redisJournal,
    async open() {
      await eventLog.connect();
      deps.log.info({ prefix: redis.prefix }, 'event log: Redis Streams');
    },
    async close() {
      await presence.shutdown();
      await eventLog.close();
      await redisJournal.close();
    },
  };
}

/** The agent store: the SQLite file by default, the JSON file in memory mode, Redis when shared. */
export function createAgentStore(settings: StoreSettings, onError: (error: unknown) => void): AgentStore {
  if (settings.kind === 'sqlite')
    return new SqliteAgentStore(openDb(settings.sqlitePath), settings.sqlitePath, settings.stateFile);
  if (settings.kind === 'memory') return new FileAgentStore(settings.stateFile);
  const { redis } = settings;
  if (!redis) throw new Error('store: kind "redis" without redis settings');
  return new RedisAgentStore({ url: redis.url, prefix: redis.prefix, onError });
}
