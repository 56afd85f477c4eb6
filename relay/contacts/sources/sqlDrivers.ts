// One read-only database session for the sql contact source, over `pg` (PostgreSQL) or `mysql2`
// (MySQL, MariaDB). Each session is one connection (the source runs one query at a time), made
// read-only and given a statement timeout as soon as it is open. Date/time values come back as the
// database's own text so the source can hand the last `updated_at` back exactly (a JS Date would
// cut PostgreSQL's microseconds and make keyset paging loop).
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DatabaseUrl, SqlDialectName } from './sqlUrl.ts';

export interface SqlColumn {
  name: string;
  /** A date/time type: `updated_at - overlap` makes sense for it. */
  time: boolean;
  /** PostgreSQL type name to cast a bound value to (its type is not always inferable). */
  cast?: string;
}

export interface SqlResult {
  rows: Record<string, unknown>[];
  columns: SqlColumn[];
}

export interface SqlSession {
  query(sql: string, params: unknown[]): Promise<SqlResult>;
  close(): Promise<void>;
  /** Set when the connection broke while idle (killed, network gone): open a new one. */
  readonly broken: Error | undefined;
}

export interface SqlDialect {
  readonly name: SqlDialectName;
  /** A placeholder for bound value number `n` (1-based), cast to `cast` where the dialect needs it. */
  placeholder(n: number, cast?: string): string;
  /** `value - overlapSeconds` in SQL, both bound. */
  minusSeconds(value: string, seconds: string): string;
  /** An ISO time from a date/time value as this driver returns it, else undefined. */
  toIso(value: unknown): string | undefined;
  connect(
    url: DatabaseUrl,
    options: { statementTimeoutMs: number; connectTimeoutMs: number },
  ): Promise<SqlSession>;
}

function isoOf(value: unknown, parse: (text: string) => Date | null): string | undefined {
  let date: Date | null = null;
  if (value instanceof Date) date = value;
  else if (typeof value === 'string') date = parse(value);
  // Seconds since 1970 or milliseconds: an admin may keep epoch numbers as updated_at.
  else if (typeof value === 'number') date = new Date(value < 1e11 ? value * 1000 : value);
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

// --- PostgreSQL -------------------------------------------------------------------------------

const PG_CASTS: Record<number, string> = {
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  25: 'text',
  1043: 'varchar',
  1082: 'date',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
  2950: 'uuid',
};
const PG_TIME_OIDS = new Set([1082, 1114, 1184]);
const parsePgDate = pg.types.getTypeParser(1184, 'text') as (text: string) => Date | null;

const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    PG_TIME_OIDS.has(oid)
      ? (text: string) => text
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  placeholder: (n, cast) => (cast ? `$${n}::${cast}` : `$${n}`),
  minusSeconds: (value, seconds) => `(${value} - make_interval(secs => ${seconds}))`,
  toIso: (value) => isoOf(value, parsePgDate),
  async connect(url, { statementTimeoutMs, connectTimeoutMs }) {
    const client = new pg.Client({
      connectionString: url.reveal(),
      connectionTimeoutMillis: connectTimeoutMs,
      // A backstop for a connection that went silent: the server's own timeout answers first.
      query_timeout: statementTimeoutMs + 5000,
      keepAlive: true,
      application_name: 'screenpop-contacts',
      types: pgTypes,
    });
    let broken: Error | undefined;
    client.on('error', (error) => {
      broken = error;
    });
    try {
      await client.connect();
      await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
      // An integer checked by the config parser; SET takes no bound parameters.
      await client.query(`SET statement_timeout = ${Math.trunc(statementTimeoutMs)}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return {
      get broken() {
        return broken;
      },
      async query(sql, params) {
        const result = await client.query({ text: sql, values: params });
        return {
          rows: result.rows,
          columns: result.fields.map((f) => ({
            name: f.name,
            time: PG_TIME_OIDS.has(f.dataTypeID),
            cast: PG_CASTS[f.dataTypeID],
          })),
        };
      },
      async close() {
        await client.end().catch(() => {});
      },
    };
  },
};

// --- MySQL / MariaDB --------------------------------------------------------------------------

// mysql2 column types: DATE, NEWDATE, DATETIME, DATETIME2, TIMESTAMP, TIMESTAMP2.
const MYSQL_TIME_TYPES = new Set([10, 14, 12, 18, 7, 17]);
const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

/** `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` as mysql2 gives it with dateStrings: the server's local time. */
function parseMysqlDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?)?$/.exec(text);
  if (!m) {
    const time = Date.parse(text);
    return Number.isNaN(time) ? null : new Date(time);
  }
  const [, y = '', mo = '', d = '', h = '0', mi = '0', s = '0', frac = '0'] = m;
  return new Date(+y, +mo - 1, +d, +h, +mi, +s, Math.trunc(Number(frac) * 1000));
}

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  placeholder: () => '?',
  minusSeconds: (value, seconds) => `(${value} - INTERVAL ${seconds} SECOND)`,
  toIso: (value) => isoOf(value, parseMysqlDate),
  async connect(url, { statementTimeoutMs, connectTimeoutMs }) {
    const conn = await mysql.createConnection({
      uri: url.reveal(),
      connectTimeout: connectTimeoutMs,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      enableKeepAlive: true,
      multipleStatements: false,
    });
    let broken: Error | undefined;
    conn.on('error', (error: Error) => {
      broken = error;
    });
    try {
      await conn.query('SET SESSION TRANSACTION READ ONLY');
      // Integers checked by the config parser; SET takes no bound parameters here.
      try {
        await conn.query(`SET SESSION max_statement_time = ${statementTimeoutMs / 1000}`); // MariaDB
      } catch (error) {
        if ((error as { errno?: number }).errno !== ER_UNKNOWN_SYSTEM_VARIABLE) throw error;
        await conn.query(`SET SESSION max_execution_time = ${Math.trunc(statementTimeoutMs)}`); // MySQL
      }
    } catch (error) {
      conn.destroy();
      throw error;
    }
    return {
      get broken() {
        return broken;
      },
      async query(sql, params) {
        // execute(): a server-side prepared statement, so a `?` inside the admin's own string
        // literals is never mistaken for a placeholder (query() substitutes on the client).
        const [rows, fields] = await conn.execute(
          { sql, timeout: statementTimeoutMs + 5000 },
          params as mysql.ExecuteValues[],
        );
        return {
          rows: rows as Record<string, unknown>[],
          columns: (fields ?? []).map((f) => ({
            name: f.name,
            time: MYSQL_TIME_TYPES.has(f.columnType ?? -1),
          })),
        };
      },
      async close() {
        await conn.end().catch(() => conn.destroy());
      },
    };
  },
};

export function dialectOf(name: SqlDialectName): SqlDialect {
  return name === 'postgres' ? postgresDialect : mysqlDialect;
}
