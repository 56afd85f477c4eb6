// The relay's memory of recent calls, so an agent whose browser was asleep gets them on reconnect.
// The interface allows async results for the Redis Streams log (redisEventLog.ts); the in-memory
// log below answers synchronously. Both give ids of the form `<epoch>.<seq>`: one global order,
// so an event's id is the cursor to resume after it, the same for every agent that receives it.
import type { CallEvent, NewCallEvent } from '../../shared/callEvent.ts';
import { ListenerIndex } from './listenerIndex.ts';
import { eventKeys } from './logKeys.ts';

export type Awaitable<T> = T | Promise<T>;

export interface ReadResult {
  /** Events after the cursor, each once, oldest first. */
  events: CallEvent[];
  /** True when events after the cursor were already dropped: the reader's history has a gap. */
  resync: boolean;
}

export type EventListener = (event: CallEvent) => void;

export interface SubscribeOptions {
  /**
   * Called when the log may have skipped live events for this instance (Redis: the live signal
   * connection dropped, or a sequence number was missed). Subscribers re-read from their cursor.
   */
  onGap?: () => void;
  /** Only events stored under one of these routing keys (an agent's); all events when absent. */
  keys?: readonly string[];
}

export interface Appended {
  event: CallEvent;
  /** True when `key` was already used within the window: `event` is the original, nothing was appended. */
  duplicate: boolean;
}

export interface EventLog {
  /** Stores the event, gives it its id (which is also a cursor) and tells every subscriber. */
  append(event: NewCallEvent): Awaitable<CallEvent>;
  /**
   * Events under any of `keys` after `cursor`. '' means "from now" (nothing); a cursor this log
   * cannot place (another epoch: a memory log restarted, a store wiped) replays everything still
   * retained with `resync`, so the agent learns that calls may be missing.
   */
  readAfter(keys: readonly string[], cursor: string): Awaitable<ReadResult>;
  /** Calls `listener` for every appended event, in id order; returns the unsubscribe function. */
  subscribe(listener: EventListener, options?: SubscribeOptions): () => void;
  /** The cursor of the newest event (or of the empty log). */
  head(): Awaitable<string>;
  /**
   * Appends unless an event with the same idempotency `key` was appended within `ttlMs`, as one
   * atomic step shared by every relay instance. Logs without it get the pipeline's in-memory window.
   */
  appendOnce?(event: NewCallEvent, key: string, ttlMs: number): Promise<Appended>;
  /** Rejects with a reason when the log cannot serve (for `/readyz`). */
  check?(): Promise<void>;
  /** Entries held now, for the metrics (read at scrape time). */
  size?(): Awaitable<number>;
  /** Short name for `/readyz` and logs. */
  readonly kind?: string;
}

const ID_RE = /^([0-9a-z]{1,16})\.(\d{1,15})$/;

/** The epoch and sequence number of an event id or cursor, or null for one no log of ours made. */
export function parseCursor(cursor: string): { epoch: string; seq: number } | null {
  const match = ID_RE.exec(cursor);
  return match?.[1] && match[2] ? { epoch: match[1], seq: Number(match[2]) } : null;
}

/** How much of the log is kept, the same rules for every backend. */
export interface Retention {
  /** Newest events kept per routing key (extension, agent id). */
  perKey: number;
  /** Events older than this are dropped. */
  maxAgeMs: number;
  /**
   * Routing keys kept; beyond it the key with the oldest newest event is dropped whole, so events
   * to ever new extensions cannot grow the store for good.
   */
  maxKeys: number;
}

export const DEFAULT_RETENTION: Retention = {
  perKey: 1000,
  maxAgeMs: 7 * 24 * 3600_000,
  maxKeys: 20_000,
};

/**
 * True when `id` comes after `cursor` in the log's order. An id of another epoch (a restarted
 * memory log, a wiped Redis) counts as newer: the reader's cursor means nothing in the new run.
 */
export function isAfter(id: string, cursor: string): boolean {
  const a = parseCursor(id);
  const b = parseCursor(cursor);
  if (!a || !b || a.epoch !== b.epoch) return true;
  return a.seq > b.seq;
}

interface Entry {
  seq: number;
  /** When it was appended (ms), for retention by age. */
  at: number;
  event: CallEvent;
}

/** A fixed-size ring of the newest entries of one key. */
class Ring {
  private items: Entry[] = [];
  private start = 0;
  /** Seq of the newest entry this ring had to drop; a reader behind it has missed something. */
  droppedSeq = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  get newestSeq(): number {
    return this.items[(this.start + this.items.length - 1) % this.items.length]?.seq ?? this.droppedSeq;
  }

  push(entry: Entry): void {
    if (this.items.length < this.capacity) {
      this.items.push(entry);
      return;
    }
    const oldest = this.items[this.start];
    if (oldest) this.droppedSeq = oldest.seq;
    this.items[this.start] = entry;
    this.start = (this.start + 1) % this.capacity;
  }

