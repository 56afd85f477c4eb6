// PBXs retry webhooks (timeouts, their own restarts), and a retried "ringing" must not pop the
// CRM twice. The same call event within the window is one event: the retry gets the original
// back, with its id, and nothing is appended. In Redis mode the log does this atomically across
// instances (RedisEventLog.appendOnce); this file holds the key and the in-memory window.
import type { CallEvent, NewCallEvent } from '../../shared/callEvent.ts';
import type { Clock } from '../http/clock.ts';
import type { Appended, Awaitable } from './eventLog.ts';

export const IDEMPOTENCY_WINDOW_MS = 30 * 60_000;

/**
 * What makes two webhooks the same event: (callId, state, keypress), plus the source and the
 * extension. A retry repeats all of them; but a PBX that notifies each member of a ring group
 * separately sends one event per extension with the same call id and state, and each member must
 * get theirs.
 */
export function idempotencyKey(event: NewCallEvent): string {
  return JSON.stringify([event.source, event.callId, event.state, event.keypress ?? '', event.extension]);
}

interface Entry {
  expiresAt: number;
  event: Promise<CallEvent>;
}

/** The window in one process: a Map in insertion (= expiry) order, pruned from the front. */
export class MemoryIdempotency {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs = IDEMPOTENCY_WINDOW_MS,
  ) {}

  /**
   * Runs `append` for the first event with this key in the window; later ones (also those arriving
   * while the first is still being appended) get the first one's event.
   */
  async once(key: string, append: () => Awaitable<CallEvent>): Promise<Appended> {
    const now = this.clock.now();
    this.prune(now);
    const seen = this.entries.get(key);
    if (seen) return { event: await seen.event, duplicate: true };
    // Stored before awaiting, so a concurrent retry finds it.
    const event = Promise.resolve().then(append);
    const entry = { expiresAt: now + this.windowMs, event };
    this.entries.set(key, entry);
    try {
      return { event: await event, duplicate: false };
    } catch (error) {
      // Nothing was appended: the PBX's retry must be allowed to try again.
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}
