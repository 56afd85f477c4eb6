// The sql contact source against the real PostgreSQL and MariaDB of this machine, each test file in
// a database of its own: full load, updates, phone changes, soft and hard deletes, a broken query, a
// connection killed during a poll, the read-only session, and the vtiger schema with its query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** One poll with a sink, as the source set polls: the ids a reconcile listed come back too. */
async function reconcile(source: ContactSource): Promise<{ batch: SourceBatch; present: string[] }> {
  const present: string[] = [];
  const batch = await source.poll({ upserts: () => {}, present: (ids) => present.push(...ids) });
  return { batch, present };
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

  it(`${label}: a full load handed over page by page gives every contact once, and only the first poll does that`, async () => {
    const paged = createSqlSource(config(db, { name: 'paged' }), {
      log: recordingLog().log,
      now: () => clock,
    });
    try {
      const pages: string[][] = [];
      const batch = await paged.poll({
        upserts: (upserts) => pages.push(upserts.map((c) => c.id)),
        present: () => {},
      });
      expect(batch.complete).toBe(true);
      expect(pages.length, 'two rows a page: the pages came as they were read').toBeGreaterThan(1);
      expect([...pages.flat(), ...ids(batch)].sort()).toEqual(['1', '2', '3']);
      const later: string[][] = [];
      const next = await paged.poll({
        upserts: (upserts) => later.push(upserts.map((c) => c.id)),
        present: () => {},
      });
      expect(later, 'an incremental poll returns its changes in the batch').toEqual([]);
      expect(next.complete).toBe(false);
    } finally {
      await paged.close();
    }
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
    const early = await reconcile(source);
    expect(early.batch.reconciled, 'no reconcile before reconcileEverySeconds').toBeUndefined();
    expect(early.present).toEqual([]);
    clock += 600_000;
    const { batch, present } = await reconcile(source);
    expect(batch.reconciled).toBe(true);
    expect(present, 'the ids the database has now: the feed drops the others').toContain('2');
    expect(present).not.toContain('1');
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

  it(`${label}: a statement running past statementTimeoutMs is cancelled by the server`, async () => {
    await db.exec('UPDATE test_pause SET seconds = 2');
    const slow = createSqlSource(config(db, { name: 'slow', statementTimeoutMs: 200 }), { log });
    const started = Date.now();
    await expect(slow.poll()).rejects.toThrow(
      /^sql source "slow": the query ran longer than statementTimeoutMs \(200 ms\)/,
    );
    expect(Date.now() - started).toBeLessThan(1500);
    await db.exec('UPDATE test_pause SET seconds = 0');
    await slow.close();
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

describeMysql('sql source on MariaDB: logins and URLs', () => {
  it('a refused login names the source and the user, never the password', async () => {
    const url = MYSQL_ADMIN_URL.replace('://root@', '://screenpop_nobody:Secr3t-Pa55@');
    const source = createSqlSource(
      sqlSourceKind.parse(
        { urlEnv: 'CRM_DB_URL', query: 'SELECT * FROM contacts' },
        'contacts.sources[0]',
        { name: 'crm', kind: 'sql', intervalSeconds: 60 },
        '/tmp',
        { CRM_DB_URL: url },
      ),
      { log: recordingLog().log },
    );
    const error = await source.poll().then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      /^sql source "crm": MySQL\/MariaDB at .* refused the login of user "screenpop_nobody"/,
    );
    expect(error?.message).not.toContain('Secr3t');
    await source.close();
  });
});

describeMysql('sql source on a vtiger database (MariaDB) with VTIGER_CONTACTS_QUERY', () => {
  const name = testDatabaseName();
  let conn: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let source: ContactSource;
  let clock = 1_000_000;

  beforeAll(async () => {
    conn = await createMysqlDatabase(name);
    // The columns the query reads, as vtiger 8.2 names them (shared/reference/crm-apis.md).
    await conn.query(`
      CREATE TABLE vtiger_users (id INT PRIMARY KEY, user_name VARCHAR(255));
      CREATE TABLE vtiger_crmentity (crmid INT PRIMARY KEY, setype VARCHAR(30), smownerid INT NOT NULL DEFAULT 0,
        deleted INT NOT NULL DEFAULT 0, createdtime DATETIME NOT NULL, modifiedtime DATETIME, label VARCHAR(255));
      CREATE TABLE vtiger_contactdetails (contactid INT PRIMARY KEY, firstname VARCHAR(40), lastname VARCHAR(80),
        phone VARCHAR(50), mobile VARCHAR(50), accountid INT DEFAULT 0, email VARCHAR(100));
      CREATE TABLE vtiger_contactsubdetails (contactsubscriptionid INT PRIMARY KEY, homephone VARCHAR(50),
        otherphone VARCHAR(50), assistantphone VARCHAR(50));
      CREATE TABLE vtiger_account (accountid INT PRIMARY KEY, accountname VARCHAR(100), phone VARCHAR(30),
        otherphone VARCHAR(30));
      INSERT INTO vtiger_users VALUES (1, 'admin'), (5, 'ayse');
      INSERT INTO vtiger_crmentity (crmid, setype, smownerid, deleted, createdtime, modifiedtime, label) VALUES
        (11, 'Accounts', 1, 0, NOW() - INTERVAL 1 DAY, NOW() - INTERVAL 1 DAY, 'Acme Ltd'),
        (12, 'Contacts', 5, 0, NOW() - INTERVAL 1 DAY, NOW() - INTERVAL 1 DAY, 'Ali Veli'),
        (13, 'Contacts', 5, 1, NOW() - INTERVAL 1 DAY, NOW() - INTERVAL 1 DAY, 'In The Bin'),
        (14, 'Contacts', 1, 0, NOW() - INTERVAL 1 DAY, NOW() - INTERVAL 1 DAY, 'Zeynep'),
        (15, 'Contacts', 1, 0, NOW() - INTERVAL 1 DAY, NOW() - INTERVAL 1 DAY, 'Mehmet Acar');
      INSERT INTO vtiger_account VALUES (11, 'Acme Ltd', '0212 555 00 00', '0212 555 00 01');
      INSERT INTO vtiger_contactdetails VALUES
        (12, 'Ali', 'Veli', '0532 111 22 33', '0533 444 55 66', 11, 'ali@example.com'),
        (13, 'In The', 'Bin', '0532 000 00 00', NULL, 11, NULL),
        (14, NULL, 'Zeynep', NULL, '+90 535 777 88 99', 0, NULL),
        (15, 'Mehmet', 'Acar', '0216 333 44 55', NULL, 11, NULL);
      INSERT INTO vtiger_contactsubdetails VALUES (12, '0216 999 88 77', '0850 111 22 33', '0212 000 11 22'),
        (14, '', NULL, NULL);`);
    source = createSqlSource(
      sqlSourceKind.parse(
        { url: urlFor(MYSQL_ADMIN_URL, name), query: VTIGER_CONTACTS_QUERY, pageSize: 2 },
        'contacts.sources[0]',
        { name: 'vtigerdb', kind: 'sql', intervalSeconds: 60 },
        '/tmp',
        {},
      ),
      { log: recordingLog().log, now: () => clock },
    );
  });
  afterAll(async () => {
    await source?.close();
    await conn?.end();
    await dropMysqlDatabase(name);
  });

  it('loads organisations and contacts with their organisation, owner and every phone column', async () => {
    const batch = await source.poll();
    expect(batch.complete).toBe(true);
    expect(ids(batch), 'the record in the recycle bin is left out').toEqual(['11', '12', '14', '15']);
    const c = byId(batch);
    expect(c['11']).toMatchObject({
      kind: 'company',
      name: 'Acme Ltd',
      owner: 'admin',
      phones: ['0212 555 00 00', '0212 555 00 01'],
    });
    expect(c['12']).toMatchObject({
      kind: 'person',
      name: 'Ali Veli',
      companyId: '11',
      company: 'Acme Ltd',
      owner: 'ayse',
      phones: ['0532 111 22 33', '0533 444 55 66', '0216 999 88 77', '0850 111 22 33'],
    });
    expect(c['14']).toEqual(expect.objectContaining({ name: 'Zeynep', phones: ['+90 535 777 88 99'] }));
    expect(c['14']?.companyId, 'accountid 0 is no organisation').toBeUndefined();
  });

  it('a contact moved to the recycle bin comes as a delete', async () => {
    await conn.query('UPDATE vtiger_crmentity SET deleted = 1, modifiedtime = NOW() WHERE crmid = 12');
    const batch = await source.poll();
    expect(batch).toEqual({ upserts: [], deletes: ['12'], complete: false });
  });

  it('renaming an organisation brings it and its contacts with the new name', async () => {
    await conn.query("UPDATE vtiger_account SET accountname = 'Acme Holding' WHERE accountid = 11");
    await conn.query('UPDATE vtiger_crmentity SET modifiedtime = NOW() WHERE crmid = 11');
    const batch = await source.poll();
    expect(batch.upserts.map((c) => [c.id, c.name, c.company])).toEqual([
      ['11', 'Acme Holding', undefined],
      ['15', 'Mehmet Acar', 'Acme Holding'],
    ]);
  });

  it('emptying the recycle bin is found by the reconcile', async () => {
    await conn.query('DELETE FROM vtiger_crmentity WHERE crmid IN (12, 13, 14)');
    await conn.query('DELETE FROM vtiger_contactdetails WHERE contactid IN (12, 13, 14)');
    clock += 600_000;
    const { batch, present } = await reconcile(source);
    expect(batch.reconciled).toBe(true);
    expect(present.sort(), '14 is gone now (12 was deleted before)').toEqual(['11', '15']);
  });
});

describe('sql source config', () => {
  const base = { name: 'crm', kind: 'sql', intervalSeconds: 60 };
  const parse = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
    sqlSourceKind.parse(raw, 'contacts.sources[2]', base, '/tmp', env);
  const query = 'SELECT * FROM crm_contacts;';

  it('takes the URL from url, urlEnv or urlFile, and keeps its password out of String() and JSON', () => {
    const config = parse(
      { urlEnv: 'CRM_DB_URL', query },
      { CRM_DB_URL: 'postgres://reader:hunter2hunter2@db/crm' },
    );
    expect(config.url.dialect).toBe('postgres');
    expect(String(config.url)).toBe('postgres://reader:***@db/crm');
    expect(JSON.stringify(config)).not.toContain('hunter2');
    expect(config.query, 'a trailing semicolon is dropped').toBe('SELECT * FROM crm_contacts');
    expect(config).toMatchObject({
      reconcileEverySeconds: 600,
      overlapSeconds: 5,
      statementTimeoutMs: 10_000,
    });
  });

  it('names the field at fault', () => {
    expect(() => parse({ query })).toThrow(/^config: contacts.sources\[2\].url is missing/);
    expect(() => parse({ url: 'http://db/crm', query })).toThrow(
      /contacts.sources\[2\].url has the scheme "http:"/,
    );
    expect(() => parse({ url: 'mysql://db', query })).toThrow(/url names no database/);
    expect(() => parse({ urlEnv: 'NOPE', query })).toThrow(/urlEnv names NOPE, which is not set/);
    expect(() => parse({ urlFile: 'no-such-file', query })).toThrow(
      /urlFile names \/tmp\/no-such-file, which cannot be read/,
    );
    expect(() => parse({ url: 'postgres://db/crm', query: 'DELETE FROM x' })).toThrow(
      /query must be a SELECT/,
    );
    expect(() => parse({ url: 'postgres://db/crm', query, overlapSeconds: -1 })).toThrow(
      /overlapSeconds must be an integer/,
    );
    expect(() => parse({ url: 'postgres://u:pw-in-the-url@db', query })).not.toThrow(/pw-in-the-url/);
  });
});
