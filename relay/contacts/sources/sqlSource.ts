// The `sql` contact source: the admin's SELECT over a PostgreSQL or MySQL/MariaDB database, read
// incrementally. The query has no time condition of its own; the source wraps it as a subquery,
// adds `updated_at >= last seen - overlap` (ties and clock skew come again, unchanged rows are
// dropped by a hash), orders by (updated_at, id) and pages by keyset. Hard deletes are found by
// listing the ids every reconcileEverySeconds (the feed deletes what the list lacks: the source
// keeps no list of its own). One read-only connection with a statement timeout.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Contact } from '../../../shared/contact.ts';
import { fail, integer, text } from '../../http/configFields.ts';
import { RowError } from '../contactFields.ts';
import type {
  ContactSource,
  PollSink,
  SourceBatch,
  SourceConfigBase,
  SourceKind,
  SourceLog,
} from './sourceTypes.ts';
import { dialectOf, type SqlSession } from './sqlDrivers.ts';
import { describeSqlError } from './sqlErrors.ts';
import { type PageQuery, readPages, type SqlCursor } from './sqlPaging.ts';
import { contactHash, type RowShape, rowContact, rowDeleted, rowId } from './sqlRows.ts';
import { DatabaseUrl } from './sqlUrl.ts';

import { VTIGER_CONTACTS_QUERY } from './sqlVtiger.ts';

export { VTIGER_CONTACTS_QUERY };

export interface SqlSourceConfig extends SourceConfigBase {
  kind: 'sql';
  /** Redacted in String(), JSON and logs. */
  url: DatabaseUrl;
  query: string;
  reconcileEverySeconds: number;
  overlapSeconds: number;
  statementTimeoutMs: number;
  /** Rows per query while paging. */
  pageSize: number;
}

