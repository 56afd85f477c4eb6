// The extension's IndexedDB: the contact cache (multi-entry index of match keys, index of sync
// generations), the call queue and small metadata (sync state). Tests run it on fake-indexeddb (`fake-indexeddb/auto`) under their own names.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Contact } from '../shared/contact.ts';
import type { QueuedCall } from '../shared/messages.ts';

export interface StoredContact extends Contact {
  /** Match keys of `phones` under the default region at sync time (shared/match.ts). */
  keys: string[];
  /** Sync generation that last wrote this contact; older generations are removed after a full sync. */
  gen: number;
}

/** A queued call plus what the worker needs to settle replays. */
export interface StoredCall extends QueuedCall {
  /** E.164 form of `callerId`, when it could be normalised. */
  phone?: string;
  /** Relay event ids already applied to this call, so a replayed event changes nothing. */
  eventIds: string[];
  popped: boolean;
}

export interface ScreenPopDb extends DBSchema {
  contacts: { key: string; value: StoredContact; indexes: { keys: string; gen: number } };
  calls: { key: string; value: StoredCall; indexes: { at: string } };
  meta: { key: string; value: unknown };
}

export type Db = IDBPDatabase<ScreenPopDb>;

export const DB_NAME = 'screenpop';

export const DB_VERSION = 2;

/**
 * Version 1: the stores. Version 2: an index of sync generations (the sweep after a full walk
 * reads only stale contacts). Version-1 contacts lack the national-number keys; there is no sync
 * state in a version-1 database, so the next sync walks the whole feed and rewrites every record.
 */
export function openDb(name = DB_NAME): Promise<Db> {
  return openDB<ScreenPopDb>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        const contacts = db.createObjectStore('contacts', { keyPath: 'id' });
        contacts.createIndex('keys', 'keys', { multiEntry: true });
        const calls = db.createObjectStore('calls', { keyPath: 'id' });
        calls.createIndex('at', 'at');
        db.createObjectStore('meta');
      }
      if (oldVersion < 2) {
        tx.objectStore('contacts').createIndex('gen', 'gen');
        void tx.objectStore('meta').delete('syncState');
      }
    },
  });
}
