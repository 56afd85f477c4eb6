// Contact sync from the relay's feed into the cache. The first sync walks the whole snapshot
// (`after=''`) page by page; each page is written in its own transaction together with the cursor
// that follows it, so a worker stopped mid-walk resumes at that page. Every page of a walk carries
// a new generation number and, once the walk is done, contacts it did not write are swept. After
// that only changes are fetched from the kept cursor; `reset` starts a new walk.
import type { ContactPage } from '../shared/contact.ts';
import type { SyncResult, SyncStatus } from '../shared/messages.ts';
import {
  clearContacts,
  countContacts,
  putContacts,
  recountContacts,
  removeOlderThan,
  type WriteCounts,
} from './contactStore.ts';
import type { Db } from './db.ts';

export interface SyncDeps {
  db: Db;
  fetch: typeof fetch;
  /** HTTP base of the relay, e.g. `http://127.0.0.1:8787`. */
  relayBase: string;
  token: string;
  region: string;
  now?: () => Date;
  pageSize?: number;
  /** Stops after this many pages, as a worker stopped mid-sync would (tests). */
  maxPages?: number;
}

/** What survives the worker between pages (meta `syncState`). */
export interface SyncState {
  /** Relay and token the cursor belongs to, and the region the keys were made with. */
  source: string;
  region: string;
  cursor: string;
  /** True while walking the snapshot; false once it is done and only changes are fetched. */
  full: boolean;
  /** The walk started on an empty cache: every contact it writes is new, no need to read first. */
  fresh?: boolean;
  gen: number;
  /** Progress of the running (or interrupted) sync. */
  running: boolean;
  startedAt: string;
  done: number;
  total: number;
  counts: WriteCounts;
}

const STATE_KEY = 'syncState';
const STATUS_KEY = 'syncStatus';
const GEN_KEY = 'contactsGen';
const MAX_PAGES = 100_000;

export async function syncContacts(deps: SyncDeps): Promise<SyncStatus> {
  const { db, region } = deps;
  const now = deps.now ?? (() => new Date());
  const source = `${deps.relayBase} ${deps.token}`;
  let state = await loadState(db);
  if (!state || state.source !== source || state.region !== region)
    state = await newWalk(db, source, region, now);
  if (!state.running)
    state = { ...state, running: true, startedAt: now().toISOString(), done: 0, counts: zero() };
  let resets = 0;
  let prefetched: Promise<ContactPage> | null = null;
  for (let page = 0; page < (deps.maxPages ?? MAX_PAGES); page++) {
    const body = await (prefetched ?? fetchPage(deps, state.cursor));
    prefetched = null;
    if (body.reset) {
      // A relay that keeps answering `reset` would otherwise loop forever.
      if (++resets > 1) throw new Error('contact feed keeps asking for a reset');
      await clearContacts(db);
      state = await newWalk(db, source, region, now);
      continue;
    }
    const before = state;
    const stuck = body.cursor === state.cursor && !body.done;
    // A snapshot whose cursor stops moving would end the walk early, and the sweep would then
    // delete every contact it did not reach: fail instead, and resume from here next time.
    if (stuck && state.full) throw new Error('contact feed cursor did not advance');
    // The next page downloads while this one is written: network and IndexedDB overlap.
    if (!body.done && !stuck) {
      prefetched = fetchPage(deps, body.cursor ?? '');
      prefetched.catch(() => {});
    }
    const counts = await putContacts(
      db,
      body.contacts,
      body.deleted,
      region,
      state.gen,
      (counts) => ({ [STATE_KEY]: advance(before, body, counts) }),
      Boolean(state.full && state.fresh),
    );
    state = advance(before, body, counts);
    // A change feed whose cursor does not move has nothing more to give.
    if (body.done || stuck) return finish(deps, state, now);
  }
  return lastSyncStatus(db);
}

