// The config of the storage backends. `store.kind` picks one: `sqlite` (the default: one file
// beside the config, everything survives a restart), `memory` (calls in this process, agents in the
// JSON file `state.file`; for tests) or `redis` (several instances on one Redis; also the older
// top-level `redis` key). `REDIS_URL` / `REDIS_PREFIX` in the environment win over the file
// (applyRedisEnv). `log` holds the retention limits, the same for every backend.
import { resolve } from 'node:path';
import { type Fail, fail, integer, object, text } from '../http/configFields.ts';
import { DEFAULT_RETENTION, type Retention } from './eventLog.ts';

export interface RedisConfig {
  url: string;
  /** Prefix of every key and the channel, e.g. `screenpop:`; lets deployments share one Redis. */
  prefix: string;
}

export const DEFAULT_REDIS_PREFIX = 'screenpop:';

const URL_RE = /^rediss?:\/\/\S{1,2000}$/;
const PREFIX_RE = /^[A-Za-z0-9:_.{}-]{1,64}$/;

export function checkRedisUrl(url: unknown, field: string, fail: Fail): string {
  if (typeof url !== 'string' || !URL_RE.test(url))
    fail(field, 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');
  return url;
}

export function checkRedisPrefix(prefix: unknown, field: string, fail: Fail): string {
  if (typeof prefix !== 'string' || !PREFIX_RE.test(prefix))
    fail(field, 'must be 1-64 characters of letters, digits and : _ . { } -');
  return prefix;
}

/** `redis: { url, prefix? }`, or null (in-memory log) when absent. */
export function parseRedisConfig(raw: unknown): RedisConfig | null {
  if (raw === undefined || raw === null) return null;
  const r = object(raw, 'redis');
  for (const key of Object.keys(r))
    if (key !== 'url' && key !== 'prefix') fail(`redis.${key}`, 'is not a known field');
  return {
    url: checkRedisUrl(r.url, 'redis.url', fail),
    prefix: r.prefix === undefined ? DEFAULT_REDIS_PREFIX : checkRedisPrefix(r.prefix, 'redis.prefix', fail),
  };
}

/**
 * The Redis settings with the environment applied: `REDIS_URL` turns Redis mode on (or moves it),
 * `REDIS_PREFIX` changes the prefix. Null means the in-memory log.
 */
export function applyRedisEnv(
  redis: RedisConfig | null | undefined,
  env: Record<string, string | undefined>,
  fail: Fail,
): RedisConfig | null {
  const url = env.REDIS_URL ? checkRedisUrl(env.REDIS_URL, 'REDIS_URL (environment)', fail) : redis?.url;
  if (!url) return null;
  const prefix = env.REDIS_PREFIX
    ? checkRedisPrefix(env.REDIS_PREFIX, 'REDIS_PREFIX (environment)', fail)
    : (redis?.prefix ?? DEFAULT_REDIS_PREFIX);
  return { url, prefix };
}

/** The top-level config fields parseStoreConfig reads. */
export const STORE_FIELDS = ['store', 'redis', 'state', 'log'] as const;

export type StoreKind = 'sqlite' | 'memory' | 'redis';

export interface StoreSettings {
  kind: StoreKind;
  /** The SQLite file (absolute), for `sqlite`. */
  sqlitePath: string;
  /** Set exactly when kind is `redis`. */
  redis: RedisConfig | null;
  /**
   * The agents' JSON file (absolute): their store in `memory` mode; in `sqlite` mode a file left by
   * an older relay, migrated into the database on first start.
   */
  stateFile: string;
  /** How much of the call log is kept. */
  retention: Retention;
}

/** Default of `store.path` and of `state.file`, beside the config file. */
export const DEFAULT_SQLITE_FILE = 'screenpop.db';
export const DEFAULT_STATE_FILE = 'relay-state.json';
const HOUR_MS = 3_600_000;

/** The config's storage sections `store`, `redis`, `state` and `log`; paths are relative to `baseDir`. */
export function parseStoreConfig(
  c: { store?: unknown; redis?: unknown; state?: unknown; log?: unknown },
  baseDir: string,
): StoreSettings {
  const settings: StoreSettings = {
    kind: 'sqlite',
    sqlitePath: resolve(baseDir, DEFAULT_SQLITE_FILE),
    redis: parseRedisConfig(c.redis),
    stateFile: resolve(baseDir, DEFAULT_STATE_FILE),
    retention: { ...DEFAULT_RETENTION },
  };
  if (settings.redis) settings.kind = 'redis';
  if (c.store !== undefined) parseStoreKey(c.store, baseDir, settings);
  if (c.state !== undefined) {
    const state = object(c.state, 'state');
    settings.stateFile = resolve(baseDir, text(state.file, 'state.file', 4096));
  }
  if (c.log !== undefined) {
    const log = object(c.log, 'log');
    for (const key of Object.keys(log))
      if (!['capacityPerKey', 'retentionHours', 'maxKeys'].includes(key))
        fail(`log.${key}`, 'is not a known field');
    if (log.capacityPerKey !== undefined)
      settings.retention.perKey = integer(log.capacityPerKey, 'log.capacityPerKey', 1, 100_000);
    if (log.retentionHours !== undefined)
      settings.retention.maxAgeMs = integer(log.retentionHours, 'log.retentionHours', 1, 24 * 366) * HOUR_MS;
    if (log.maxKeys !== undefined)
      settings.retention.maxKeys = integer(log.maxKeys, 'log.maxKeys', 1, 1_000_000);
  }
  return settings;
}

function parseStoreKey(raw: unknown, baseDir: string, settings: StoreSettings): void {
  const store = object(raw, 'store');
  const allowed: Record<StoreKind, string[]> = {
    sqlite: ['kind', 'path'],
    memory: ['kind'],
    redis: ['kind', 'url', 'prefix'],
  };
  const kind = store.kind;
  if (kind !== 'sqlite' && kind !== 'memory' && kind !== 'redis')
    fail(
      'store.kind',
      'must be "sqlite" (one file, the default), "memory" (tests) or "redis" (several instances)',
    );
  for (const key of Object.keys(store))
    if (!allowed[kind].includes(key)) fail(`store.${key}`, `is not a field of a "${kind}" store`);
  if (kind === 'redis' && settings.redis && store.url === undefined) return;
  if (settings.redis && kind !== 'redis')
    fail('store.kind', `is "${kind}" but the config also has a "redis" section`);
  settings.kind = kind;
  if (kind === 'sqlite' && store.path !== undefined)
    settings.sqlitePath = resolve(baseDir, text(store.path, 'store.path', 4096));
  if (kind === 'redis')
    settings.redis = {
      url: checkRedisUrl(store.url, 'store.url', fail),
      prefix:
        store.prefix === undefined
          ? DEFAULT_REDIS_PREFIX
          : checkRedisPrefix(store.prefix, 'store.prefix', fail),
    };
}

/** The settings with `REDIS_URL` / `REDIS_PREFIX` from the environment applied: they mean Redis. */
export function applyStoreEnv(
  settings: StoreSettings,
  env: Record<string, string | undefined>,
): StoreSettings {
  const redis = applyRedisEnv(settings.redis, env, fail);
  return redis ? { ...settings, kind: 'redis', redis } : settings;
}
