// Prometheus metrics in the text exposition format, without a client library: the relay needs
// a handful of counters, gauges and one histogram, and every module records into one registry.

type Labels = Record<string, string>;

const DEFAULT_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Family {
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number; count?: number }>;
  buckets?: number[];
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  constructor() {
    this.define('screenpop_events_total', 'counter', 'Call events accepted, by source and state.');
    this.define('screenpop_rejects_total', 'counter', 'Requests refused, by reason.');
    this.define('screenpop_deliveries_total', 'counter', 'Call events sent to agents, by transport.');
    this.define(
      'screenpop_delivery_latency_ms',
      'histogram',
      'Webhook accepted → event sent to an agent, in ms.',
    );
    this.define('screenpop_connected_agents', 'gauge', 'Agent connections open now, by transport.');
  }

  define(name: string, type: Family['type'], help: string, buckets = DEFAULT_BUCKETS_MS): void {
    if (!this.families.has(name))
      this.families.set(name, {
        help,
        type,
        values: new Map(),
        buckets: type === 'histogram' ? buckets : undefined,
      });
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const slot = this.slot(name, labels);
    slot.value += by;
  }

  /** Adds `by` (may be negative) to a gauge. */
  add(name: string, labels: Labels, by: number): void {
    this.inc(name, labels, by);
  }

  observe(name: string, labels: Labels, value: number): void {
    const family = this.family(name);
    const slot = this.slot(name, labels);
    const bounds = family.buckets ?? DEFAULT_BUCKETS_MS;
    slot.buckets ??= bounds.map(() => 0);
    bounds.forEach((bound, i) => {
      if (value <= bound && slot.buckets) slot.buckets[i] = (slot.buckets[i] ?? 0) + 1;
    });
    slot.sum = (slot.sum ?? 0) + value;
    slot.count = (slot.count ?? 0) + 1;
  }

  /** The current value of one series, for tests and health checks. */
  value(name: string, labels: Labels = {}): number {
    return this.family(name).values.get(labelText(labels))?.value ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      for (const slot of family.values.values()) {
        if (family.type !== 'histogram') {
          lines.push(`${name}${labelText(slot.labels)} ${slot.value}`);
          continue;
        }
        (family.buckets ?? []).forEach((bound, i) => {
          const le = labelText({ ...slot.labels, le: String(bound) });
          lines.push(`${name}_bucket${le} ${slot.buckets?.[i] ?? 0}`);
        });
        lines.push(`${name}_bucket${labelText({ ...slot.labels, le: '+Inf' })} ${slot.count ?? 0}`);
        lines.push(`${name}_sum${labelText(slot.labels)} ${slot.sum ?? 0}`);
        lines.push(`${name}_count${labelText(slot.labels)} ${slot.count ?? 0}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  private family(name: string): Family {
    const family = this.families.get(name);
    if (!family) throw new Error(`unknown metric ${name}`);
    return family;
  }

  private slot(name: string, labels: Labels) {
    const family = this.family(name);
    const key = labelText(labels);
    let slot = family.values.get(key);
    if (!slot) {
      slot = { labels, value: 0 };
      family.values.set(key, slot);
    }
    return slot;
  }
}
