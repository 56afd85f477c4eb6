// What the two CRM API sources (vtiger webservice, SuiteCRM V8) share: their config checks (URL,
// secret from an environment variable or a file, modules, reconcile interval) and the poll engine
// that turns "rows modified since a watermark" plus "every id that exists" into SourceBatches.
// Neither API can list deletions (vtiger's `sync` answers 500 on PHP 8, SuiteCRM answers 400), so
// deletions come from reconciling the ids held against a full id listing.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Contact } from '../../../shared/contact.ts';
import { fail, integer, text } from '../../http/configFields.ts';
import type { ContactSource, SourceBatch, SourceLog } from './sourceTypes.ts';

export const DEFAULT_RECONCILE_SECONDS = 600;
/** Each HTTP request to the CRM gives up after this long. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** A `http(s)://` URL without a trailing slash, query or fragment. */
export function crmUrl(v: unknown, field: string): string {
  const raw = text(v, field, 2048);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(field, 'must be an absolute http(s) URL such as "https://crm.example"');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    fail(field, 'must start with http:// or https://');
  if (url.search || url.hash) fail(field, 'must have no query (?…) or fragment (#…)');
  if (url.username || url.password) fail(field, 'must not hold credentials');
  return url.href.replace(/\/+$/, '');
}

/**
 * A secret named by `<key>Env` (an environment variable) or `<key>File` (a file, relative to the
 * config's folder); exactly one of them. The value never appears in an error message.
 */
export function crmSecret(
  raw: Record<string, unknown>,
  field: string,
  key: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): string {
  const envKey = `${key}Env`;
  const fileKey = `${key}File`;
  if (raw[key] !== undefined)
    fail(`${field}.${key}`, `must not be written in the config: name an environment variable in ${envKey}`);
  if (raw[envKey] !== undefined && raw[fileKey] !== undefined)
    fail(field, `must have ${envKey} or ${fileKey}, not both`);
  if (raw[envKey] !== undefined) {
    const name = text(raw[envKey], `${field}.${envKey}`, 200);
    const value = env[name]?.trim();
    if (!value)
      fail(`${field}.${envKey}`, `names the environment variable ${name}, which is not set or empty`);
    return value;
  }
  if (raw[fileKey] !== undefined) {
    const name = text(raw[fileKey], `${field}.${fileKey}`, 4096);
    const path = isAbsolute(name) ? name : join(baseDir, name);
    let value: string;
    try {
      value = readFileSync(path, 'utf8').trim();
    } catch (err) {
      fail(
        `${field}.${fileKey}`,
        `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): ${path}`,
      );
    }
    if (!value) fail(`${field}.${fileKey}`, `is empty: ${path}`);
    return value;
  }
  return fail(field, `needs ${envKey} (an environment variable holding the secret) or ${fileKey}`);
}

/** `modules`: a non-empty subset of `allowed`, without repeats; `fallback` when absent. */
export function crmModules<M extends string>(
  v: unknown,
  field: string,
  allowed: readonly M[],
  fallback: M[],
): M[] {
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || v.length === 0) fail(field, `must be a non-empty array of ${allowed.join(', ')}`);
  const out: M[] = [];
  v.forEach((m, i) => {
    if (!allowed.includes(m as M)) fail(`${field}[${i}]`, `must be one of ${allowed.join(', ')}`);
    if (out.includes(m as M)) fail(`${field}[${i}]`, `repeats ${m}`);
    out.push(m as M);
  });
  return out;
}

export function reconcileSeconds(v: unknown, field: string): number {
  return v === undefined ? DEFAULT_RECONCILE_SECONDS : integer(v, field, 10, 7 * 86_400);
}

/** Fails with a config error when `raw` has keys this kind does not know (a typo would be silent). */
export function knownKeys(raw: Record<string, unknown>, field: string, keys: readonly string[]): void {
  for (const k of Object.keys(raw))
    if (!keys.includes(k)) fail(`${field}.${k}`, `is not a known key (known: ${keys.join(', ')})`);
}

/** Phone fields of a record: non-empty, trimmed, as written, without repeats. */
export function phonesOf(row: Record<string, unknown>, fields: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const v = row[f];
    if (typeof v === 'string' && v.trim() && !out.includes(v.trim())) out.push(v.trim());
  }
  return out;
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
}

/** "First Last", or whichever part exists. */
export function personName(first: unknown, last: unknown): string {
  return [str(first), str(last)].filter(Boolean).join(' ');
}

/** A row of a module as read, with its own id (plain, as the CRM's record URLs need it). */
export interface CrmRow {
  id: string;
  /** The module's modified-time value as the API gave it; ordered like the API orders it. */
  stamp: string;
  contact: Contact;
}

