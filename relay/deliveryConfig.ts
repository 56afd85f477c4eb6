// The config sections for delivery: `redis` (scale-out) and `delivery` (limits, long-poll wait).
// Parsed here and called from config.ts, which hands in its `fail` so messages name the field the
// same way. `REDIS_URL` / `REDIS_PREFIX` in the environment win over the file (applyRedisEnv).
export interface RedisConfig {
  url: string;
  /** Prefix of every key and the channel, e.g. `screenpop:`; lets deployments share one Redis. */
  prefix: string;
}

export interface DeliveryConfig {
  /** Open connections (WebSocket, SSE, held long-polls) per agent on one relay instance. */
  maxConnectionsPerAgent: number;
  /** How long a long-poll is held when nothing is waiting, in ms. */
  longPollMs: number;
}

export const DEFAULT_REDIS_PREFIX = 'screenpop:';
export const DEFAULT_MAX_CONNECTIONS_PER_AGENT = 5;
export const DEFAULT_DELIVERY: DeliveryConfig = {
  maxConnectionsPerAgent: DEFAULT_MAX_CONNECTIONS_PER_AGENT,
  longPollMs: 25_000,
};

type Fail = (field: string, problem: string) => never;

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

function object(v: unknown, field: string, fail: Fail): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'must be an object');
  return v as Record<string, unknown>;
}

function integer(v: unknown, field: string, min: number, max: number, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(field, `must be an integer from ${min} to ${max}`);
  return v;
}

/** `redis: { url, prefix? }`, or null (in-memory log) when absent. */
export function parseRedisConfig(raw: unknown, fail: Fail): RedisConfig | null {
  if (raw === undefined || raw === null) return null;
  const r = object(raw, 'redis', fail);
  for (const key of Object.keys(r))
    if (key !== 'url' && key !== 'prefix') fail(`redis.${key}`, 'is not a known field');
  return {
    url: checkRedisUrl(r.url, 'redis.url', fail),
    prefix: r.prefix === undefined ? DEFAULT_REDIS_PREFIX : checkRedisPrefix(r.prefix, 'redis.prefix', fail),
  };
}

/** `delivery: { maxConnectionsPerAgent?, longPollMs? }`. */
export function parseDeliveryConfig(raw: unknown, fail: Fail): DeliveryConfig {
  if (raw === undefined) return { ...DEFAULT_DELIVERY };
  const d = object(raw, 'delivery', fail);
  for (const key of Object.keys(d))
    if (!(key in DEFAULT_DELIVERY)) fail(`delivery.${key}`, 'is not a known field');
  return {
    maxConnectionsPerAgent:
      d.maxConnectionsPerAgent === undefined
        ? DEFAULT_DELIVERY.maxConnectionsPerAgent
        : integer(d.maxConnectionsPerAgent, 'delivery.maxConnectionsPerAgent', 1, 1000, fail),
    longPollMs:
      d.longPollMs === undefined
        ? DEFAULT_DELIVERY.longPollMs
        : integer(d.longPollMs, 'delivery.longPollMs', 100, 60_000, fail),
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
