// The embedded relay's one SQLite file (better-sqlite3): the call log, the idempotency window, the
// agent state with its pairing codes and the contact feed with its history. WAL mode, so readers
// never wait for the writer; synchronous=FULL, so a call acknowledged to the PBX is on disk even
// if the machine (not only the process) dies right after. better-sqlite3 is synchronous: every
// statement runs to completion before the event loop goes on, which makes each transaction
// atomic with respect to the rest of this process without any locking of ours.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Each entry upgrades the schema from its index to the next version (PRAGMA user_version). */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, json TEXT NOT NULL);
   CREATE INDEX events_at ON events (at);
   CREATE TABLE event_keys (key TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq)) WITHOUT ROWID;
   CREATE INDEX event_keys_seq ON event_keys (seq);
   CREATE TABLE log_keys (key TEXT PRIMARY KEY, newest INTEGER NOT NULL, dropped INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
   CREATE INDEX log_keys_newest ON log_keys (newest);
   CREATE TABLE idempotency (key TEXT PRIMARY KEY, json TEXT NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID;
   CREATE INDEX idempotency_expires ON idempotency (expires);
   CREATE TABLE agent_state (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
   CREATE TABLE contacts (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash INTEGER NOT NULL, json TEXT, deleted INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
   CREATE INDEX contacts_seq ON contacts (seq);`,
  // The contact feed keyed by seq, with a phone-key table (sqliteFeedHistory.ts). The old table
  // held contacts the sources load again; its cursors reset once.
  `DROP TABLE contacts;
   DELETE FROM meta WHERE name = 'contacts.state';
   CREATE TABLE feed_contacts (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, hash INTEGER NOT NULL, json TEXT);
   CREATE INDEX feed_contacts_tombs ON feed_contacts (seq) WHERE json IS NULL;
   CREATE TABLE feed_phones (key TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
   CREATE INDEX feed_phones_id ON feed_phones (id);`,
  // The call journal (journalStore.ts): calls under way, and the outbox of records to write.
  `CREATE TABLE journal_calls (call_id TEXT PRIMARY KEY, last_at INTEGER NOT NULL, finished INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
   CREATE INDEX journal_calls_open ON journal_calls (last_at) WHERE finished = 0;
   CREATE TABLE journal_events (call_id TEXT NOT NULL, event_id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (call_id, event_id)) WITHOUT ROWID;
   CREATE TABLE journal_outbox (key TEXT NOT NULL, writer TEXT NOT NULL, call_id TEXT NOT NULL, json TEXT NOT NULL,
     status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT,
     crm_id TEXT, created_at INTEGER NOT NULL, done_at INTEGER, leased_until INTEGER, PRIMARY KEY (key, writer)) WITHOUT ROWID;
   CREATE INDEX journal_outbox_due ON journal_outbox (next_at) WHERE status = 'pending';
   CREATE INDEX journal_outbox_call ON journal_outbox (call_id);
   CREATE INDEX journal_outbox_created ON journal_outbox (created_at);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

interface Open {
  db: Db;
  users: number;
}

/** One connection per file in this process: the call stores and the agent store share it. */
const open = new Map<string, Open>();

/** Opens (creating and migrating if needed) the database at `path`; release it with `closeDb`. */
export function openDb(path: string): Db {
  const known = open.get(path);
  if (known) {
    known.users++;
    return known.db;
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // Another process holding the file (a second relay started by mistake) makes writes wait this
    // long, then fail with SQLITE_BUSY instead of corrupting anything.
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw new Error(`store: cannot open ${path}: ${(error as Error).message}`);
  }
  open.set(path, { db, users: 1 });
  return db;
}

export function closeDb(db: Db): void {
  for (const [path, entry] of open) {
    if (entry.db !== db) continue;
    if (--entry.users > 0) return;
    open.delete(path);
  }
  if (db.open) db.close();
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION)
    throw new Error(
      `schema version ${version} is newer than this relay (${SCHEMA_VERSION}): upgrade the relay`,
    );
  for (let v = version; v < SCHEMA_VERSION; v++)
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
}

export function readMeta(db: Db, name: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE name = ?').get(name) as { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: Db, name: string, value: string): void {
  db.prepare(
    'INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
  ).run(name, value);
}
