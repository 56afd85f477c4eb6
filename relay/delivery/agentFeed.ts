// One agent's view of the event log, shared by the three transports (WebSocket, long-poll, SSE):
// the replay of what the agent missed, then live events, each exactly once and in id order.
//
// The subscription starts before anything is read, and live events are buffered while a read is in
// flight, so an event appended meanwhile is neither lost nor sent twice: everything is filtered
// against the cursor of the last event delivered. The same read-then-flush runs again when the log
// reports a gap (a shared store's live signal dropped or skipped a message), so a lost live message is
// recovered from the replay log instead of silently missing.
import type { CallEvent } from '../../shared/callEvent.ts';
import { type EventLog, isAfter } from '../store/eventLog.ts';
import { agentKeys, type Route, routesTo } from '../store/logKeys.ts';

export interface FeedSink {
  /** One event for the agent, in order, never twice. */
  event(event: CallEvent): void;
  /** The start cursor was older than the log: events in between are gone. Before the replay. */
  resync(): void;
  /** A re-read after a gap failed; the transport should end so the client resumes from its cursor. */
  failed(error: unknown): void;
}

export interface StartResult {
  replayed: number;
  resync: boolean;
}

export class AgentFeed {
  /** The cursor of the newest event delivered, or where delivery starts. */
  private last = '';
  /** Live events held while a read is in flight; null once live. */
  private buffer: CallEvent[] | null = [];
  private pendingReads = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly unsubscribe: () => void;

  /** Subscribes at once: construct the feed before reading the head. */
  constructor(
    private readonly log: EventLog,
    private readonly route: Route,
    private readonly sink: FeedSink,
  ) {
    this.unsubscribe = log.subscribe((event) => this.onLive(event), {
      onGap: () => this.onGap(),
      keys: agentKeys(route),
    });
  }

  /** The cursor a client resumes from to continue exactly after what this feed delivered. */
  get cursor(): string {
    return this.last;
  }

  /**
   * Replays what came after `after` ('' = nothing before now, where `head` is now) and goes live.
   * Resolves when the replay and the events buffered during it were handed to the sink.
   */
  start(after: string, head: string): Promise<StartResult> {
    this.last = after === '' ? head : after;
    return this.read(after, true);
  }

  close(): void {
    this.closed = true;
    this.buffer = null;
    this.unsubscribe();
  }

  private onLive(event: CallEvent): void {
    if (this.closed || !routesTo(this.route, event)) return;
    if (this.buffer) this.buffer.push(event);
    else this.push(event);
  }

  private onGap(): void {
    if (this.closed) return;
    this.read(this.last, false).catch((error: unknown) => {
      if (!this.closed) this.sink.failed(error);
    });
  }

  /** Queues a read from `after`; buffering lasts until the last queued read has been delivered. */
  private read(after: string, first: boolean): Promise<StartResult> {
    this.pendingReads++;
    this.buffer ??= [];
    const done = this.chain.then(async () => {
      // A gap's re-read starts from what was delivered by then, not from when it was queued.
      const from = first ? after : this.last;
      const result = await this.log.readAfter(agentKeys(this.route), from);
      if (this.closed) return { replayed: 0, resync: result.resync };
      if (result.resync) this.sink.resync();
      let replayed = 0;
      for (const event of result.events) if (this.push(event)) replayed++;
      return { replayed, resync: result.resync };
    });
    // Settled before the caller hears of it, so it sees the buffered events delivered too.
    const settled = done.then(
      (result) => {
        this.settle();
        return result;
      },
      (error: unknown) => {
        this.settle();
        throw error;
      },
    );
    this.chain = settled.catch(() => {});
    return settled;
  }

  private settle(): void {
    this.pendingReads--;
    if (this.pendingReads > 0 || this.closed || !this.buffer) return;
    const held = this.buffer;
    this.buffer = null;
    for (const event of held) this.push(event);
  }

  private push(event: CallEvent): boolean {
    if (this.closed || !isAfter(event.id, this.last)) return false;
    this.last = event.id;
    this.sink.event(event);
    return true;
  }
}
