// The call journal as the config asks for it: its writers, its store (the embedded file, or this
// process), fed by every event the log appends once the store is open, stopped with the app.
import type { FastifyInstance } from 'fastify';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import type { ContactsFeed } from '../contacts/contactsFeed.ts';
import type { Clock } from '../http/clock.ts';
import type { Metrics } from '../http/metrics.ts';
import { Journal } from '../journal/journal.ts';
import type { JournalWriter } from '../journal/journalTypes.ts';
import { createWriters } from '../journal/writers/writerRegistry.ts';
import type { CallStores } from '../store/createStores.ts';
import type { EventLog } from '../store/eventLog.ts';
import { MemoryJournalStore } from '../store/journalStore.ts';
import type { RelayConfig } from './config.ts';

export function setUpJournal(
  app: FastifyInstance,
  config: RelayConfig,
  deps: {
    stores: CallStores | null;
    eventLog: EventLog;
    agents: AgentDirectory;
    feed: ContactsFeed | null;
    clock: Clock;
    metrics: Metrics;
    /** Tests pass their own writers. */
    writers?: JournalWriter[];
    retryBaseMs?: number;
  },
): Journal | null {
  const settings = config.journal;
  if (!settings) return null;
  const writers = deps.writers ?? createWriters(settings.writers, { log: app.log });
  const journal = new Journal({
    settings,
    writers,
    store: () => deps.stores?.journal() ?? new MemoryJournalStore(),
    agents: deps.agents,
    feed: deps.feed,
    region: config.ingest.defaultRegion,
    clock: deps.clock,
    log: app.log,
    metrics: deps.metrics,
    ...(deps.retryBaseMs ? { retryBaseMs: deps.retryBaseMs } : {}),
  });
  let unsubscribe = () => {};
  app.addHook('onReady', async () => {
    journal.start(deps.retryBaseMs ? Math.min(1000, deps.retryBaseMs) : 1000);
    unsubscribe = deps.eventLog.subscribe((event) => journal.onEvent(event));
    app.log.info({ writers: writers.map((w) => `${w.kind}:${w.name}`) }, 'journal: writing calls to the CRM');
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    await journal.stop();
  });
  return journal;
}
