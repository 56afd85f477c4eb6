// Redis for the integration tests: REDIS_URL (default redis://127.0.0.1:6379), a key prefix of
// this run's own, and cleanup by SCAN + DEL of that prefix only (never FLUSHALL/FLUSHDB: the Redis
// may be shared). Without a reachable Redis the Redis suites are skipped with a printed reason,
// unless SCREENPOP_REQUIRE_REDIS=1 (set by .ci/run), which turns the skip into a failure.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, it } from 'vitest';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
export const REDIS_REQUIRED = process.env.SCREENPOP_REQUIRE_REDIS === '1';

async function probe(): Promise<string | null> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than "Connection is closed".
  let cause = '';
  client.on('error', (error: Error) => {
    cause ||= error.message;
  });
  try {
    await client.connect();
    const pong = await client.ping();
    return pong === 'PONG' ? null : `PING answered ${pong}`;
  } catch (error) {
    return cause || (error as Error).message || String(error);
  } finally {
    client.disconnect();
  }
}

/** Null when Redis answers, else why not. Probed once per test file. */
export const redisUnavailable: string | null = await probe();

/**
 * `describe` for tests that need Redis: skipped (and said so) without one, failing instead when
 * SCREENPOP_REQUIRE_REDIS=1.
 */
export function describeRedis(name: string, body: () => void): void {
  if (!redisUnavailable) {
    describe(name, body);
    return;
  }
  const why = `Redis at ${REDIS_URL} is not reachable (${redisUnavailable})`;
  if (REDIS_REQUIRED) {
    describe(name, () => {
      it('needs Redis (SCREENPOP_REQUIRE_REDIS=1)', () => {
        throw new Error(`${why}; SCREENPOP_REQUIRE_REDIS=1 makes this a failure`);
      });
    });
    return;
  }
  process.stdout.write(`skipping "${name}": ${why}; set REDIS_URL or start redis-server\n`);
  describe.skip(name, body);
}

/** A prefix no other run uses, e.g. `screenpop-test:1234-a1b2c3:`. */
export function uniquePrefix(label = 'test'): string {
  return `screenpop-${label}:${process.pid}-${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN + UNLINK), and nothing else. */
export async function cleanPrefix(prefix: string): Promise<number> {
  if (!/^screenpop-[a-z]+:\d+-[0-9a-f]+:$/.test(prefix)) throw new Error(`refusing to clean ${prefix}`);
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return deleted;
}

/** A plain client for assertions on keys; disconnect it in afterAll. */
export function redisClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
}
