// Several contact sources as one feed. Each source is polled on its own interval and what it
// reports goes straight into the feed's history (relay/store/feedHistory.ts: the embedded file by
// default), page by page for a large load, so no source's contacts are held in process memory. A
// failing source keeps its last good contacts in service and reports why. With more than one
// source, ids are keyed by source (`crm:42`) so two CRMs cannot collide, while `recordId` /
// `companyRecordId` keep the CRM's own ids for record URLs.
import type { Contact } from '../../../shared/contact.ts';
import type { FeedHistory, Sweep } from '../../store/feedHistory.ts';
import type { ContactSource, SourceBatch, SourceLog } from './sourceTypes.ts';

/** What an admin sees of a source (`/readyz`, the admin API, metrics). */
export interface SourceState {
  name: string;
  kind: string;
  /** False until a poll succeeded, and while the last poll failed. */
  ok: boolean;
  contacts: number;
  lastSuccessAt?: string;
  lastError?: string;
  lastErrorAt?: string;
  /** Since the relay started: contacts changed and deleted as the source reported them. */
  changes: number;
  deletions: number;
}

interface Held {
  source: ContactSource;
  state: Omit<SourceState, 'contacts'>;
  /** Settles after the first poll, whatever its outcome. */
  first: Promise<void>;
  timer?: ReturnType<typeof setTimeout>;
  running?: Promise<void>;
}

export interface SourceSetOptions {
  log: SourceLog;
  now?: () => number;
  /** Each poll's failure, for the metrics. */
  onFailure?: (source: string) => void;
  /** Each poll that changed something (already in the feed), so browsers can be told at once. */
  onChange?: (source: string) => void;
}

const SEP = ':';

export class SourceSet {
  private readonly held: Held[];
  private readonly keyed: boolean;
  private closed = false;
  private sink: FeedHistory | undefined;

  constructor(
    sources: ContactSource[],
    private readonly options: SourceSetOptions,
  ) {
    this.keyed = sources.length > 1;
    this.held = sources.map((source) => ({
      source,
      state: { name: source.name, kind: source.kind, ok: false, changes: 0, deletions: 0 },
      first: Promise.resolve(),
    }));
  }

  /** The feed history every poll writes into; given before `start` (it opens with the store). */
  attach(sink: FeedHistory): void {
    this.sink = sink;
  }

  /** Starts every source's polling; the first poll of each begins at once. */
  start(): void {
    for (const held of this.held) held.first = this.pollLoop(held);
  }

  /** Resolves once every source's first poll settled (failures are states, not errors). */
  async firstPolls(): Promise<void> {
    await Promise.all(this.held.map((h) => h.first));
  }

  /** Polls one source (or all) now, outside its interval: the admin's "sync now". */
  async syncNow(name?: string): Promise<SourceState[]> {
    const chosen = this.held.filter((h) => name === undefined || h.source.name === name);
    await Promise.all(chosen.map((h) => this.pollOnce(h)));
    return chosen.map((h) => this.stateOf(h));
  }

  states(): SourceState[] {
    return this.held.map((h) => this.stateOf(h));
  }

  has(name: string): boolean {
    return this.held.some((h) => h.source.name === name);
  }

