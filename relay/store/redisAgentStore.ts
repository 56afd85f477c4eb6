// The agent state in Redis (Redis mode), shared by every relay instance: one JSON value under
// `<prefix>agents`, changed with WATCH/MULTI so two instances writing at once cannot lose a change,
// and announced on the channel `<prefix>agents-changed` so every instance reloads at once.
import { Redis } from 'ioredis';
import { MappingError } from '../../shared/agentMapping.ts';
import { type AgentState, type AgentStore, parseState, Serial, StateError } from './agentStore.ts';

export const PREFIX_RE = /^[A-Za-z0-9:_.{}-]{0,64}$/;
/** A missed signal (a reconnect, a dropped subscriber) is repaired by this periodic reload. */
export const RESYNC_MS = 30_000;
const MAX_ATTEMPTS = 20;

export interface RedisAgentStoreOptions {
  url: string;
  prefix: string;
  /** Connection trouble; ioredis keeps reconnecting on its own. */
  onError?: (error: unknown) => void;
  resyncMs?: number;
}

export class RedisAgentStore implements AgentStore {
  readonly where: string;
  private readonly key: string;
  private readonly channel: string;
  private readonly redis: Redis;
  private subscriber: Redis | undefined;
  private resync: ReturnType<typeof setInterval> | undefined;
  private readonly listeners = new Set<() => void>();
  // WATCH belongs to the connection, so this instance's own writes must not interleave.
  private readonly serial = new Serial();

  constructor(private readonly options: RedisAgentStoreOptions) {
    if (!PREFIX_RE.test(options.prefix)) throw new StateError(`state: Redis prefix must match ${PREFIX_RE}`);
    this.key = `${options.prefix}agents`;
    this.channel = `${options.prefix}agents-changed`;
    // The URL may hold a password: it is shown with any credentials masked.
    this.where = `redis key ${this.key} at ${options.url.replace(/\/\/[^@/]*@/, '//***@')}`;
    this.redis = new Redis(options.url, { connectTimeout: 5000, maxRetriesPerRequest: 5 });
    this.redis.on('error', (error) => options.onError?.(error));
  }

  async load(): Promise<AgentState | null> {
    return this.parse(await this.redis.get(this.key));
  }

  async create(state: AgentState): Promise<{ state: AgentState; created: boolean }> {
    // NX: when several instances start on an empty Redis, exactly one seed wins and all use it.
    const ok = await this.redis.set(this.key, JSON.stringify(state), 'NX');
    if (ok === 'OK') return { state, created: true };
    const stored = await this.load();
    if (!stored) throw new StateError(`state: ${this.where} vanished while starting`);
    return { state: stored, created: false };
  }

  update(change: (state: AgentState) => AgentState): Promise<AgentState> {
    return this.serial
      .run(() => this.attempt(change))
      .catch((error: unknown) => {
        // A refused change stays a MappingError; Redis trouble becomes a StateError (503, not 500).
        if (error instanceof MappingError || error instanceof StateError) throw error;
        throw new StateError(`state: ${this.where} could not be changed (${(error as Error).message})`);
      });
  }

  private async attempt(change: (state: AgentState) => AgentState): Promise<AgentState> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      await this.redis.watch(this.key);
      let next: AgentState;
      try {
        const current = await this.load();
        // Writing a change onto nothing would make a near-empty mapping the truth for everyone.
        if (!current)
          throw new StateError(
            `state: ${this.where} is missing (deleted?): restart a relay to seed it again`,
          );
        next = { ...change(current), rev: current.rev + 1 };
      } catch (error) {
        await this.redis.unwatch();
        throw error;
      }
      const replies = await this.redis
        .multi()
        .set(this.key, JSON.stringify(next))
        .publish(this.channel, String(next.rev))
        .exec();
      // null: another instance wrote the key after WATCH; read its state and apply again.
      if (!replies) continue;
      const failed = replies.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
      return next;
    }
    throw new StateError(`state: ${this.where} kept changing under ${MAX_ATTEMPTS} attempts; try again`);
  }

  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.subscriber) this.subscribe();
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    this.listeners.clear();
    await this.serial.run(async () => {});
    await Promise.all([this.subscriber?.quit().catch(() => {}), this.redis.quit().catch(() => {})]);
  }

  private subscribe(): void {
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (error) => this.options.onError?.(error));
    subscriber.on('message', (channel: string) => {
      if (channel === this.channel) this.notify();
    });
    let connectedBefore = false;
    // ioredis subscribes again after a reconnect; changes made while it was away come by reload.
    subscriber.on('ready', () => {
      if (connectedBefore) this.notify();
      connectedBefore = true;
    });
    subscriber.subscribe(this.channel).catch((error: unknown) => this.options.onError?.(error));
    this.resync = setInterval(() => this.notify(), this.options.resyncMs ?? RESYNC_MS);
    this.resync.unref();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private parse(text: string | null): AgentState | null {
    if (text === null) return null;
    try {
      return parseState(JSON.parse(text));
    } catch (error) {
      if (error instanceof MappingError) throw new StateError(`state: ${this.where}: ${error.message}`);
      if (error instanceof SyntaxError) throw new StateError(`state: ${this.where} is not valid JSON`);
      throw error;
    }
  }
}
