// The config of the storage backends: `redis` (several instances on one Redis), `state.file` (the
// agent store of the embedded relay) and `log.capacityPerKey`. `REDIS_URL` / `REDIS_PREFIX` in the
// environment win over the file (applyRedisEnv).
import { resolve } from 'node:path';
import { type Fail, fail, integer, object, text } from '../http/configFields.ts';

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
export const STORE_FIELDS = ['redis', 'state', 'log'] as const;

export interface StoreSettings {
  /** Redis for several instances; null keeps state in this process (and the agents in `stateFile`). */
  redis: RedisConfig | null;
  /** The agents' JSON file when not on Redis (absolute). */
  stateFile: string;
  /** Calls kept per extension and per agent id. */
  capacityPerKey: number;
}

/** Default of `state.file`, beside the config file. */
export const DEFAULT_STATE_FILE = 'relay-state.json';
export const DEFAULT_CAPACITY_PER_KEY = 1000;

/** The config's storage sections `redis`, `state` and `log`; paths are relative to `baseDir`. */
export function parseStoreConfig(
  c: { redis?: unknown; state?: unknown; log?: unknown },
  baseDir: string,
): StoreSettings {
  const settings: StoreSettings = {
    redis: parseRedisConfig(c.redis),
    stateFile: resolve(baseDir, DEFAULT_STATE_FILE),
    capacityPerKey: DEFAULT_CAPACITY_PER_KEY,
  };
  if (c.state !== undefined) {
    const state = object(c.state, 'state');
    settings.stateFile = resolve(baseDir, text(state.file, 'state.file', 4096));
  }
  if (c.log !== undefined) {
    const log = object(c.log, 'log');
    if (log.capacityPerKey !== undefined)
      settings.capacityPerKey = integer(log.capacityPerKey, 'log.capacityPerKey', 1, 100_000);
  }
  return settings;
}

/** The settings with `REDIS_URL` / `REDIS_PREFIX` from the environment applied. */
export function applyStoreEnv(
  settings: StoreSettings,
  env: Record<string, string | undefined>,
): StoreSettings {
  return { ...settings, redis: applyRedisEnv(settings.redis, env, fail) };
}
