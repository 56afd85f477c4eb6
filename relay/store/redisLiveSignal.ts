// The Redis event log's live signal: a dedicated connection SUBSCRIBEd to `<prefix>events`, on which
// every instance hears every appended event (the append script PUBLISHes it) in sequence order.
// Pub/sub keeps nothing for a listener that was away, so this module says when it may have missed
// something — after a reconnect, or when a sequence number was skipped — and subscribers re-read the
// streams from their cursor (delivery.ts).
import { Redis, type RedisOptions } from 'ioredis';
import type { CallEvent } from '../../shared/callEvent.ts';
import { type EventListener, parseCursor, type SubscribeOptions } from './eventLog.ts';
import { ListenerIndex } from './listenerIndex.ts';

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LiveSignalOptions {
  url: string;
  channel: string;
  redis: RedisOptions;
  log?: Logger;
  onListenerError?: (error: unknown) => void;
  /** Every error the connection reports, for the metrics. */
  onError?: (error: Error) => void;
}

export class RedisLiveSignal {
  readonly connection: Redis;
  private readonly listeners: ListenerIndex;
  /** The newest event heard, to notice a skipped sequence number. */
  private lastHeard: { epoch: string; seq: number } | null = null;
  /** Subscribed now; `everSubscribed` tells a re-subscription (after a drop) from the first. */
  private subscribed = false;
  private everSubscribed = false;
  private outage = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: LiveSignalOptions) {
    this.listeners = new ListenerIndex(options.onListenerError);
    // Resubscribed by hand on every `ready`, so a gap is announced only once the channel is live.
    this.connection = new Redis(options.url, { ...options.redis, autoResubscribe: false });
    this.connection.on('error', (error: Error) => {
      options.onError?.(error);
      // ioredis retries every couple of seconds; one line per outage is enough.
      if (this.outage) return;
      this.outage = true;
      options.log?.error({ err: { message: error.message } }, 'redis: live signal connection failed');
    });
    this.connection.on('close', () => {
      this.subscribed = false;
    });
    this.connection.on('ready', () => void this.resubscribe());
    this.connection.on('message', (channel: string, message: string) => {
      if (channel === options.channel) this.hear(message);
    });
  }

  get isSubscribed(): boolean {
    return this.subscribed;
  }

  /** Connects and resolves once subscribed. */
  async connect(): Promise<void> {
    await this.connection.connect();
    if (!this.subscribed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  subscribe(listener: EventListener, options: SubscribeOptions = {}): () => void {
    return this.listeners.add(listener, options);
  }

  clear(): void {
    this.listeners.clear();
  }

  private async resubscribe(): Promise<void> {
    try {
      await this.connection.subscribe(this.options.channel);
    } catch (error) {
      this.options.log?.error({ err: { message: (error as Error).message } }, 'redis: SUBSCRIBE failed');
      return;
    }
    const again = this.everSubscribed;
    this.subscribed = this.everSubscribed = true;
    for (const resolve of this.waiters.splice(0)) resolve();
    if (this.outage) this.options.log?.info({}, 'redis: live signal restored');
    this.outage = false;
    // Whatever was published while the channel was down reaches subscribers through a re-read.
    if (again) this.gap();
  }

  private hear(message: string): void {
    let event: CallEvent;
    try {
      event = JSON.parse(message) as CallEvent;
    } catch {
      this.options.log?.warn({}, 'redis: a message on the event channel is not JSON');
      return;
    }
    const at = parseCursor(event.id);
    if (!at) return;
    const last = this.lastHeard;
    if (last && last.epoch === at.epoch && at.seq <= last.seq) return;
    this.lastHeard = at;
    // Redis publishes in sequence order, so a jump means this instance missed a message.
    if (last && last.epoch === at.epoch && at.seq > last.seq + 1) this.gap();
    this.listeners.dispatch(event);
  }

  private gap(): void {
    this.options.log?.warn({}, 'redis: live signal may have missed events; subscribers re-read');
    this.listeners.gap();
  }
}
