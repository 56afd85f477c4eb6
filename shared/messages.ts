// The one typed message map between the extension's pages and its service worker. The background
// registers a handler per name; `send` in shared/rpc.ts infers request and response types from here.
import type { ActionKind } from './actions.ts';
import type { CallState } from './callEvent.ts';
import type { ContactKind } from './contact.ts';
import type { FieldError, Settings } from './settings.ts';

export interface MatchedContact {
  id: string;
  kind: ContactKind;
  name: string;
  companyId?: string;
  company?: string;
}

/** A call as the popup's queue shows it. */
export interface QueuedCall {
  /** The relay event id (unique, ordered). */
  id: string;
  callId: string;
  state: CallState;
  at: string;
  callerId: string;
  /** National display form when the number could be normalised. */
  national?: string;
  extension: string;
  agentId?: string;
  keypress?: string;
  contact?: MatchedContact;
  action: ActionKind | null;
  /** The URL that was opened, when one was. */
  url?: string;
  /** Why nothing was opened: a `_locales` key. */
  error?: string;
}

export type ConnectionState = 'unconfigured' | 'connecting' | 'connected' | 'offline' | 'unauthorized';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Agent's user as the relay reported it. */
  user?: string;
  extensions?: string[];
  /** ISO time of the last message from the relay. */
  lastMessageAt?: string;
  /** Human-readable reason for `offline`/`unauthorized`. */
  reason?: string;
}

export interface SyncStatus {
  contacts: number;
  lastSyncAt?: string;
  error?: string;
}

export interface MessageMap {
  'settings.get': { req: undefined; res: { settings: Settings; errors: FieldError[] } };
  /** Validates and stores; nothing is stored when any field is wrong. */
  'settings.save': { req: { settings: unknown }; res: { ok: boolean; errors: FieldError[] } };
  'calls.list': { req: undefined; res: { calls: QueuedCall[] } };
  /** Opens the call's action again. */
  'calls.resume': { req: { id: string }; res: { ok: boolean; url?: string; error?: string } };
  'status.get': { req: undefined; res: { connection: ConnectionStatus; sync: SyncStatus } };
  'contacts.sync': { req: undefined; res: SyncStatus };
}

export type MessageName = keyof MessageMap;
export type Request<K extends MessageName> = MessageMap[K]['req'];
export type Response<K extends MessageName> = MessageMap[K]['res'];
export interface Envelope<K extends MessageName = MessageName> {
  type: K;
  payload: Request<K>;
}
