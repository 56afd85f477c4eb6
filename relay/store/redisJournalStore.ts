// The call journal's state in Redis, shared by every relay instance (journalStore.ts says what it
// keeps and why). Every instance sees every call event and adds it (by event id, once); the one
// that first finds a call ended marks it finished and queues its records in one script, so a call
// is queued once however many instances look; a due record is claimed with a lease by pushing its
// due time forward, so one instance writes it at a time and another takes over after a crash.
import { Redis } from 'ioredis';
import type { CallEvent } from '../../shared/callEvent.ts';
import {
  compareIds,
  type JournalStore,
  type ListOptions,
  type OutboxEntry,
  type OutboxStats,
} from './journalStore.ts';

/** Finished calls and their events are kept this long (for late events and the agents' status). */
const KEEP_FINISHED_S = 7 * 86_400;

const ADD_EVENT_LUA = `
if redis.call('HGET', KEYS[1], 'finished') == '1' then return 0 end
redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3])
local last = tonumber(redis.call('HGET', KEYS[1], 'lastAt') or '0')
local at = tonumber(ARGV[4])
if at > last then last = at end
redis.call('HSET', KEYS[1], 'lastAt', last, 'finished', '0')
redis.call('ZADD', KEYS[3], last, ARGV[1])
return 1`;

// KEYS: call, events, open, due, created, bycall, entry…; ARGV: callId, ttl, n, (id, json, nextAt, createdAt)…
const FINISH_LUA = `
if redis.call('HGET', KEYS[1], 'finished') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'finished', '1')
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[1])
local n = tonumber(ARGV[3])
for i = 1, n do
  local a = 3 + (i - 1) * 4
  if redis.call('SET', KEYS[6 + i], ARGV[a + 2], 'NX') then
    redis.call('ZADD', KEYS[4], ARGV[a + 3], ARGV[a + 1])
    redis.call('ZADD', KEYS[5], ARGV[a + 4], ARGV[a + 1])
    redis.call('SADD', KEYS[6], ARGV[a + 1])
  end
end
return 1`;

