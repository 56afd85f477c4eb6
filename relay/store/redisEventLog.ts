// The event log on Redis Streams, for several relay instances behind one load balancer. One stream
// per routing key (`<prefix>stream:ext:911`, `<prefix>stream:agent:911`) is the replay log, capped
// at `capacityPerKey`; a global sequence gives every event one id that is the cursor in all of them
// (redisScripts.ts). Every instance hears every event through PUBLISH on `<prefix>events`, on a
// dedicated subscriber connection, and tells its local subscribers in sequence order. Events reach
// local subscribers only through that channel, also on the instance that appended them, so every
// instance delivers in the one global order.
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CallEvent, NewCallEvent } from '../../shared/callEvent.ts';
import {
  type Appended,
  DEFAULT_RETENTION,
  type EventListener,
  type EventLog,
  parseCursor,
  type ReadResult,
  type SubscribeOptions,
} from './eventLog.ts';
import { eventKeys } from './logKeys.ts';
import { type Logger, RedisLiveSignal } from './redisLiveSignal.ts';
import { APPEND_LUA, HEAD_LUA, READ_LUA, SIZE_LUA } from './redisScripts.ts';

export interface RedisEventLogOptions {
  url: string;
  /** Prefix of every key and of the channel, so several deployments can share one Redis. */
  prefix: string;
  capacityPerKey: number;
  /** Age and key-count limits (defaults: DEFAULT_RETENTION). */
  maxAgeMs?: number;
  maxKeys?: number;
  now?: () => number;
  log?: Logger;
  onListenerError?: (error: unknown) => void;
  /** Every error a connection reports (ioredis repeats them while it reconnects), for the metrics. */
  onError?: (connection: RedisConnection, error: Error) => void;
}

export type RedisConnection = 'commands' | 'live';

type Script = (numKeys: number, ...args: (string | number)[]) => Promise<unknown>;

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

function newEpoch(): string {
  // 'r' marks Redis cursors; the time keeps epochs readable, the random part makes them unique.
  return `r${Date.now().toString(36)}${randomBytes(3).readUIntBE(0, 3).toString(36)}`.slice(0, 16);
}

export class RedisEventLog implements EventLog {
  readonly kind = 'redis';
  private readonly redis: Redis;
  private readonly live: RedisLiveSignal;
  private readonly channel: string;
  private outage = false;

  constructor(private readonly options: RedisEventLogOptions) {
    if (!Number.isInteger(options.capacityPerKey) || options.capacityPerKey < 1)
      throw new RangeError('capacityPerKey must be a positive integer');
    this.channel = `${options.prefix}events`;
    // A few retries, then the command fails: a webhook then gets a 500 and the PBX retries, which
    // beats holding its request open for a Redis that is gone.
    const common = { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5_000 };
    // Named, so `CLIENT LIST` on a shared Redis shows which connections are ours.
    this.redis = new Redis(options.url, { ...common, connectionName: `${options.prefix}commands` });
    this.redis.defineCommand('screenpopAppend', { lua: APPEND_LUA });
    this.redis.defineCommand('screenpopRead', { lua: READ_LUA });
    this.redis.defineCommand('screenpopHead', { lua: HEAD_LUA });
    this.redis.defineCommand('screenpopSize', { lua: SIZE_LUA });
    this.redis.on('error', (error: Error) => {
      options.onError?.('commands', error);
      if (this.outage) return;
      this.outage = true;
      options.log?.error({ err: { message: error.message } }, 'redis: commands connection failed');
    });
    this.redis.on('ready', () => {
      if (this.outage) options.log?.info({}, 'redis: commands connection restored');
      this.outage = false;
    });
    this.live = new RedisLiveSignal({
      url: options.url,
      channel: this.channel,
      redis: { ...common, connectionName: `${options.prefix}live` },
      log: options.log,
      onListenerError: options.onListenerError,
      onError: (error) => options.onError?.('live', error),
    });
  }

  /** Whether each connection can serve now, for the metrics. */
  connected(): Record<RedisConnection, boolean> {
    return { commands: this.redis.status === 'ready', live: this.live.isSubscribed };
  }

  /** Entries in all streams (an event kept under two routing keys counts twice). */
  async size(): Promise<number> {
    // Refused at once rather than queued for a reconnect: a scrape must not wait for Redis.
    if (this.redis.status !== 'ready') throw new Error(`Redis commands connection is ${this.redis.status}`);
    return Number(await this.script('screenpopSize')(1, this.key('keys')));
  }

