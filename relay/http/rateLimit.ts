// Per-source rate limit: a token bucket per source name that holds one minute's allowance, so a PBX
// may burst (a queue flushing after a network blip) but not exceed its rate over time. Buckets live
// in this process: with several relay instances each enforces the limit on its own share.
import type { Clock } from './clock.ts';

export const DEFAULT_RATE_PER_MINUTE = 600;

export type Taken = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
  perMinute: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  /** Takes one request from `key`'s bucket of `perMinute`; when empty, says how long to wait. */
  take(key: string, perMinute: number): Taken {
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.perMinute !== perMinute) {
      bucket = { tokens: perMinute, at: now, perMinute };
      this.buckets.set(key, bucket);
    }
    const perMs = perMinute / 60_000;
    bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
  }
}
