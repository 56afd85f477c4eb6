// Token buckets by key (a PBX source, a client address, an agent): each holds one window's allowance,
// so a client may burst (a PBX queue flushing after a network blip) but not exceed its rate over
// time. Buckets live in this process: with several relay instances each enforces its own share.
// A bucket that has refilled is the same as no bucket, so idle ones are dropped: a scan of many
// addresses cannot grow memory for good.
import type { Clock } from './clock.ts';

export const DEFAULT_RATE_PER_MINUTE = 600;
const MINUTE = 60_000;
/** How often (clock time) refilled buckets are swept out. */
const SWEEP_EVERY_MS = MINUTE;
/** Above this many buckets the least recently used go first, whatever their level. */
export const MAX_BUCKETS = 100_000;

export type Taken = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private sweptAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly maxBuckets = MAX_BUCKETS,
  ) {
    this.sweptAt = clock.now();
  }

  /** Takes one from `key`'s bucket of `limit` per `windowMs`; when empty, says how long to wait. */
  take(key: string, limit: number, windowMs = MINUTE): Taken {
    const bucket = this.refreshed(key, limit, windowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: waitSeconds(bucket) };
  }

  /** Whether `take` would succeed, without taking. */
  peek(key: string, limit: number, windowMs = MINUTE): Taken {
    const bucket = this.current(key);
    if (!bucket) return { ok: true };
    refill(bucket, this.clock.now());
    return bucket.tokens >= 1 ? { ok: true } : { ok: false, retryAfterSeconds: waitSeconds(bucket) };
  }

  /** True when `key` has used some of its allowance lately (its bucket is not full). */
  used(key: string): boolean {
    const bucket = this.current(key);
    if (!bucket) return false;
    refill(bucket, this.clock.now());
    return bucket.tokens < bucket.limit;
  }

  /** Buckets held now (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private current(key: string): Bucket | undefined {
    return this.buckets.get(key);
  }

  private refreshed(key: string, limit: number, windowMs: number): Bucket {
    const now = this.clock.now();
    if (now - this.sweptAt >= SWEEP_EVERY_MS) this.sweep(now);
    let bucket = this.buckets.get(key);
    if (bucket && (bucket.limit !== limit || bucket.windowMs !== windowMs)) bucket = undefined;
    if (bucket) {
      // Re-inserted so the map's order is least recently used first.
      this.buckets.delete(key);
      refill(bucket, now);
    } else {
      bucket = { tokens: limit, at: now, limit, windowMs };
      if (this.buckets.size >= this.maxBuckets) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
    }
    this.buckets.set(key, bucket);
    return bucket;
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [key, bucket] of this.buckets) {
      refill(bucket, now);
      if (bucket.tokens >= bucket.limit) this.buckets.delete(key);
    }
  }
}

function refill(bucket: Bucket, now: number): void {
  const perMs = bucket.limit / bucket.windowMs;
  bucket.tokens = Math.min(bucket.limit, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
  bucket.at = now;
}

function waitSeconds(bucket: Bucket): number {
  const perMs = bucket.limit / bucket.windowMs;
  return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
}
