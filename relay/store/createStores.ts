// The one place that picks the storage backend from the config: in memory (event log, presence,
// idempotency window in this process; agents in the JSON file `state.file`), or Redis for several
// relay instances (everything shared). No other relay file names a backend.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../http/clock.ts';
import type { AgentStore } from './agentStore.ts';
import { type EventLog, MemoryEventLog } from './eventLog.ts';
import { FileAgentStore } from './fileAgentStore.ts';
import { MemoryPresence, type Presence } from './presence.ts';
import { RedisAgentStore } from './redisAgentStore.ts';
import { RedisEventLog } from './redisEventLog.ts';
import { RedisPresence } from './redisPresence.ts';
import type { StoreSettings } from './storeConfig.ts';

export type { StoreSettings };

export type StoreKind = 'memory' | 'redis';

/** The stores one relay instance serves calls from, with their lifecycle. */
export interface CallStores {
  kind: StoreKind;
  eventLog: EventLog;
  presence: Presence;
  /** Connects what needs a connection; the app calls it before it listens. */
  open(): Promise<void>;
  close(): Promise<void>;
}

export function createCallStores(
  settings: StoreSettings,
  deps: { log: FastifyBaseLogger; clock: Clock },
): CallStores {
  const onListenerError = (err: unknown) => deps.log.error({ err }, 'event log subscriber failed');
  const { redis } = settings;
  if (!redis) {
    return {
      kind: 'memory',
      eventLog: new MemoryEventLog({
        capacityPerKey: settings.capacityPerKey,
        epoch: deps.clock.now().toString(36),
        onListenerError,
      }),
      presence: new MemoryPresence(),
      open: async () => {},
      close: async () => {},
    };
  }
  const eventLog = new RedisEventLog({
    ...redis,
    capacityPerKey: settings.capacityPerKey,
    log: deps.log,
    onListenerError,
  });
  const presence = new RedisPresence({
    ...redis,
    onError: (err) => deps.log.warn({ err }, 'presence: Redis trouble'),
  });
  return {
    kind: 'redis',
    eventLog,
    presence,
    async open() {
      await eventLog.connect();
      deps.log.info({ prefix: redis.prefix }, 'event log: Redis Streams');
    },
    async close() {
      await presence.shutdown();
      await eventLog.close();
    },
  };
}

/** The agent store: the JSON file in embedded mode, Redis when instances share it. */
export function createAgentStore(settings: StoreSettings, onError: (error: unknown) => void): AgentStore {
  const { redis } = settings;
  if (!redis) return new FileAgentStore(settings.stateFile);
  return new RedisAgentStore({ url: redis.url, prefix: redis.prefix, onError });
}
