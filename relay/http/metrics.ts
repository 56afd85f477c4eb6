// Prometheus metrics with prom-client. Each app has its own Registry (tests build many apps in one
// process; the library's global registry would refuse the second metric of a name). The default
// process metrics describe the process, not an app, so they are collected once per process into a
// registry of their own and merged in at scrape time: one event-loop monitor and one GC observer
// however many apps a process builds.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Webhook accepted → sent to an agent, in seconds: 1 ms … 5 s. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * prom-client's gauges that only sum a labelled gauge it also exports (`nodejs_active_handles`
 * by type, …); their `_total` names are a counter's suffix, which `promtool check metrics` refuses.
 */
const SUMS_NAMED_LIKE_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    for (const name of SUMS_NAMED_LIKE_COUNTERS) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}

export class Metrics {
  readonly registry = new Registry();
  readonly events = new Counter({
    name: 'screenpop_events_total',
    help: 'Call events accepted, by source and state.',
    labelNames: ['source', 'state'] as const,
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'screenpop_duplicates_total',
    help: 'PBX retries recognised as an event already accepted, by source.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly rejects = new Counter({
    name: 'screenpop_rejects_total',
    help: 'Ingest requests refused, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'screenpop_deliveries_total',
    help: 'Call events sent to agents, by transport.',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  readonly deliveryLatency = new Histogram({
    name: 'screenpop_delivery_latency_seconds',
    help: 'Webhook accepted to event sent to an agent, in seconds.',
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly connectedAgents = new Gauge({
    name: 'screenpop_connected_agents',
    help: 'Agent connections open now, by transport.',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  readonly contactReloadFailures = new Counter({
    name: 'screenpop_contact_reload_failures_total',
    help: 'Contact source files or folders that could not be read or parsed (each new failure once).',
    registers: [this.registry],
  });

  /** Records one delivery's latency, given in milliseconds. */
  observeDeliveryMs(ms: number): void {
    this.deliveryLatency.observe(Math.max(0, ms) / 1000);
  }

  /**
   * The event log's size, read when Prometheus scrapes (cheap to ask for, costly to track). A store
   * that cannot answer keeps the last value: the scrape must still show what is wrong.
   */
  trackEventLogSize(read: () => number | Promise<number>): void {
    new Gauge({
      name: 'screenpop_event_log_size',
      help: 'Entries the event log holds now (memory and the shared store: one per routing key an event is kept under; the embedded file: one per event).',
      registers: [this.registry],
      async collect() {
        try {
          this.set(await read());
        } catch {
          // Kept as it was; the store's own metrics and /readyz say why.
        }
      },
    });
  }

  /** Contact sources' state, read when Prometheus scrapes. */
  trackContactSources(
    read: () => { name: string; ok: boolean; contacts: number; changes: number; deletions: number }[],
  ): void {
    const gauge = (name: string, help: string, pick: (s: ReturnType<typeof read>[number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['source'] as const,
        registers: [this.registry],
        collect() {
          for (const state of read()) this.set({ source: state.name }, pick(state));
        },
      });
    gauge('screenpop_contact_source_up', 'Contact source: 1 when its last poll succeeded, else 0.', (s) =>
      s.ok ? 1 : 0,
    );
    gauge('screenpop_contact_source_contacts', 'Contacts each source holds now.', (s) => s.contacts);
    gauge(
      'screenpop_contact_source_changes',
      'Contacts changed as each source reported them since the relay started.',
      (s) => s.changes,
    );
    gauge(
      'screenpop_contact_source_deletions',
      'Contacts deleted as each source reported them since the relay started.',
      (s) => s.deletions,
    );
  }

  /** Call journal: records written and failed per writer, and the outbox's state. */
  readonly journalWrites = new Counter({
    name: 'screenpop_journal_writes_total',
    help: 'Call journal: attempts to write a record to a CRM, by writer and outcome (written, retry, dead).',
    labelNames: ['writer', 'outcome'] as const,
    registers: [this.registry],
  });

  trackJournal(
    read: () => { pending: number; dead: number; oldestPendingAt?: number },
    now: () => number,
  ): void {
    const registers = [this.registry];
    new Gauge({
      name: 'screenpop_journal_queued',
      help: 'Call journal: records waiting to be written (pending, with retries).',
      registers,
      collect() {
        this.set(read().pending);
      },
    });
    new Gauge({
      name: 'screenpop_journal_dead',
      help: 'Call journal: records that failed for good, waiting for an admin (dead-letter list).',
      registers,
      collect() {
        this.set(read().dead);
      },
    });
    new Gauge({
      name: 'screenpop_journal_oldest_pending_seconds',
      help: 'Call journal: age of the oldest record not written yet (0 when none).',
      registers,
      collect() {
        const oldest = read().oldestPendingAt;
        this.set(oldest === undefined ? 0 : Math.max(0, (now() - oldest) / 1000));
      },
    });
  }

  /** The exposition text: this app's metrics and the process's. */
  render(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The current value of one series (exact labels), for tests and health checks. */
  async value(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.registry.getSingleMetric(name);
    if (!metric) throw new Error(`unknown metric ${name}`);
    const wanted = Object.entries(labels);
    const { values } = await metric.get();
    const found = values.find((v) => {
      const have = Object.entries(v.labels ?? {});
      const own = !('metricName' in v) || v.metricName === name;
      return own && have.length === wanted.length && wanted.every(([k, x]) => v.labels[k] === x);
    });
    return found?.value ?? 0;
  }
}
