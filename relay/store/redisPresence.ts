// Connected agents across every relay instance, for the admin's "who is connected" view in Redis
// mode. Each instance keeps its own sessions in memory (the stream's calls stay synchronous) and
// mirrors them into the hash `<prefix>presence:<instance>`, whose TTL the instance keeps renewing:
// an instance that dies takes its sessions out of the list within `ttlSeconds`.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MemoryPresence, type Presence, type Session } from './presence.ts';

export interface RedisPresenceOptions {
  url: string;
  prefix: string;
  /** Names this instance in the list; random by default. */
  instance?: string;
  /** How often `sent` updates reach Redis: every event would be a write per event per agent. */
  flushMs?: number;
  ttlSeconds?: number;
  onError?: (error: unknown) => void;
}

export class RedisPresence implements Presence {
  readonly instance: string;
  private readonly local = new MemoryPresence();
  private readonly redis: Redis;
  private readonly key: string;
  private readonly dirty = new Set<string>();
  private readonly gone = new Set<string>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly ttlSeconds: number;
  private flushing: Promise<void> | null = null;
  private soon = false;
  private lastFull = 0;
  /** Whether this instance ever wrote its hash; until then there is nothing to renew or delete. */
  private wrote = false;

  constructor(private readonly options: RedisPresenceOptions) {
    this.instance = options.instance ?? randomBytes(6).toString('base64url');
    this.key = `${options.prefix}presence:${this.instance}`;
    this.ttlSeconds = options.ttlSeconds ?? 60;
    this.redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 });
    this.redis.on('error', (error) => options.onError?.(error));
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 2000);
    this.timer.unref();
  }

  open(session: Omit<Session, 'id'>): string {
    const id = this.local.open(session);
    this.dirty.add(id);
    this.flushSoon();
    return id;
  }

  sent(sessionId: string, eventId: string, at: string): void {
    this.local.sent(sessionId, eventId, at);
    this.dirty.add(sessionId);
  }

  close(sessionId: string): void {
    this.local.close(sessionId);
    this.dirty.delete(sessionId);
    this.gone.add(sessionId);
    this.flushSoon();
  }

  list(): Session[] {
    return this.local.list();
  }

  /** Every instance's sessions, ids prefixed with the instance so they stay unique. */
  async listAll(): Promise<Session[]> {
    await this.flush();
    const sessions: Session[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${this.options.prefix}presence:*`,
        'COUNT',
        100,
      );
      cursor = next;
      for (const key of keys) {
        const instance = key.slice(`${this.options.prefix}presence:`.length);
        for (const [id, json] of Object.entries(await this.redis.hgetall(key))) {
          try {
            sessions.push({ ...(JSON.parse(json) as Session), id: `${instance}/${id}`, instance });
          } catch {
            // Not ours, or damaged: the list is advisory, so skip it rather than fail the page.
          }
        }
      }
    } while (cursor !== '0');
    return sessions;
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    if (this.redis.status === 'wait') return this.redis.disconnect();
    await this.redis.del(this.key).catch(() => {});
    await this.redis.quit().catch(() => {});
  }

  private flushSoon(): void {
    if (this.soon) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      void this.flush();
    });
  }

  /** Writes what changed since the last flush; now and then everything, in case Redis lost it. */
  flush(): Promise<void> {
    this.flushing ??= this.write()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  private async write(): Promise<void> {
    const sessions = new Map(this.local.list().map((s) => [s.id, s]));
    // No agent ever connected here: no reason to open a connection yet.
    if (!this.wrote && !sessions.size) return;
    if (this.redis.status === 'wait') await this.redis.connect();
    const full = Date.now() - this.lastFull > (this.ttlSeconds * 1000) / 3;
    const ids = full ? [...sessions.keys()] : [...this.dirty];
    const gone = [...this.gone];
    this.dirty.clear();
    this.gone.clear();
    if (full) this.lastFull = Date.now();
    if (!ids.length && !gone.length && !full) return;
    const batch = this.redis.multi();
    // A full write replaces the hash, which also drops sessions whose close was lost to an outage.
    if (full) batch.del(this.key);
    for (const id of ids) {
      const session = sessions.get(id);
      if (session) batch.hset(this.key, id, JSON.stringify(session));
    }
    if (gone.length) batch.hdel(this.key, ...gone);
    batch.expire(this.key, this.ttlSeconds);
    this.wrote = true;
    await batch.exec();
  }
}
