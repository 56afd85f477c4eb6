// The extension's IndexedDB: the contact cache (multi-entry index of E.164 keys), the call queue
// and small metadata. Tests run it on fake-indexeddb (`fake-indexeddb/auto`) under their own names.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Contact } from '../shared/contact.ts';
import type { QueuedCall } from '../shared/messages.ts';

export interface StoredContact extends Contact {
  /** E.164 keys of `phones` under the default region at sync time. */
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
  contacts: { key: string; value: StoredContact; indexes: { keys: string } };
  calls: { key: string; value: StoredCall; indexes: { at: string } };
  meta: { key: string; value: unknown };
}

export type Db = IDBPDatabase<ScreenPopDb>;

export const DB_NAME = 'screenpop';

export function openDb(name = DB_NAME): Promise<Db> {
  return openDB<ScreenPopDb>(name, 1, {
    upgrade(db) {
      const contacts = db.createObjectStore('contacts', { keyPath: 'id' });
      contacts.createIndex('keys', 'keys', { multiEntry: true });
      const calls = db.createObjectStore('calls', { keyPath: 'id' });
      calls.createIndex('at', 'at');
      db.createObjectStore('meta');
    },
  });
}
