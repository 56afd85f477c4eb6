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
   * cannot place (another run of the relay, memory lost) replays everything still retained.
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
  /** Short name for `/readyz` and logs. */
  readonly kind?: string;
}

const ID_RE = /^([0-9a-z]{1,16})\.(\d{1,15})$/;

/** The epoch and sequence number of an event id or cursor, or null for one no log of ours made. */
export function parseCursor(cursor: string): { epoch: string; seq: number } | null {
  const match = ID_RE.exec(cursor);
  return match?.[1] && match[2] ? { epoch: match[1], seq: Number(match[2]) } : null;
}

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
  event: CallEvent;
}

/** A fixed-size ring of the newest entries of one key. */
class Ring {
  private readonly items: Entry[] = [];
  private start = 0;
  /** Seq of the newest entry this ring had to drop; a reader behind it has missed something. */
  droppedSeq = 0;

  constructor(private readonly capacity: number) {}

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
  /** Identifies this run of the process; defaults to the start time in base 36. */
  epoch?: string;
  /** Told when a subscriber throws, so one broken subscriber cannot stop delivery to the others. */
  onListenerError?: (error: unknown) => void;
}

export class MemoryEventLog implements EventLog {
  readonly kind = 'memory';
  readonly epoch: string;
  private seq = 0;
  private readonly rings = new Map<string, Ring>();
  private readonly listeners: ListenerIndex;

  constructor(private readonly options: MemoryEventLogOptions) {
    this.listeners = new ListenerIndex(options.onListenerError);
    if (!Number.isInteger(options.capacityPerKey) || options.capacityPerKey < 1)
      throw new RangeError('capacityPerKey must be a positive integer');
    this.epoch = options.epoch ?? Date.now().toString(36);
    if (!/^[0-9a-z]{1,16}$/.test(this.epoch)) throw new RangeError('epoch must be 1-16 base-36 characters');
  }

  append(input: NewCallEvent): CallEvent {
    this.seq += 1;
    // Frozen because the same object is handed to every subscriber and kept in several rings.
    const event: CallEvent = Object.freeze({ ...input, id: `${this.epoch}.${this.seq}` });
    for (const key of eventKeys(event)) {
      let ring = this.rings.get(key);
      if (!ring) {
        ring = new Ring(this.options.capacityPerKey);
        this.rings.set(key, ring);
      }
      ring.push({ seq: this.seq, event });
    }
    this.listeners.dispatch(event);
    return event;
  }

  readAfter(keys: readonly string[], cursor: string): ReadResult {
    if (cursor === '') return { events: [], resync: false };
    const parsed = parseCursor(cursor);
    const sameEpoch = parsed?.epoch === this.epoch;
    const after = sameEpoch ? (parsed?.seq ?? 0) : 0;
    let resync = false;
    const found = new Map<number, CallEvent>();
    for (const key of new Set(keys)) {
      const ring = this.rings.get(key);
      if (!ring) continue;
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
}