  /** Drops the entries appended before `at`; returns how many are left. */
  dropBefore(at: number): number {
    const kept: Entry[] = [];
    for (const entry of this.after(0))
      if (entry.at >= at) kept.push(entry);
      else this.droppedSeq = Math.max(this.droppedSeq, entry.seq);
    this.items = kept;
    this.start = 0;
    return kept.length;
  }

  /** Entries with seq > `seq`, oldest first. */
  *after(seq: number): Generator<Entry> {
    for (let i = 0; i < this.items.length; i++) {
      const entry = this.items[(this.start + i) % this.items.length];
      if (entry && entry.seq > seq) yield entry;
    }
  }
}

export interface MemoryEventLogOptions {
  capacityPerKey: number;
  /** Age and key-count limits; `capacityPerKey` is the per-key limit. */
  maxAgeMs?: number;
  maxKeys?: number;
  /** Identifies this run of the process; defaults to the start time in base 36. */
  epoch?: string;
  /** The time in ms, for retention by age (tests pass a fake clock). */
  now?: () => number;
  /** Told when a subscriber throws, so one broken subscriber cannot stop delivery to the others. */
  onListenerError?: (error: unknown) => void;
}

/** How often the whole log is checked for events past their age. */
const AGE_CHECK_MS = 60_000;

export class MemoryEventLog implements EventLog {
  readonly kind = 'memory';
  readonly epoch: string;
  private seq = 0;
  /** In order of their newest event (a key is moved to the end when it gets one): oldest first. */
  private readonly rings = new Map<string, Ring>();
  /**
   * The newest seq of any key dropped whole (by age or the key cap). A reader of a key that has
   * no ring, with a cursor below it, may have lost events with that key: it gets `resync`.
   */
  private droppedKeysSeq = 0;
  private lastAgeCheck = 0;
  private readonly listeners: ListenerIndex;
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly maxKeys: number;

  constructor(private readonly options: MemoryEventLogOptions) {
    this.listeners = new ListenerIndex(options.onListenerError);
    if (!Number.isInteger(options.capacityPerKey) || options.capacityPerKey < 1)
      throw new RangeError('capacityPerKey must be a positive integer');
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_RETENTION.maxAgeMs;
    this.maxKeys = options.maxKeys ?? DEFAULT_RETENTION.maxKeys;
    this.epoch = options.epoch ?? Date.now().toString(36);
    if (!/^[0-9a-z]{1,16}$/.test(this.epoch)) throw new RangeError('epoch must be 1-16 base-36 characters');
    this.lastAgeCheck = this.now();
  }

  append(input: NewCallEvent): CallEvent {
    this.seq += 1;
    const at = this.now();
    // Frozen because the same object is handed to every subscriber and kept in several rings.
    const event: CallEvent = Object.freeze({ ...input, id: `${this.epoch}.${this.seq}` });
    for (const key of eventKeys(event)) {
      let ring = this.rings.get(key);
      if (ring) this.rings.delete(key);
      else ring = new Ring(this.options.capacityPerKey);
      this.rings.set(key, ring);
      ring.push({ seq: this.seq, at, event });
    }
    this.enforceLimits(at);
    this.listeners.dispatch(event);
    return event;
  }

  readAfter(keys: readonly string[], cursor: string): ReadResult {
    if (cursor === '') return { events: [], resync: false };
    this.enforceLimits(this.now());
    const parsed = parseCursor(cursor);
    const sameEpoch = parsed?.epoch === this.epoch;
    const after = sameEpoch ? (parsed?.seq ?? 0) : 0;
    let resync = !sameEpoch;
    const found = new Map<number, CallEvent>();
    for (const key of new Set(keys)) {
      const ring = this.rings.get(key);
      if (!ring) {
        if (sameEpoch && this.droppedKeysSeq > after) resync = true;
        continue;
      }
      if (sameEpoch && ring.droppedSeq > after) resync = true;
      for (const entry of ring.after(after)) found.set(entry.seq, entry.event);
    }
    const events = [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, event]) => event);
    return { events, resync };
  }

  subscribe(listener: EventListener, options?: SubscribeOptions): () => void {
    return this.listeners.add(listener, options);
  }

  head(): string {
    return `${this.epoch}.${this.seq}`;
  }

  size(): number {
    let n = 0;
    for (const ring of this.rings.values()) n += ring.size;
    return n;
  }

  /** Routing keys currently held. */
  get keyCount(): number {
    return this.rings.size;
  }

  private enforceLimits(now: number): void {
    while (this.rings.size > this.maxKeys) {
      const [key, ring] = this.rings.entries().next().value as [string, Ring];
      this.dropKey(key, ring);
    }
    if (now - this.lastAgeCheck < Math.min(AGE_CHECK_MS, this.maxAgeMs)) return;
    this.lastAgeCheck = now;
    for (const [key, ring] of this.rings)
      if (ring.dropBefore(now - this.maxAgeMs) === 0) this.dropKey(key, ring);
  }

  private dropKey(key: string, ring: Ring): void {
    this.droppedKeysSeq = Math.max(this.droppedKeysSeq, ring.newestSeq);
    this.rings.delete(key);
  }
}
