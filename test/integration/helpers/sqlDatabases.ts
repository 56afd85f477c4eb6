// PostgreSQL and MariaDB for the integration tests: PG_TEST_URL (default
// postgres://postgres@127.0.0.1:5432/postgres) and MYSQL_TEST_URL (default
// mysql://root@127.0.0.1:3306/mysql). Each test file makes its own database with a random suffix
// (`screenpop_it_<hex>`) and drops that one only: the servers may be shared. Without a reachable
// server its suites are skipped with a printed reason, unless SCREENPOP_REQUIRE_DATABASES=1 (set by
// .ci/run), which turns the skip into a failure.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { describe, it } from 'vitest';

export const PG_ADMIN_URL = process.env.PG_TEST_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_ADMIN_URL = process.env.MYSQL_TEST_URL || 'mysql://root@127.0.0.1:3306/mysql';
export const DATABASES_REQUIRED = process.env.SCREENPOP_REQUIRE_DATABASES === '1';

const TEST_DB_RE = /^screenpop_it_[0-9a-f]{12}$/;

/** A database name no other run uses. */
export function testDatabaseName(): string {
  return `screenpop_it_${randomBytes(6).toString('hex')}`;
}

/** The admin URL pointed at `database`. */
export function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 1500 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

async function probeMysql(): Promise<string | null> {
  try {
    const conn = await mysql.createConnection({ uri: MYSQL_ADMIN_URL, connectTimeout: 1500 });
    await conn.query('SELECT 1');
    await conn.end();
    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  }
}

/** Null when the server answers, else why not. Probed once per test file. */
export const postgresUnavailable: string | null = await probePostgres();
export const mysqlUnavailable: string | null = await probeMysql();

function describeWith(what: string, unavailable: string | null, name: string, body: () => void): void {
  if (!unavailable) {
    describe(name, body);
    return;
  }
  const why = `${what} is not reachable (${unavailable})`;
  if (DATABASES_REQUIRED) {
    describe(name, () => {
      it(`needs ${what} (SCREENPOP_REQUIRE_DATABASES=1)`, () => {
        throw new Error(`${why}; SCREENPOP_REQUIRE_DATABASES=1 makes this a failure`);
      });
    });
    return;
  }
  process.stdout.write(`skipping "${name}": ${why}; set PG_TEST_URL / MYSQL_TEST_URL or start the server\n`);
  describe.skip(name, body);
}

export function describePostgres(name: string, body: () => void): void {
  describeWith(`PostgreSQL at ${new URL(PG_ADMIN_URL).host}`, postgresUnavailable, name, body);
}

export function describeMysql(name: string, body: () => void): void {
  describeWith(`MariaDB/MySQL at ${new URL(MYSQL_ADMIN_URL).host}`, mysqlUnavailable, name, body);
}

function checkName(database: string): void {
  if (!TEST_DB_RE.test(database)) throw new Error(`refusing to create or drop ${database}`);
}

/** Creates `database` on PostgreSQL; returns a client connected to it (end it before dropping). */
export async function createPostgresDatabase(database: string): Promise<pg.Client> {
  checkName(database);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: urlFor(PG_ADMIN_URL, database) });
  client.on('error', () => {});
  await client.connect();
  return client;
}

export async function dropPostgresDatabase(database: string): Promise<void> {
  checkName(database);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Creates `database` on MariaDB/MySQL; returns a connection using it (end it before dropping). */
export async function createMysqlDatabase(database: string): Promise<mysql.Connection> {
  checkName(database);
  const conn = await mysql.createConnection({ uri: MYSQL_ADMIN_URL, multipleStatements: true });
  conn.on('error', () => {});
  await conn.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
  await conn.query(`USE ${database}`);
  return conn;
}

export async function dropMysqlDatabase(database: string): Promise<void> {
  checkName(database);
  const conn = await mysql.createConnection({ uri: MYSQL_ADMIN_URL });
  try {
    await conn.query(`DROP DATABASE IF EXISTS ${database}`);
  } finally {
    await conn.end();
  }
}