const CLAIM_LUA = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[3], id) end
return ids`;

type Script = (numKeys: number, ...args: (string | number)[]) => Promise<unknown>;

export class RedisJournalStore implements JournalStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      connectTimeout: 5_000,
      connectionName: `${prefix}journal`,
    });
    this.redis.defineCommand('journalAddEvent', { lua: ADD_EVENT_LUA });
    this.redis.defineCommand('journalFinish', { lua: FINISH_LUA });
    this.redis.defineCommand('journalClaim', { lua: CLAIM_LUA });
    // Errors surface on the commands that fail; ioredis reconnects by itself.
    this.redis.on('error', () => {});
  }

  /** Connected on first use (ioredis `lazyConnect`): a relay without a journal opens no connection. */
  async close(): Promise<void> {
    if (this.redis.status === 'wait') return this.redis.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(...parts: string[]): string {
    return `${this.prefix}journal:${parts.join(':')}`;
  }

  private script(name: string): Script {
    const command = (this.redis as unknown as Record<string, Script>)[name] as Script;
    return command.bind(this.redis);
  }

  private entryKey(id: string): string {
    return this.key('entry', id);
  }

  async addEvent(event: CallEvent): Promise<void> {
    await this.script('journalAddEvent')(
      3,
      this.key('call', event.callId),
      this.key('events', event.callId),
      this.key('open'),
      event.callId,
      event.id,
      JSON.stringify(event),
      Date.parse(event.at),
    );
  }

  async callEvents(callId: string) {
    const [finished, raw] = await Promise.all([
      this.redis.hget(this.key('call', callId), 'finished'),
      this.redis.hvals(this.key('events', callId)),
    ]);
    if (finished === null) return undefined;
    const events = raw.map((j) => JSON.parse(j) as CallEvent).sort((a, b) => compareIds(a.id, b.id));
    return { events, finished: finished === '1' };
  }

  async staleCalls(before: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.key('open'), '-inf', `(${before}`, 'LIMIT', 0, limit);
  }

  async finish(callId: string, entries: readonly OutboxEntry[]): Promise<boolean> {
    const ids = entries.map((e) => `${e.key}|${e.writer}`);
    const args: (string | number)[] = [callId, KEEP_FINISHED_S, entries.length];
    entries.forEach((e, i) => {
      args.push(ids[i] as string, JSON.stringify(e), e.nextAt, e.createdAt);
    });
    const done = await this.script('journalFinish')(
      6 + entries.length,
      this.key('call', callId),
      this.key('events', callId),
      this.key('open'),
      this.key('due'),
      this.key('created'),
      this.key('bycall', callId),
      ...ids.map((id) => this.entryKey(id)),
      ...args,
    );
    return done === 1;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    const ids = (await this.script('journalClaim')(
      1,
      this.key('due'),
      now,
      limit,
      now + leaseMs,
    )) as string[];
    return this.load(ids);
  }

  private async load(ids: readonly string[]): Promise<OutboxEntry[]> {
    if (!ids.length) return [];
    const raw = await this.redis.mget(...ids.map((id) => this.entryKey(id)));
    return raw.filter((j): j is string => j !== null).map((j) => JSON.parse(j) as OutboxEntry);
  }

  async update(entry: OutboxEntry): Promise<void> {
    const id = `${entry.key}|${entry.writer}`;
    const m = this.redis.multi().set(this.entryKey(id), JSON.stringify(entry));
    if (entry.status === 'pending') m.zadd(this.key('due'), entry.nextAt, id);
    else m.zrem(this.key('due'), id);
    if (entry.status === 'dead') m.sadd(this.key('dead'), id);
    else m.srem(this.key('dead'), id);
    await m.exec();
  }

  async entry(key: string, writer: string): Promise<OutboxEntry | undefined> {
    return (await this.load([`${key}|${writer}`]))[0];
  }

  async list(options: ListOptions): Promise<OutboxEntry[]> {
    if (options.callIds) {
      const ids = (
        await Promise.all(options.callIds.map((c) => this.redis.smembers(this.key('bycall', c))))
      ).flat();
      return (await this.load(ids))
        .filter((e) => !options.status || e.status === options.status)
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, options.limit);
    }
    // Newest first, a page at a time until enough match (at most a few thousand looked at).
    const found: OutboxEntry[] = [];
    for (let start = 0; found.length < options.limit && start < 5000; start += 500) {
      const ids = await this.redis.zrevrange(this.key('created'), start, start + 499);
      for (const e of await this.load(ids)) if (!options.status || e.status === options.status) found.push(e);
      if (ids.length < 500) break;
    }
    return found.slice(0, options.limit);
  }

  async stats(): Promise<OutboxStats> {
    const pendingIds = await this.redis.zrange(this.key('due'), '0', '999');
    const dead = await this.redis.scard(this.key('dead'));
    const pending = await this.load(pendingIds);
    const oldest = pending.reduce<number | undefined>(
      (m, e) => Math.min(m ?? e.createdAt, e.createdAt),
      undefined,
    );
    return {
      pending: await this.redis.zcard(this.key('due')),
      dead,
      ...(oldest === undefined ? {} : { oldestPendingAt: oldest }),
    };
  }

  async prune(before: number): Promise<void> {
    const ids = await this.redis.zrangebyscore(this.key('created'), '-inf', `(${before}`, 'LIMIT', 0, 1000);
    for (const e of await this.load(ids)) {
      if (e.status !== 'written' || (e.doneAt ?? 0) >= before) continue;
      const id = `${e.key}|${e.writer}`;
      await this.redis
        .multi()
        .del(this.entryKey(id))
        .zrem(this.key('created'), id)
        .srem(this.key('bycall', e.callId), id)
        .exec();
    }
  }
}
