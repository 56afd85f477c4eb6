// The admin's query read page by page in (updated_at, id) order with a keyset, from an optional
// starting point: `updated_at >= since - overlap`. A keyset rather than OFFSET: a row updated while
// the pages are read moves behind the keyset and is read again, where OFFSET would skip the row
// that slid into its place. Values are always bound; only the page size (an integer from the
// config) is written into the SQL, as some servers refuse a bound LIMIT in a prepared statement.
import type { SqlDialect, SqlSession } from './sqlDrivers.ts';
import { type RowShape, rowShape } from './sqlRows.ts';

export interface PageQuery {
  db: SqlSession;
  dialect: SqlDialect;
  query: string;
  pageSize: number;
}

/** Where the next poll starts: the greatest updated_at seen, as the database gave it, and its type. */
export interface SqlCursor {
  value: unknown;
  cast?: string;
  time: boolean;
}

export interface PagesRead {
  rows: number;
  /** Undefined when no row came. */
  cursor?: SqlCursor;
  shape: RowShape;
  /** Rows with an empty updated_at (counted on a full load only): the incremental read never sees them. */
  nullUpdatedAt: number;
}

export async function readPages(
  q: PageQuery,
  since: SqlCursor | undefined,
  overlapSeconds: number,
  onRow: (row: Record<string, unknown>, shape: RowShape) => void,
  /** After each page's rows: a full load hands them on, so they need not all be in memory. */
  onPage?: () => void,
): Promise<PagesRead> {
  const { db, dialect, query, pageSize } = q;
  let shape: RowShape | undefined;
  if (!since) {
    // The columns first, so a query lacking updated_at or id is told as such, not as SQL's error
    // about the condition the source added.
    const probe = await db.query(`SELECT q.* FROM (${query}) q WHERE 1 = 0`, []);
    shape = rowShape(probe.columns);
  }
  let last: Record<string, unknown> | undefined;
  let rows = 0;
  const pageAfter = (after: Record<string, unknown> | undefined) => {
    const params: unknown[] = [];
    const bind = (value: unknown, cast?: string) => dialect.placeholder(params.push(value), cast);
    const where = ['q.updated_at IS NOT NULL'];
    if (since) {
      const from = bind(since.value, since.cast);
      where.push(
        `q.updated_at >= ${since.time && overlapSeconds > 0 ? dialect.minusSeconds(from, bind(overlapSeconds)) : from}`,
      );
    }
    if (after && shape) {
      const t = after[shape.keys.updated_at as string];
      const id = after[shape.keys.id as string];
      const c = shape.updatedAt.cast;
      where.push(
        `(q.updated_at > ${bind(t, c)} OR (q.updated_at = ${bind(t, c)} AND q.id > ${bind(id, shape.id.cast)}))`,
      );
    }
    const sql = `SELECT q.* FROM (${query}) q WHERE ${where.join(' AND ')} ORDER BY q.updated_at, q.id LIMIT ${pageSize}`;
    return db.query(sql, params);
  };
  let next: Promise<Awaited<ReturnType<typeof pageAfter>>> | undefined = pageAfter(undefined);
  while (next) {
    const page = await next;
    shape ??= rowShape(page.columns);
    next = undefined;
    if (page.rows.length) last = page.rows[page.rows.length - 1];
    // The next page is asked for before this one is handled: the database reads it meanwhile.
    if (page.rows.length >= pageSize) {
      next = pageAfter(last);
      // Its failure is seen when it is awaited; a failure in handling this page comes first.
      next.catch(() => {});
    }
    for (const row of page.rows) onRow(row, shape);
    onPage?.();
    rows += page.rows.length;
  }

  // The first page always sets it (a query with no rows still has columns).
  if (!shape) throw new Error("the query's result has no columns");
  let nullUpdatedAt = 0;
  if (!since) {
    const counted = await db.query(`SELECT COUNT(*) AS n FROM (${query}) q WHERE q.updated_at IS NULL`, []);
    nullUpdatedAt = Number(counted.rows[0]?.n ?? counted.rows[0]?.N ?? 0);
  }
  const cursor = last
    ? { value: last[shape.keys.updated_at as string], cast: shape.updatedAt.cast, time: shape.updatedAt.time }
    : undefined;
  return { rows, cursor, shape, nullUpdatedAt };
}
