// Where the contact feed keeps its rows and change history between restarts (SQLite in embedded
// mode), so a relay restart does not make every browser download every contact again: the feed's
// epoch and sequence numbers survive, and clients' cursors stay valid.
import type { Contact } from '../../shared/contact.ts';
import { type Db, readMeta, writeMeta } from './sqliteDb.ts';

/** One contact as the history knows it; `contact` null is a remembered deletion. */
export interface StoredContact {
  id: string;
  seq: number;
  hash: number;
  contact: Contact | null;
}

export interface ContactHistoryState {
  epoch: string;
  seq: number;
  /** The last seq of each reload still answerable, oldest first. */
  versions: number[];
  floor: number;
}

export interface ContactHistorySnapshot extends ContactHistoryState {
  /** Every live contact and remembered deletion, in seq order. */
  rows: StoredContact[];
}

export interface ContactHistoryStore {
  load(): ContactHistorySnapshot | null;
  /** Stores one reload's changes atomically: changed rows, forgotten deletions, the new state. */
  save(state: ContactHistoryState, rows: readonly StoredContact[], forget: readonly string[]): void;
}

export class SqliteContactHistoryStore implements ContactHistoryStore {
  constructor(private readonly db: Db) {}

  load(): ContactHistorySnapshot | null {
    const meta = readMeta(this.db, 'contacts.state');
    if (!meta) return null;
    const state = JSON.parse(meta) as ContactHistoryState;
    const rows = (
      this.db.prepare('SELECT id, seq, hash, json FROM contacts ORDER BY seq').all() as {
        id: string;
        seq: number;
        hash: number;
        json: string | null;
      }[]
    ).map((r) => ({
      id: r.id,
      seq: r.seq,
      hash: r.hash,
      contact: r.json === null ? null : (JSON.parse(r.json) as Contact),
    }));
    return { ...state, rows };
  }

  save(state: ContactHistoryState, rows: readonly StoredContact[], forget: readonly string[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO contacts (id, seq, hash, json, deleted) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, json = excluded.json, deleted = excluded.deleted`,
    );
    const remove = this.db.prepare('DELETE FROM contacts WHERE id = ?');
    this.db.transaction(() => {
      for (const r of rows)
        upsert.run(r.id, r.seq, r.hash, r.contact ? JSON.stringify(r.contact) : null, r.contact ? 0 : 1);
      for (const id of forget) remove.run(id);
      writeMeta(this.db, 'contacts.state', JSON.stringify(state));
    })();
  }
}