/** One CRM module (Contacts, Accounts, Leads) as the engine polls it. */
export interface CrmModule {
  readonly name: string;
  /**
   * Every row modified since `watermark` (all rows when undefined), with the overlap the API needs
   * for ties; rows may come more than once. Calls `emit` in modified-time order.
   */
  changes(watermark: string | undefined, emit: (row: CrmRow) => void): Promise<void>;
  /** Every id that exists now (may miss some when rows change while listing). */
  listIds(): Promise<Set<string>>;
  /** Of `ids`, those that still exist (checked one by one). */
  stillThere(ids: string[]): Promise<string[]>;
  /** True when a row with this stamp may still come again in the poll after `watermark`. */
  inOverlap(stamp: string, watermark: string): boolean;
  /** The later of two stamps. */
  later(a: string, b: string): string;
  /** Told after a poll which ids are gone (e.g. to forget an account's name). */
  forget?(ids: string[]): void;
}

export interface EngineOptions {
  name: string;
  kind: string;
  intervalSeconds: number;
  reconcileEverySeconds: number;
  modules: CrmModule[];
  log: SourceLog;
  now: () => number;
  /** Runs before each poll (log in, load the user names). */
  prepare?: () => Promise<void>;
  close?: () => Promise<void>;
}

/** Missing ids up to this many are checked one by one; more are confirmed by a second listing. */
const CHECK_ONE_BY_ONE = 20;

/** Rows come in modified-time order, so the overlap window can be pruned during a long pass. */
const PRUNE_AT = 2000;

function prune(m: CrmModule, recent: ModuleState['recent'], watermark: string | undefined): void {
  if (watermark === undefined) return;
  for (const [id, r] of recent) if (!m.inOverlap(r.stamp, watermark)) recent.delete(id);
}

interface ModuleState {
  watermark: string | undefined;
  held: Set<string>;
  /** Fingerprints of the rows in the overlap window, so a row that comes again unchanged is skipped. */
  recent: Map<string, { stamp: string; print: string }>;
}

/**
 * The poll loop of an API source. State changes only when a poll succeeds, so a failed poll is
 * simply retried from the same watermark.
 */
export function createCrmSource(o: EngineOptions): ContactSource {
  const states = new Map<string, ModuleState>(
    o.modules.map((m) => [m.name, { watermark: undefined, held: new Set(), recent: new Map() }]),
  );
  let loaded = false;
  let lastReconcile = 0;

  async function reconcile(m: CrmModule, held: Set<string>): Promise<string[]> {
    const listed = await m.listIds();
    let missing = [...held].filter((id) => !listed.has(id));
    if (missing.length === 0) return [];
    // Offset paging can skip an id when rows change during the listing: confirm before deleting.
    if (missing.length <= CHECK_ONE_BY_ONE) {
      const there = new Set(await m.stillThere(missing));
      missing = missing.filter((id) => !there.has(id));
    } else {
      const again = await m.listIds();
      missing = missing.filter((id) => !again.has(id));
    }
    return missing;
  }

  async function poll(): Promise<SourceBatch> {
    await o.prepare?.();
    const first = !loaded;
    const upserts = new Map<string, Contact>();
    const next = new Map<string, ModuleState>();
    let rows = 0;
    for (const m of o.modules) {
      const st = states.get(m.name) as ModuleState;
      let watermark = st.watermark;
      // Adding ids early is harmless (a failed poll brings the same rows again); removing waits.
      const held = st.held;
      const recent = new Map(st.recent);
      let pruneAt = PRUNE_AT;
      await m.changes(first ? undefined : st.watermark, (row) => {
        rows++;
        watermark = watermark === undefined ? row.stamp : m.later(watermark, row.stamp);
        held.add(row.id);
        const print = JSON.stringify(row.contact);
        const before = recent.get(row.id);
        recent.set(row.id, { stamp: row.stamp, print });
        if (recent.size > pruneAt) {
          prune(m, recent, watermark);
          pruneAt = Math.max(PRUNE_AT, recent.size * 2);
        }
        // The overlap brings rows again; only a changed row is news (or any row of a full load).
        if (!first && before?.print === print) return;
        upserts.set(row.id, row.contact);
      });
      prune(m, recent, watermark);
      next.set(m.name, { watermark, held, recent });
    }
    const deletes: string[] = [];
    const reconcileNow = !first && o.now() - lastReconcile >= o.reconcileEverySeconds * 1000;
    if (reconcileNow) {
      for (const m of o.modules) {
        const st = next.get(m.name) as ModuleState;
        const gone = await reconcile(m, st.held);
        for (const id of gone) {
          st.held.delete(id);
          st.recent.delete(id);
          upserts.delete(id);
        }
        m.forget?.(gone);
        deletes.push(...gone);
      }
    }
    // Commit: the poll went through.
    for (const [k, v] of next) states.set(k, v);
    if (first || reconcileNow) lastReconcile = o.now();
    loaded = true;
    if (deletes.length || upserts.size || first)
      o.log.info(
        { source: o.name, kind: o.kind, rows, upserts: upserts.size, deletes: deletes.length, full: first },
        'contacts: source polled',
      );
    return { upserts: [...upserts.values()], deletes, complete: first };
  }

  return {
    name: o.name,
    kind: o.kind,
    intervalSeconds: o.intervalSeconds,
    poll,
    close: async () => {
      await o.close?.();
    },
  };
}

/** Why a fetch failed, in words an admin can act on (no URL query: it may hold a session). */
export function networkProblem(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? 'network error';
}
