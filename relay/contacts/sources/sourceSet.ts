// Several contact sources as one list for the feed. Each source is polled on its own interval and
// keeps its current contacts here; a failing source keeps its last good contacts in service and
// reports why. With more than one source, ids are keyed by source (`crm:42`) so two CRMs cannot
// collide, while `recordId` / `companyRecordId` keep the CRM's own ids for record URLs.
import type { Contact } from '../../../shared/contact.ts';
import { fillCompanyNames } from '../contactFields.ts';
import type { SourceReader } from '../contactSources.ts';
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
  contacts: Map<string, Contact>;
  state: SourceState;
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
  /** Each poll that changed something, so the feed can tell browsers at once. */
  onChange?: (source: string) => void;
}

const SEP = ':';

export class SourceSet implements SourceReader {
  private readonly held: Held[];
  private readonly keyed: boolean;
  private dirty = false;
  private closed = false;
  /** What changed since the feed last asked (`changes()`), keyed as the feed keys ids. */
  private readonly pendingUpserts = new Map<string, Contact>();
  private readonly pendingDeletes = new Set<string>();

  constructor(
    sources: ContactSource[],
    private readonly options: SourceSetOptions,
  ) {
    this.keyed = sources.length > 1;
    this.held = sources.map((source) => {
      const held: Held = {
        source,
        contacts: new Map(),
        state: { name: source.name, kind: source.kind, ok: false, contacts: 0, changes: 0, deletions: 0 },
        first: Promise.resolve(),
      };
      return held;
    });
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
    return chosen.map((h) => ({ ...h.state }));
  }

  states(): SourceState[] {
    return this.held.map((h) => ({ ...h.state }));
  }

  has(name: string): boolean {
    return this.held.some((h) => h.source.name === name);
  }

  /**
   * The contacts the feed held before this process started (its stored history): each source
   * serves them until its first successful poll, so a CRM that is down at start-up does not look
   * like every contact of it was deleted.
   */
  seed(stored: Iterable<Contact>): void {
    for (const contact of stored) {
      const { name, contact: own } = this.unkey(contact);
      const held = this.held.find((h) => h.source.name === name);
      if (held && !held.state.ok) held.contacts.set(own.id, own);
    }
    for (const held of this.held) held.state.contacts = held.contacts.size;
    this.dirty = true;
  }

  async scan(): Promise<Contact[] | null> {
    if (!this.dirty) return null;
    this.dirty = false;
    const all: Contact[] = [];
    for (const held of this.held)
      for (const contact of held.contacts.values()) all.push(this.key(held.source.name, contact));
    return fillCompanyNames(all);
  }

  async changes(): Promise<{ upserts: Contact[]; deletes: string[] } | null> {
    if (!this.pendingUpserts.size && !this.pendingDeletes.size) return null;
    const reported = { upserts: [...this.pendingUpserts.values()], deletes: [...this.pendingDeletes] };
    this.pendingUpserts.clear();
    this.pendingDeletes.clear();
    this.dirty = false;
    return reported;
  }

  error(): string | undefined {
    if (this.held.some((h) => h.state.ok || h.contacts.size > 0)) return undefined;
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
    const now = () => new Date(this.options.now?.() ?? Date.now()).toISOString();
    const { name } = held.source;
    let batch: SourceBatch;
    try {
      batch = await held.source.poll();
    } catch (error) {
      const message = (error as Error).message;
      if (held.state.lastError !== message || held.state.ok)
        this.options.log.error({ source: name }, `contacts: source ${name}: ${message}`);
      held.state = { ...held.state, ok: false, lastError: message, lastErrorAt: now() };
      this.options.onFailure?.(name);
      return;
    }
    const { changed, deleted } = this.apply(held, batch);
    const wasOk = held.state.ok;
    held.state = {
      ...held.state,
      ok: true,
      contacts: held.contacts.size,
      lastSuccessAt: now(),
      changes: held.state.changes + changed,
      deletions: held.state.deletions + deleted,
    };
    if (!wasOk)
      this.options.log.info({ source: name, contacts: held.contacts.size }, 'contacts: source in service');
    if (changed || deleted) {
      this.dirty = true;
      this.options.onChange?.(name);
    }
  }

  private apply(held: Held, batch: SourceBatch): { changed: number; deleted: number } {
    const name = held.source.name;
    let deleted = 0;
    const drop = (id: string) => {
      if (!held.contacts.delete(id)) return;
      deleted++;
      const key = this.keyOf(name, id);
      this.pendingUpserts.delete(key);
      this.pendingDeletes.add(key);
    };
    if (batch.complete) {
      const keep = new Set(batch.upserts.map((c) => c.id));
      for (const id of [...held.contacts.keys()]) if (!keep.has(id)) drop(id);
    }
    for (const id of batch.deletes) drop(id);
    let changed = 0;
    for (const contact of batch.upserts) {
      const before = held.contacts.get(contact.id);
      if (before && JSON.stringify(before) === JSON.stringify(contact)) continue;
      held.contacts.set(contact.id, contact);
      changed++;
    }
    // Keyed and with the company's name once every row of the batch is in (a person may come
    // before its company in the same batch).
    for (const contact of batch.upserts) {
      const now = held.contacts.get(contact.id);
      if (now !== contact) continue;
      const key = this.keyOf(name, contact.id);
      this.pendingDeletes.delete(key);
      this.pendingUpserts.set(key, this.key(name, withCompanyName(contact, held.contacts)));
    }
    return { changed, deleted };
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

  private unkey(contact: Contact): { name: string; contact: Contact } {
    if (!this.keyed) return { name: this.held[0]?.source.name ?? '', contact };
    const name = contact.id.slice(0, Math.max(0, contact.id.indexOf(SEP)));
    const { recordId, companyRecordId, ...rest } = contact;
    const own: Contact = { ...rest, id: recordId ?? contact.id.slice(name.length + 1) };
    if (contact.companyId !== undefined)
      own.companyId = companyRecordId ?? contact.companyId.slice(name.length + 1);
    return { name, contact: own };
  }
}

/** A person without a company name gets its company's, when the source has that company. */
function withCompanyName(contact: Contact, contacts: Map<string, Contact>): Contact {
  if (contact.company || contact.companyId === undefined) return contact;
  const company = contacts.get(contact.companyId);
  return company?.kind === 'company' ? { ...contact, company: company.name } : contact;
}