export const SQL_DEFAULTS = {
  reconcileEverySeconds: 600,
  overlapSeconds: 5,
  statementTimeoutMs: 10_000,
  pageSize: 5000,
};
const CONNECT_TIMEOUT_MS = 10_000;
/** Bad rows logged one by one per poll; the rest are counted. */
const LOGGED_PROBLEMS = 50;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LEADING_COMMENTS_RE = /^(\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/;

function parseUrl(raw: Record<string, unknown>, field: string, baseDir: string, env: NodeJS.ProcessEnv) {
  const given = (['url', 'urlEnv', 'urlFile'] as const).filter((k) => raw[k] !== undefined);
  if (given.length !== 1)
    fail(
      `${field}.url`,
      given.length
        ? `is given as ${given.join(' and ')}: give one of url, urlEnv, urlFile`
        : 'is missing: give url, or urlEnv (an environment variable holding it) or urlFile (a file holding it)',
    );
  const at = `${field}.${given[0]}`;
  let value: string;
  if (given[0] === 'url') value = text(raw.url, at, 2000);
  else if (given[0] === 'urlEnv') {
    const name = text(raw.urlEnv, at, 200);
    if (!ENV_NAME_RE.test(name)) fail(at, 'must be the name of an environment variable');
    value = env[name]?.trim() ?? '';
    if (!value) fail(at, `names ${name}, which is not set in the relay's environment`);
  } else {
    const path = resolve(baseDir, text(raw.urlFile, at, 1000));
    try {
      value = readFileSync(path, 'utf8').trim();
    } catch (error) {
      return fail(
        at,
        `names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`,
      );
    }
    if (!value) fail(at, `names ${path}, which is empty`);
  }
  try {
    return new DatabaseUrl(value);
  } catch (error) {
    return fail(
      at,
      given[0] === 'url' ? (error as Error).message : `holds a URL that ${(error as Error).message}`,
    );
  }
}

function parseQuery(raw: unknown, field: string): string {
  const query = text(raw, field, 50_000).replace(/[\s;]+$/, '');
  if (!/^\(*\s*(select|with)\b/i.test(query.replace(LEADING_COMMENTS_RE, '')))
    fail(field, 'must be a SELECT (or WITH … SELECT) over all rows, without a time condition');
  return query;
}

export const sqlSourceKind: SourceKind<SqlSourceConfig> = {
  parse(raw, field, base, baseDir, env) {
    const opt = (key: keyof typeof SQL_DEFAULTS, min: number, max: number) =>
      raw[key] === undefined ? SQL_DEFAULTS[key] : integer(raw[key], `${field}.${key}`, min, max);
    return {
      ...base,
      kind: 'sql',
      url: parseUrl(raw, field, baseDir, env),
      // `"query": "vtiger"`: the shipped query for a vtiger database, so nobody copies it by hand.
      query: raw.query === 'vtiger' ? VTIGER_CONTACTS_QUERY : parseQuery(raw.query, `${field}.query`),
      reconcileEverySeconds: opt('reconcileEverySeconds', 0, 7 * 86_400),
      overlapSeconds: opt('overlapSeconds', 0, 3600),
      statementTimeoutMs: opt('statementTimeoutMs', 100, 600_000),
      pageSize: opt('pageSize', 1, 100_000),
    };
  },
  create: (config, deps) => createSqlSource(config, deps),
};

interface State {
  /** The greatest updated_at seen, where the next poll starts (less the overlap). */
  cursor?: SqlCursor;
  lastReconcile: number;
  /**
   * Hashes of the rows the next poll reads again (those within the overlap of the newest), so a
   * row that did not change is not reported again. Only those: the feed knows every contact's
   * hash, so the source needs no list of a million ids of its own.
   */
  recent: Map<string, Seen>;
}

interface Seen {
  hash: number;
  /** updated_at in ms (-1 when it could not be read: kept while anything is kept). */
  at: number;
}

/** Above this many recent hashes, those older than the overlap are pruned while reading. */
const RECENT_PRUNE_AT = 10_000;

export function createSqlSource(
  config: SqlSourceConfig,
  deps: { log: SourceLog; now?: () => number },
): ContactSource {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const dialect = dialectOf(config.url.dialect);
  const name = config.name;
  let session: SqlSession | undefined;
  let state: State | undefined;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const open = async (): Promise<SqlSession> => {
    if (session && !session.broken) return session;
    await session?.close();
    session = undefined;
    try {
      session = await dialect.connect(config.url, {
        statementTimeoutMs: config.statementTimeoutMs,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
      });
    } catch (error) {
      throw new Error(describeSqlError(name, config.url, error, 'connect', config.statementTimeoutMs));
    }
    log.info({ source: name, url: config.url.redacted }, 'sql source: connected (read-only session)');
    return session;
  };

  const pageQuery = (db: SqlSession): PageQuery => ({
    db,
    dialect,
    query: config.query,
    pageSize: config.pageSize,
  });

  const poll = async (sink?: PollSink): Promise<SourceBatch> => {
    if (closed) throw new Error(`sql source "${name}": closed`);
    const db = await open();
    try {
      const first = !state;
      const recent = new Map(state?.recent);
      const upserts = new Map<string, Contact>();
      const deletes = new Set<string>();
      const problems: { id: string; reason: string }[] = [];
      const overlapMs = config.overlapSeconds * 1000;
      let newest = Number.NEGATIVE_INFINITY;
      const seen = (id: string, hash: number, iso: string | undefined) => {
        const at = iso ? Date.parse(iso) : -1;
        newest = Math.max(newest, at);
        recent.set(id, { hash, at });
        if (recent.size > RECENT_PRUNE_AT) prune(recent, newest - overlapMs);
      };
      const drop = (id: string) => {
        upserts.delete(id);
        if (recent.get(id)?.hash === -1) return;
        seen(id, -1, undefined);
        deletes.add(id);
      };

      const onRow = (row: Record<string, unknown>, shape: RowShape) => {
        const id = rowId(row, shape);
        if (rowDeleted(row, shape)) return drop(id);
        let contact: Contact;
        try {
          contact = rowContact(row, shape, dialect.toIso);
        } catch (error) {
          if (!(error instanceof RowError)) throw error;
          problems.push({ id, reason: error.message });
          // A contact whose row became unusable leaves the feed rather than stay stale.
          return drop(id);
        }
        const hash = contactHash(contact);
        if (recent.get(id)?.hash === hash) return;
        seen(id, hash, contact.updatedAt);
        deletes.delete(id);
        upserts.set(id, contact);
      };

      // A full load goes to the feed page by page (a million rows are never held here at once).
      let handed = 0;
      const handOn = () => {
        if (!first || !sink || !upserts.size) return;
        handed += upserts.size;
        sink.upserts([...upserts.values()]);
        upserts.clear();
      };
      const read = await readPages(pageQuery(db), state?.cursor, config.overlapSeconds, onRow, handOn);
      prune(recent, newest - overlapMs);
      let lastReconcile = state?.lastReconcile ?? now();
      let reconciled = false;
      if (!first && sink && now() - lastReconcile >= config.reconcileEverySeconds * 1000) {
        await listIds(pageQuery(db), read.shape, (ids) => sink.present(ids));
        lastReconcile = now();
        reconciled = true;
      }
      state = { cursor: read.cursor ?? state?.cursor, lastReconcile, recent };

      for (const p of problems.slice(0, LOGGED_PROBLEMS))
        log.warn({ source: name, id: p.id, reason: p.reason }, 'sql source: row skipped');
      if (read.nullUpdatedAt)
        log.warn(
          { source: name, rows: read.nullUpdatedAt },
          'sql source: rows with an empty updated_at are not read (use COALESCE in the query)',
        );
      log.info(
        {
          source: name,
          rows: read.rows,
          upserts: upserts.size + handed,
          deletes: deletes.size,
          skipped: problems.length,
          reconciled,
        },
        first ? 'sql source: full load' : 'sql source: polled',
      );
      return {
        upserts: [...upserts.values()],
        deletes: first ? [] : [...deletes],
        complete: first,
        ...(reconciled ? { reconciled } : {}),
      };
    } catch (error) {
      // Whatever broke, the next poll starts on a fresh connection from the last good state.
      await session?.close();
      session = undefined;
      if (error instanceof Error && error.message.startsWith(`sql source "${name}"`)) throw error;
      const shapeProblem = error instanceof Error && error.message.startsWith("the query's result");
      throw new Error(
        shapeProblem
          ? `sql source "${name}": ${(error as Error).message}`
          : describeSqlError(name, config.url, error, 'query', config.statementTimeoutMs),
      );
    }
  };

  return {
    name,
    kind: 'sql',
    intervalSeconds: config.intervalSeconds,
    poll(sink) {
      // One poll at a time (the timer and a "sync now" may meet): each waits for the one before.
      const run = () => poll(sink);
      const next = queue.then(run, run);
      queue = next.catch(() => {});
      return next;
    },
    async close() {
      closed = true;
      await queue;
      await session?.close();
      session = undefined;
    },
  };
}

/** Forgets the hashes of rows older than `from` (ms): the next poll will not read them again. */
function prune(recent: Map<string, Seen>, from: number): void {
  for (const [id, seen] of recent) if (seen.at !== -1 && seen.at < from) recent.delete(id);
}

/** Every id the query returns now (rows marked deleted excepted), paged by id, a page at a time. */
async function listIds(q: PageQuery, shape: RowShape, onPage: (ids: string[]) => void): Promise<void> {
  const { db, dialect, query, pageSize } = q;
  const withDeleted = shape.keys.deleted !== undefined;
  const listed: RowShape = { ...shape, keys: { id: 'id', deleted: withDeleted ? 'deleted' : undefined } };
  let last: unknown;
  for (;;) {
    const params: unknown[] = [];
    const where =
      last === undefined ? '' : `WHERE q.id > ${dialect.placeholder(params.push(last), shape.id.cast)}`;
    const columns = `q.id AS id${withDeleted ? ', q.deleted AS deleted' : ''}`;
    const sql = `SELECT ${columns} FROM (${query}) q ${where} ORDER BY q.id LIMIT ${pageSize}`;
    const { rows } = await db.query(sql, params);
    onPage(rows.filter((row) => !rowDeleted(row, listed)).map((row) => rowId(row, listed)));
    if (rows.length < pageSize) return;
    last = rows[rows.length - 1]?.id;
  }
}
