// Live-event subscribers indexed by routing key. Each agent listens on a few keys (its extensions
// and agent ids); looking listeners up by the event's keys keeps fan-out proportional to the
// agents that should hear an event, not to every agent connected (5,000 agents × 5,000 events/s
// would otherwise be 25 million listener calls a second).
import type { CallEvent } from '../../shared/callEvent.ts';
import type { EventListener, SubscribeOptions } from './eventLog.ts';
import { eventKeys } from './logKeys.ts';

interface Entry {
  listener: EventListener;
  onGap?: () => void;
}

export class ListenerIndex {
  private readonly byKey = new Map<string, Set<Entry>>();
  /** Subscribers without keys hear every event. */
  private readonly everything = new Set<Entry>();
  private readonly entries = new Set<Entry>();

  constructor(private readonly onError?: (error: unknown) => void) {}

  add(listener: EventListener, options: SubscribeOptions = {}): () => void {
    const entry: Entry = { listener, onGap: options.onGap };
    const keys = options.keys ? [...new Set(options.keys)] : null;
    this.entries.add(entry);
    if (!keys) this.everything.add(entry);
    else
      for (const key of keys) {
        let set = this.byKey.get(key);
        if (!set) {
          set = new Set();
          this.byKey.set(key, set);
        }
        set.add(entry);
      }
    return () => {
      this.entries.delete(entry);
      this.everything.delete(entry);
      for (const key of keys ?? []) {
        const set = this.byKey.get(key);
        set?.delete(entry);
        if (set?.size === 0) this.byKey.delete(key);
      }
    };
  }

  clear(): void {
    this.entries.clear();
    this.everything.clear();
    this.byKey.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  dispatch(event: CallEvent): void {
    // Collected first: a listener may unsubscribe (or subscribe others) while being called, and an
    // agent listening on both of an event's keys must hear it once.
    const targets = new Set<Entry>(this.everything);
    for (const key of eventKeys(event)) for (const entry of this.byKey.get(key) ?? []) targets.add(entry);
    for (const { listener } of targets) this.call(() => listener(event));
  }

  gap(): void {
    for (const { onGap } of [...this.entries]) if (onGap) this.call(onGap);
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.onError?.(error);
    }
  }
}
