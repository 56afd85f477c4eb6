// The sql contact source against the real PostgreSQL and MariaDB of this machine, each test file in
// a database of its own: full load, updates, phone changes, soft and hard deletes, a broken query, a
// connection killed during a poll, the read-only session, and the vtiger schema with its query.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ContactSource, SourceBatch, SourceLog } from '../../relay/contacts/sources/sourceTypes.ts';
import {
  createSqlSource,
  type SqlSourceConfig,
  sqlSourceKind,
  VTIGER_CONTACTS_QUERY,
} from '../../relay/contacts/sources/sqlSource.ts';
import {
  createMysqlDatabase,
  createPostgresDatabase,
  describeMysql,
  describePostgres,
  dropMysqlDatabase,
  dropPostgresDatabase,
  MYSQL_ADMIN_URL,
  PG_ADMIN_URL,
  testDatabaseName,
  urlFor,
} from './helpers/sqlDatabases.ts';

interface Db {
  url: string;
  exec(sql: string, params?: unknown[]): Promise<void>;
  /** Waits until the source's query is running (it sleeps on test_pause) and kills its connection. */
  killSourceQuery(): Promise<void>;
  now: string;
  yes: string;
  /** The contacts query over the test tables; it sleeps test_pause.seconds once per statement. */
  query: string;
  close(): Promise<void>;
}

function recordingLog() {
  const warnings: Record<string, unknown>[] = [];
  const log: SourceLog = {
    info: () => {},
    warn: (obj) => {
      warnings.push(obj as Record<string, unknown>);
    },
    error: () => {},
  };
  return { log, warnings };
}

function config(db: Db, extra: Partial<Record<string, unknown>> = {}): SqlSourceConfig {
  return sqlSourceKind.parse(
    { url: db.url, query: db.query, pageSize: 2, ...extra },
    'contacts.sources[0]',
    { name: String(extra.name ?? 'crm'), kind: 'sql', intervalSeconds: 60 },
    '/tmp',
    {},
  );
}

const byId = (batch: SourceBatch) => Object.fromEntries(batch.upserts.map((c) => [c.id, c]));
const ids = (batch: SourceBatch) => batch.upserts.map((c) => c.id).sort();

const ROWS = `INSERT INTO contacts (id, kind, name, company_id, owner, phone, mobile, deleted) VALUES
  (1, 'company', 'Acme', NULL, 'ayse', '+90 212 555 0000', NULL, FALSE),
  (2, 'person', 'Ali Veli', 1, 'ayse', '+90 532 111 2233; +90 532 111 2234', '+90 555 000 1111', FALSE),
  (3, 'person', 'Zeynep', NULL, NULL, NULL, '+90 533 222 3344', FALSE),
  (4, 'robot', 'R2', NULL, NULL, '+1 555 0100', NULL, FALSE),
  (5, 'person', 'Gone Already', NULL, NULL, '+1 555 0101', NULL, TRUE)`;

