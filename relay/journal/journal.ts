// The call journal: every call event is merged into its call (callTracker.ts); a call that ended
// (and settled a few seconds, so a ring-group member's late "missed" or a recording URL still
// counts) or went silent for `endAfterSeconds` becomes its records (journalRecords.ts), queued in
// the store for every writer in the same step that marks the call finished; the outbox loop then
// writes them, retrying with backoff, and parks what keeps failing in the dead-letter list.
import type { CallEvent } from '../../shared/callEvent.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import type { ContactsFeed } from '../contacts/contactsFeed.ts';
import type { Clock } from '../http/clock.ts';
import type { Metrics } from '../http/metrics.ts';
import type { JournalStore, ListOptions, OutboxEntry, OutboxStats } from '../store/journalStore.ts';
import { type JournalCall, mergeAll } from './callTracker.ts';
import type { JournalSettings } from './journalConfig.ts';
import { buildRecords } from './journalRecords.ts';
import { type JournalLog, type JournalRecord, type JournalWriter, WriteError } from './journalTypes.ts';

export interface JournalDeps {
  settings: JournalSettings;
  writers: readonly JournalWriter[];
  /** The store opens with the app: asked for at start. */
  store: () => JournalStore;
  agents: AgentDirectory;
  feed: ContactsFeed | null;
  region: string;
  clock: Clock;
  log: JournalLog;
  metrics?: Metrics;
  /** The first retry's wait; each next one doubles it (at most 10 minutes). */
  retryBaseMs?: number;
}

const BATCH = 20;
const ENDING = new Set<CallEvent['state']>(['hangup', 'missed', 'busy']);
/**
 * A claimed record is another instance's to take again after this long (a write takes ≤ 30 s). A
 * relay alone on its store file gives its claims back when it starts.
 */
const LEASE_MS = 60_000;
const KEEP_DONE_MS = 7 * 86_400_000;

/** The wait before attempt `attempts + 1`: 2, 4, 8 … seconds (with a 1 s base), at most 10 minutes. */
export function backoffMs(attempts: number, baseMs = 1000): number {
  return Math.min(2 ** attempts * baseMs, 600_000);
}

export class Journal {
  private store: JournalStore | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;
  /** Events that came before the store was open. */
  private readonly waiting: CallEvent[] = [];
  /** The chain of events being stored. */
  private adding: Promise<unknown> = Promise.resolve();
  private lastPrune = 0;
  private lastStats: OutboxStats = { pending: 0, dead: 0 };

  constructor(private readonly deps: JournalDeps) {}

  get writers(): readonly JournalWriter[] {
    return this.deps.writers;
  }

  start(tickMs = 1000): void {
    this.store = this.deps.store();
    // What a crashed run of this relay had claimed is due again now (single-process stores).
    void Promise.resolve(this.store.releaseClaims?.()).catch((err: unknown) =>
      this.deps.log.error({ err }, 'journal: could not release old claims'),
    );
    for (const event of this.waiting.splice(0)) this.track(event);
    this.deps.metrics?.trackJournal(
      () => this.lastStats,
      () => this.deps.clock.now(),
    );
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.adding;
    await Promise.all(this.deps.writers.map((w) => w.close().catch(() => {})));
  }

  /** Every appended call event (the event log's subscriber, on every instance). */
  onEvent(event: CallEvent): void {
    if (!this.store) this.waiting.push(event);
    else this.track(event);
  }