  /** Why nothing is in service, when no source answered and none has stored contacts. */
  error(): string | undefined {
    if (this.held.some((h) => h.state.ok || this.count(h) > 0)) return undefined;
    const failed = this.held.find((h) => h.state.lastError);
    return failed ? `${failed.source.name}: ${failed.state.lastError}` : 'not loaded yet';
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const held of this.held) clearTimeout(held.timer);
    // Closed first: that ends a poll still waiting on its CRM instead of waiting it out.
    await Promise.all(this.held.map((h) => h.source.close().catch(() => {})));
    await Promise.all(this.held.map((h) => h.running?.catch(() => {})));
  }

  private stateOf(held: Held): SourceState {
    return { ...held.state, contacts: this.count(held) };
  }

  /** The contacts of this source in the feed (stored ones count before the first poll). */
  private count(held: Held): number {
    return this.sink?.countIn(this.prefix(held.source.name)) ?? 0;
  }

  private prefix(name: string): string {
    return this.keyed ? `${name}${SEP}` : '';
  }

  private async pollLoop(held: Held): Promise<void> {
    await this.pollOnce(held);
    const next = () => {
      if (this.closed) return;
      held.timer = setTimeout(() => {
        void this.pollOnce(held).finally(next);
      }, held.source.intervalSeconds * 1000);
      held.timer.unref?.();
    };
    next();
  }

  private pollOnce(held: Held): Promise<void> {
    // One poll at a time per source: "sync now" during a poll waits for it instead of racing it.
    held.running ??= this.poll(held).finally(() => {
      held.running = undefined;
    });
    return held.running;
  }

  private async poll(held: Held): Promise<void> {
    const sink = this.sink;
    if (!sink) throw new Error('contact sources: polled before the feed was attached');
    const now = () => new Date(this.options.now?.() ?? Date.now()).toISOString();
    const { name } = held.source;
    const counted = { changed: 0, deleted: 0 };
    // A complete load hands its rows over page by page: they go in as they come, and what the
    // source no longer has is swept once the last page is in. A reconcile lists the CRM's ids the
    // same way: what the feed has of this source and the list lacks was deleted outright.
    let sweep: Sweep | undefined;
    let reconciling = false;
    /** Persons whose company was not in yet (it comes on a later page): person → company. */
    const orphans = new Map<string, string>();
    const take = (upserts: readonly Contact[], deletes: readonly string[], more: boolean) => {
      const keyed = upserts.map((c) => this.key(name, c));
      if (!reconciling) sweep?.keep(keyed.map((c) => c.id));
      const done = sink.applyChanges(
        this.withCompanyNames(keyed, orphans),
        deletes.map((id) => this.keyOf(name, id)),
        more,
      );
      counted.changed += done.upserted;
      counted.deleted += done.removed;
    };
    let batch: SourceBatch;
    try {
      batch = await held.source.poll({
        upserts: (page) => {
          sweep ??= sink.sweep(this.prefix(name));
          take(page, [], true);
        },
        present: (ids) => {
          reconciling = true;
          sweep ??= sink.sweep(this.prefix(name));
          sweep.keep(ids.map((id) => this.keyOf(name, id)));
        },
      });
    } catch (error) {
      // Pages already taken stay (they are real rows); their version is closed.
      sink.applyChanges([], []);
      const message = (error as Error).message;
      if (held.state.lastError !== message || held.state.ok)
        this.options.log.error({ source: name }, `contacts: source ${name}: ${message}`);
      held.state = { ...held.state, ok: false, lastError: message, lastErrorAt: now() };
      this.options.onFailure?.(name);
      return;
    }
    if (batch.complete && !reconciling) sweep ??= sink.sweep(this.prefix(name));
    if (!batch.complete && !batch.reconciled) sweep = undefined;
    take(batch.upserts, batch.deletes, true);
    // The same contacts whatever order the pages came in: orphans get their company's name now.
    const adopted: Contact[] = [];
    for (const [id, companyId] of orphans) {
      const person = sink.get(id);
      const company = sink.get(companyId);
      if (person && !person.company && company?.kind === 'company')
        adopted.push({ ...person, company: company.name });
    }
    // Part of the same change: they were counted when they came.
    sink.applyChanges(adopted, [], sweep !== undefined);
    if (sweep) counted.deleted += sweep.finish().removed;
    const wasOk = held.state.ok;
    held.state = {
      ...held.state,
      ok: true,
      lastSuccessAt: now(),
      changes: held.state.changes + counted.changed,
      deletions: held.state.deletions + counted.deleted,
    };
    if (!wasOk)
      this.options.log.info({ source: name, contacts: this.count(held) }, 'contacts: source in service');
    if (counted.changed || counted.deleted) this.options.onChange?.(name);
  }

  /**
   * A person without a company name gets its company's: from the same page (a person may come
   * before its company) or from the feed.
   */
  private withCompanyNames(contacts: Contact[], orphans: Map<string, string>): Contact[] {
    let page: Map<string, Contact> | undefined;
    return contacts.map((contact) => {
      if (contact.company || contact.companyId === undefined || contact.kind !== 'person') return contact;
      page ??= new Map(contacts.map((c) => [c.id, c]));
      const company = page.get(contact.companyId) ?? this.sink?.get(contact.companyId);
      if (company?.kind === 'company') return { ...contact, company: company.name };
      orphans.set(contact.id, contact.companyId);
      return contact;
    });
  }

  private keyOf(source: string, id: string): string {
    return this.keyed ? `${source}${SEP}${id}` : id;
  }

  /** The feed's contact: ids keyed by source when there are several. */
  private key(source: string, contact: Contact): Contact {
    if (!this.keyed) return contact;
    const keyed: Contact = { ...contact, id: `${source}${SEP}${contact.id}`, recordId: contact.id };
    if (contact.companyId !== undefined) {
      keyed.companyId = `${source}${SEP}${contact.companyId}`;
      keyed.companyRecordId = contact.companyId;
    }
    return keyed;
  }
}