function contactScenario(label: string, setup: () => Promise<Db>) {
  let db: Db;
  let source: ContactSource;
  let clock = 1_000_000;
  const { log, warnings } = recordingLog();

  beforeAll(async () => {
    db = await setup();
    await db.exec(ROWS);
    source = createSqlSource(config(db), { log, now: () => clock });
  });
  afterAll(async () => {
    await source?.close();
    await db?.close();
  });

  it(`${label}: the first poll is a complete load: phones split, company linked, owner, bad rows skipped`, async () => {
    const batch = await source.poll();
    expect(batch.complete, 'the first poll of a process is complete').toBe(true);
    expect(ids(batch), 'kind "robot" and the deleted row are not contacts').toEqual(['1', '2', '3']);
    const c = byId(batch);
    expect(c['2']).toMatchObject({
      kind: 'person',
      name: 'Ali Veli',
      companyId: '1',
      company: 'Acme',
      owner: 'ayse',
      phones: ['+90 532 111 2233', '+90 532 111 2234', '+90 555 000 1111'],
    });
    expect(c['2']?.updatedAt, 'updated_at as ISO').toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(c['1']).toMatchObject({ kind: 'company', name: 'Acme', phones: ['+90 212 555 0000'] });
    expect(c['3']?.phones).toEqual(['+90 533 222 3344']);
    expect(warnings.map((w) => w.id)).toEqual(['4']);
  });

  it(`${label}: a poll with nothing changed returns nothing, though the overlap reads rows again`, async () => {
    const batch = await source.poll();
    expect(batch).toEqual({ upserts: [], deletes: [], complete: false });
  });

  it(`${label}: an updated row comes in the next poll, alone`, async () => {
    await db.exec(`UPDATE contacts SET name = 'Zeynep Kaya', updated_at = ${db.now} WHERE id = 3`);
    const batch = await source.poll();
    expect(ids(batch)).toEqual(['3']);
    expect(batch.upserts[0]?.name).toBe('Zeynep Kaya');
    expect(batch.complete).toBe(false);
  });

  it(`${label}: a phone change comes with the new numbers`, async () => {
    await db.exec(`UPDATE contacts SET phone = '+90 532 999 0000', updated_at = ${db.now} WHERE id = 2`);
    const batch = await source.poll();
    expect(batch.upserts.map((c) => [c.id, c.phones])).toEqual([
      ['2', ['+90 532 999 0000', '+90 555 000 1111']],
    ]);
  });

  it(`${label}: a row marked deleted comes as a delete`, async () => {
    await db.exec(`UPDATE contacts SET deleted = ${db.yes}, updated_at = ${db.now} WHERE id = 3`);
    const batch = await source.poll();
    expect(batch).toEqual({ upserts: [], deletes: ['3'], complete: false });
  });

  it(`${label}: a row deleted outright is found by the reconcile, when it is due`, async () => {
    await db.exec('DELETE FROM contacts WHERE id = 1');
    expect((await source.poll()).deletes, 'no reconcile before reconcileEverySeconds').toEqual([]);
    clock += 600_000;
    const batch = await source.poll();
    expect(batch.deletes).toEqual(['1']);
    expect(batch.upserts).toEqual([]);
  });

  it(`${label}: a connection killed during a poll fails that poll; the next one reconnects and loses nothing`, async () => {
    await db.exec(`UPDATE contacts SET phone = '+90 532 777 0000', updated_at = ${db.now} WHERE id = 2`);
    await db.exec('UPDATE test_pause SET seconds = 5');
    const polled = source.poll();
    const settled = polled.then(
      () => null,
      (error: Error) => error,
    );
    await db.killSourceQuery();
    await db.exec('UPDATE test_pause SET seconds = 0');
    const error = await settled;
    expect(error?.message).toMatch(/^sql source "crm": lost the connection to .* during the poll/);
    const batch = await source.poll();
    expect(batch.complete, 'the state of the last good poll is kept').toBe(false);
    expect(batch.upserts.map((c) => [c.id, c.phones[0]])).toEqual([['2', '+90 532 777 0000']]);
  });

  it(`${label}: a broken query fails with a message naming the source and the database's words`, async () => {
    const broken = createSqlSource(config(db, { name: 'broken', query: 'SELECT * FROM no_such_table' }), {
      log,
    });
    await expect(broken.poll()).rejects.toThrow(/^sql source "broken": the query failed: .*no_such_table/);
    await broken.close();
    const short = createSqlSource(config(db, { name: 'short', query: 'SELECT id, name FROM contacts' }), {
      log,
    });
    await expect(short.poll()).rejects.toThrow(/^sql source "short": .*lacks the column\(s\) kind/);
    await short.close();
  });

  it(`${label}: an unknown database is named`, async () => {
    const url = db.url.replace(/screenpop_it_[0-9a-f]+/, 'screenpop_it_000000000000');
    const missing = createSqlSource(config(db, { name: 'nodb', url }), { log });
    await expect(missing.poll()).rejects.toThrow(
      /^sql source "nodb": .* has no database "screenpop_it_000000000000"/,
    );
    await missing.close();
  });

  it(`${label}: the session is read-only: a query that writes is refused`, async () => {
    const writer = createSqlSource(
      config(db, { name: 'writer', query: `SELECT * FROM (${db.query}) w WHERE touch() = 1` }),
      { log },
    );
    await expect(writer.poll()).rejects.toThrow(/^sql source "writer": the query tried to write/);
    await writer.close();
  });
}