  /** Ends what is due and writes what is queued; one at a time. */
  tick(): Promise<void> {
    this.running ??= this.work()
      .catch((err: unknown) => this.deps.log.error({ err }, 'journal: a round failed (the store?)'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async list(options: ListOptions): Promise<OutboxEntry[]> {
    return this.opened().list(options);
  }

  async stats(): Promise<OutboxStats> {
    this.lastStats = await this.opened().stats();
    return this.lastStats;
  }

  /** The call as merged from its events (its extensions say whose it is), finished or not. */
  async call(callId: string): Promise<JournalCall | undefined> {
    const found = await this.opened().callEvents(callId);
    return found?.events.length ? mergeAll(found.events) : undefined;
  }

  /** Puts a dead (or pending) record back in the queue, due now: the admin's "retry". */
  async retry(key: string, writer: string): Promise<OutboxEntry | undefined> {
    const store = this.opened();
    const entry = await store.entry(key, writer);
    if (!entry || entry.status === 'written') return entry;
    const again: OutboxEntry = { ...entry, status: 'pending', attempts: 0, nextAt: this.deps.clock.now() };
    await store.update(again);
    void this.tick();
    return again;
  }

  private opened(): JournalStore {
    if (!this.store) throw new Error('journal: not started');
    return this.store;
  }

  /** Stored in arrival order (a chain), so the round that ends a call sees every event before it. */
  private track(event: CallEvent): void {
    const store = this.opened();
    this.adding = this.adding
      .then(() => store.addEvent(event))
      .catch((err: unknown) =>
        this.deps.log.error({ err, callId: event.callId }, 'journal: could not keep an event'),
      );
    // A call that ended is written once it settled, not at the timer's next round.
    if (ENDING.has(event.state)) {
      const soon = setTimeout(() => void this.tick(), this.deps.settings.settleSeconds * 1000 + 20);
      soon.unref?.();
    }
  }

  private async work(): Promise<void> {
    const store = this.opened();
    await this.adding;
    const now = this.deps.clock.now();
    const { settleSeconds, endAfterSeconds } = this.deps.settings;
    for (const callId of await store.staleCalls(now - settleSeconds * 1000, 200)) {
      const found = await store.callEvents(callId);
      if (!found || found.finished || !found.events.length) continue;
      const call = mergeAll(found.events);
      if (call.end === undefined && call.lastAt > now - endAfterSeconds * 1000) continue;
      await this.finish(call).catch((err: unknown) =>
        this.deps.log.error({ err, callId }, 'journal: could not queue the records of a call'),
      );
    }
    // Records queued just now are due now too.
    for (const entry of await store.claimDue(this.deps.clock.now(), BATCH, LEASE_MS)) await this.write(entry);
    if (now - this.lastPrune > 3_600_000) {
      this.lastPrune = now;
      await store.prune(now - KEEP_DONE_MS);
    }
    await this.stats();
  }

  private async finish(call: JournalCall): Promise<void> {
    const { feed, region, settings } = this.deps;
    const contact = feed && call.callerId ? (await feed.findByPhone(call.callerId, region))[0] : undefined;
    const agents = await this.deps.agents.list();
    const records = buildRecords(call, {
      ...(contact ? { contact } : {}),
      agents,
      region,
      crmUsers: settings.crmUsers,
      missedCallTasks: settings.missedCallTasks,
      ...(settings.fallbackOwner ? { fallbackOwner: settings.fallbackOwner } : {}),
    });
    const now = this.deps.clock.now();
    const entries: OutboxEntry[] = records.flatMap((record) =>
      this.deps.writers.map((writer) => ({
        key: record.idempotencyKey,
        writer: writer.name,
        callId: call.callId,
        record,
        status: 'pending' as const,
        attempts: 0,
        nextAt: now,
        createdAt: now,
      })),
    );
    if ((await this.opened().finish(call.callId, entries)) && records.length)
      this.deps.log.info(
        { callId: call.callId, status: records[0]?.status, records: entries.length },
        'journal: call queued for the CRM',
      );
  }

  private async write(entry: OutboxEntry): Promise<void> {
    const writer = this.deps.writers.find((w) => w.name === entry.writer);
    const store = this.opened();
    if (!writer) {
      store.update({
        ...entry,
        status: 'dead',
        lastError: `writer "${entry.writer}" is no longer configured`,
      });
      return;
    }
    try {
      const result = await writer.write(entry.record as JournalRecord);
      const done = this.deps.clock.now();
      await store.update({
        ...entry,
        status: 'written',
        attempts: entry.attempts + 1,
        ...(result.crmId ? { crmId: result.crmId } : {}),
        doneAt: done,
      });
      this.deps.metrics?.journalWrites.inc({ writer: writer.name, outcome: 'written' });
      this.deps.log.info(
        { callId: entry.callId, writer: writer.name, crmId: result.crmId, existed: result.existed ?? false },
        'journal: record written',
      );
    } catch (error) {
      const retryable = !(error instanceof WriteError) || error.retryable;
      const attempts = entry.attempts + 1;
      const dead = !retryable || attempts >= this.deps.settings.maxAttempts;
      const message = error instanceof Error ? error.message : String(error);
      await store.update({
        ...entry,
        status: dead ? 'dead' : 'pending',
        attempts,
        nextAt: this.deps.clock.now() + backoffMs(attempts, this.deps.retryBaseMs),
        lastError: message,
      });
      this.deps.metrics?.journalWrites.inc({ writer: writer.name, outcome: dead ? 'dead' : 'retry' });
      this.deps.log[dead ? 'error' : 'warn'](
        { callId: entry.callId, writer: writer.name, attempts, reason: message },
        dead ? 'journal: record failed for good (dead-letter list)' : 'journal: write failed, will retry',
      );
    }
  }
}
