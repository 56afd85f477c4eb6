// The shared store's own metrics: whether each connection can serve, and the errors they report.
// Defined here because only relay/store/ knows the store is Redis.
import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../http/metrics.ts';
import type { RedisConnection } from './redisEventLog.ts';

export type RedisConnectionName = RedisConnection | 'presence';

export interface RedisMetrics {
  error(connection: RedisConnectionName): void;
}

/** Registers the Redis metrics in the app's registry; `connected` is read at scrape time. */
export function redisMetrics(
  metrics: Metrics,
  connected: () => Record<RedisConnection, boolean>,
): RedisMetrics {
  const errors = new Counter({
    name: 'screenpop_redis_errors_total',
    help: 'Errors reported by the Redis connections, by connection (repeated while one reconnects).',
    labelNames: ['connection'] as const,
    registers: [metrics.registry],
  });
  new Gauge({
    name: 'screenpop_redis_connected',
    help: 'Whether the Redis connection can serve now (1) or not (0), by connection.',
    labelNames: ['connection'] as const,
    registers: [metrics.registry],
    collect() {
      for (const [connection, up] of Object.entries(connected())) this.set({ connection }, up ? 1 : 0);
    },
  });
  for (const connection of ['commands', 'live', 'presence'] as const) errors.inc({ connection }, 0);
  return { error: (connection) => errors.inc({ connection }) };
}