  /** Connects both connections and subscribes; rejects when Redis does not answer in time. */
  async connect(timeoutMs = 10_000): Promise<void> {
    const started = Promise.all([this.redis.connect(), this.live.connect()]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([started, timeout]);
    } catch (error) {
      this.redis.disconnect();
      this.live.connection.disconnect();
      throw new Error(`Redis at ${redactRedisUrl(this.options.url)}: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.live.clear();
    const quit = Promise.allSettled([this.redis.quit(), this.live.connection.quit()]);
    // QUIT waits for a connection that may never come back; shutdown must not.
    await Promise.race([quit, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    this.redis.disconnect();
    this.live.connection.disconnect();
  }

  async check(): Promise<void> {
    if (this.redis.status !== 'ready') throw new Error(`Redis commands connection is ${this.redis.status}`);
    if (!this.live.isSubscribed)
      throw new Error(`Redis live signal connection is ${this.live.connection.status}`);
    await this.redis.ping();
  }

  append(input: NewCallEvent): Promise<CallEvent> {
    return this.run(input, '', 0).then((r) => r.event);
  }

  appendOnce(input: NewCallEvent, key: string, ttlMs: number): Promise<Appended> {
    const hashed = createHash('sha256').update(key).digest('base64url').slice(0, 32);
    return this.run(input, hashed, Math.max(1, Math.ceil(ttlMs / 1000)));
  }

  async readAfter(keys: readonly string[], cursor: string): Promise<ReadResult> {
    if (cursor === '' || keys.length === 0) return { events: [], resync: false };
    const parsed = parseCursor(cursor);
    const streams = [...new Set(keys)].map((k) => this.streamKey(k));
    const reply = (await this.script('screenpopRead')(
      4 + streams.length,
      this.key('epoch'),
      this.key('trimmed'),
      this.key('keys'),
      this.key('droppedKeys'),
      ...streams,
      parsed?.epoch ?? '',
      parsed?.seq ?? 0,
    )) as [number, ...string[]];
    const [resync, ...jsons] = reply;
    // Each stream is in order; an event under two of the reader's keys comes twice: merge by seq.
    const bySeq = new Map<number, CallEvent>();
    for (const json of jsons) {
      const event = JSON.parse(json) as CallEvent;
      bySeq.set(parseCursor(event.id)?.seq ?? 0, event);
    }
    const events = [...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e);
    return { events, resync: resync === 1 };
  }

  /** Live events come only from the channel, also those this instance appended: one order for all. */
  subscribe(listener: EventListener, options: SubscribeOptions = {}): () => void {
    return this.live.subscribe(listener, options);
  }

  async head(): Promise<string> {
    const [epoch, seq] = (await this.script('screenpopHead')(
      2,
      this.key('epoch'),
      this.key('seq'),
      newEpoch(),
    )) as [string, string];
    return `${epoch}.${seq}`;
  }

  private async run(input: NewCallEvent, idemKey: string, ttlSeconds: number): Promise<Appended> {
    // An id smuggled in by an adapter would be a second "id" member; the script writes the real one.
    const { id: _ignored, ...fields } = input as NewCallEvent & { id?: string };
    const streams = eventKeys(fields).map((k) => this.streamKey(k));
    const [duplicate, json] = (await this.script('screenpopAppend')(
      6 + streams.length,
      this.key('seq'),
      this.key('epoch'),
      this.key('trimmed'),
      this.key(`idem:${idemKey || '-'}`),
      this.key('keys'),
      this.key('droppedKeys'),
      ...streams,
      newEpoch(),
      this.options.capacityPerKey,
      JSON.stringify(fields),
      ttlSeconds,
      this.channel,
      (this.options.now ?? Date.now)(),
      this.options.maxAgeMs ?? DEFAULT_RETENTION.maxAgeMs,
      this.options.maxKeys ?? DEFAULT_RETENTION.maxKeys,
    )) as [number, string];
    return { event: JSON.parse(json) as CallEvent, duplicate: duplicate === 1 };
  }

  private script(name: 'screenpopAppend' | 'screenpopRead' | 'screenpopHead' | 'screenpopSize'): Script {
    return ((this.redis as unknown as Record<string, Script>)[name] as Script).bind(this.redis);
  }

  private key(name: string): string {
    return `${this.options.prefix}${name}`;
  }

  private streamKey(routingKey: string): string {
    return this.key(`stream:${routingKey}`);
  }
}