describePostgres('sql source on PostgreSQL', () => {
  const name = testDatabaseName();
  contactScenario('PostgreSQL', async () => {
    const client = await createPostgresDatabase(name);
    await client.query(`
      CREATE TABLE contacts (id integer PRIMARY KEY, kind text NOT NULL, name text, company_id integer,
        owner text, phone text, mobile text, deleted boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp());
      CREATE TABLE test_pause (seconds double precision NOT NULL);
      INSERT INTO test_pause VALUES (0);
      CREATE FUNCTION pause() RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_sleep((SELECT seconds FROM test_pause)); RETURN true; END $$;
      CREATE FUNCTION touch() RETURNS integer LANGUAGE plpgsql AS $$
        BEGIN UPDATE contacts SET owner = 'written'; RETURN 1; END $$;`);
    return {
      url: urlFor(PG_ADMIN_URL, name),
      exec: async (sql, params) => {
        await client.query(sql, params);
      },
      async killSourceQuery() {
        for (let i = 0; i < 200; i++) {
          const { rows } = await client.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND state = 'active'
               AND application_name = 'screenpop-contacts' AND query LIKE '%pause()%'`,
            [name],
          );
          if (rows.length) {
            await client.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
            return;
          }
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('the source query never ran');
      },
      now: 'clock_timestamp()',
      yes: 'TRUE',
      query: `SELECT c.id, c.kind, c.name, c.company_id, co.name AS company, c.owner, c.updated_at, c.deleted,
        c.phone, c.mobile AS phone_mobile
        FROM contacts c LEFT JOIN contacts co ON co.id = c.company_id WHERE (SELECT pause())`,
      async close() {
        await client.end();
        await dropPostgresDatabase(name);
      },
    };
  });
});

describeMysql('sql source on MariaDB', () => {
  const name = testDatabaseName();
  contactScenario('MariaDB', async () => {
    const conn = await createMysqlDatabase(name);
    await conn.query(`
      CREATE TABLE contacts (id INT PRIMARY KEY, kind VARCHAR(20) NOT NULL, name VARCHAR(100), company_id INT,
        owner VARCHAR(100), phone VARCHAR(100), mobile VARCHAR(100), deleted BOOLEAN NOT NULL DEFAULT FALSE,
        updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6));
      CREATE TABLE test_pause (seconds DOUBLE NOT NULL);
      INSERT INTO test_pause VALUES (0);
      CREATE FUNCTION touch() RETURNS INT MODIFIES SQL DATA BEGIN UPDATE contacts SET owner = 'written'; RETURN 1; END;`);
    return {
      url: urlFor(MYSQL_ADMIN_URL, name),
      exec: async (sql, params) => {
        await conn.query(sql, params);
      },
      async killSourceQuery() {
        for (let i = 0; i < 200; i++) {
          const [rows] = (await conn.query(
            `SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()
               AND info LIKE '%SLEEP(seconds)%'`,
            [name],
          )) as unknown as [{ id: number }[]];
          if (rows[0]) {
            await conn.query(`KILL CONNECTION ${Number(rows[0].id)}`);
            return;
          }
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('the source query never ran');
      },
      now: 'NOW(6)',
      yes: 'TRUE',
      query: `SELECT c.id, c.kind, c.name, c.company_id, co.name AS company, c.owner, c.updated_at, c.deleted,
        c.phone, c.mobile AS phone_mobile
        FROM contacts c LEFT JOIN contacts co ON co.id = c.company_id
        WHERE (SELECT SLEEP(seconds) FROM test_pause) = 0`,
      async close() {
        await conn.end();
        await dropMysqlDatabase(name);
      },
    };
  });
});