async function finish(deps: SyncDeps, walked: SyncState, now: () => Date): Promise<SyncStatus> {
  const { db } = deps;
  let state = walked;
  if (state.full) {
    const swept = await removeOlderThan(db, state.gen);
    if (state.fresh) await recountContacts(db);
    state = { ...state, full: false, counts: { ...state.counts, deleted: state.counts.deleted + swept } };
  }
  const at = now().toISOString();
  const last: SyncResult = { at, ...state.counts, full: walked.full };
  const status: SyncStatus = { contacts: await countContacts(db), lastSyncAt: at, last };
  await db.put('meta', { ...state, running: false }, STATE_KEY);
  await db.put('meta', status, STATUS_KEY);
  return status;
}

async function fetchPage(deps: SyncDeps, after: string): Promise<ContactPage> {
  const url = `${deps.relayBase}/v1/contacts?after=${encodeURIComponent(after)}&limit=${deps.pageSize ?? 2000}`;
  const res = await deps.fetch(url, { headers: { Authorization: `Bearer ${deps.token}` } });
  if (!res.ok) throw new Error(`contact feed answered HTTP ${res.status}`);
  const body = (await res.json()) as Partial<ContactPage>;
  if (!Array.isArray(body.contacts) || typeof body.cursor !== 'string')
    throw new Error('contact feed answered no contact page');
  return {
    contacts: body.contacts,
    deleted: Array.isArray(body.deleted) ? body.deleted : [],
    reset: body.reset === true,
    cursor: body.cursor,
    done: body.done === true,
    total: typeof body.total === 'number' ? body.total : 0,
  };
}

async function newWalk(db: Db, source: string, region: string, now: () => Date): Promise<SyncState> {
  const gen = (((await db.get('meta', GEN_KEY)) as number | undefined) ?? 0) + 1;
  await db.put('meta', gen, GEN_KEY);
  const state: SyncState = {
    source,
    region,
    cursor: '',
    full: true,
    fresh: (await countContacts(db)) === 0,
    gen,
    running: true,
    startedAt: now().toISOString(),
    done: 0,
    total: 0,
    counts: zero(),
  };
  await db.put('meta', state, STATE_KEY);
  return state;
}

function loadState(db: Db): Promise<SyncState | undefined> {
  return db.get('meta', STATE_KEY) as Promise<SyncState | undefined>;
}

/** The generation live lookups write with, so the next full walk keeps them only if the source does. */
export async function currentGen(db: Db): Promise<number> {
  return (await loadState(db))?.gen ?? ((await db.get('meta', GEN_KEY)) as number | undefined) ?? 0;
}

/** Records a failed sync; the state keeps its cursor, so the next run resumes. */
export async function recordSyncError(
  db: Db,
  error: string,
  now: () => Date = () => new Date(),
): Promise<SyncStatus> {
  const previous = await lastSyncStatus(db);
  const state = await loadState(db);
  const last: SyncResult = {
    at: now().toISOString(),
    ...(state?.counts ?? zero()),
    full: state?.full ?? true,
    error,
  };
  const status: SyncStatus = { contacts: previous.contacts, lastSyncAt: previous.lastSyncAt, error, last };
  await db.put('meta', status, STATUS_KEY);
  return status;
}

export async function lastSyncStatus(db: Db, now: () => Date = () => new Date()): Promise<SyncStatus> {
  const [stored, state, contacts] = await Promise.all([
    db.get('meta', STATUS_KEY) as Promise<SyncStatus | undefined>,
    loadState(db),
    countContacts(db),
  ]);
  const status: SyncStatus = { ...stored, contacts };
  if (state?.running) {
    const seconds = Math.max((now().getTime() - Date.parse(state.startedAt)) / 1000, 0.001);
    status.progress = {
      done: state.done,
      total: state.total,
      ratePerSecond: Math.round(state.done / seconds),
      full: state.full,
    };
  }
  return status;
}

function advance(state: SyncState, page: ContactPage, counts: WriteCounts): SyncState {
  return {
    ...state,
    cursor: page.cursor,
    total: page.total,
    done: state.done + page.contacts.length + page.deleted.length,
    counts: add(state.counts, counts),
  };
}

function zero(): WriteCounts {
  return { added: 0, changed: 0, deleted: 0 };
}

function add(a: WriteCounts, b: WriteCounts): WriteCounts {
  return { added: a.added + b.added, changed: a.changed + b.changed, deleted: a.deleted + b.deleted };
}
