// The one typed message map between the extension's pages and its service worker. The background
// registers a handler per name; `send` in shared/rpc.ts infers request and response types from here.
import type { ActionKind } from './actions.ts';
import type { CallState, RoutedBy } from './callEvent.ts';
import type { ContactKind } from './contact.ts';
import type { DiagnosticNote, EventTrace, ResyncNotice } from './diagnostics.ts';
import type { MatchReason } from './match.ts';
import type { FieldError, Settings, SettingsChange } from './settings.ts';

export interface MatchedContact {
  id: string;
  kind: ContactKind;
  name: string;
  companyId?: string;
  company?: string;
  /** The CRM's own ids when the relay keys ids by source (several sources): record URLs use them. */
  recordId?: string;
  companyRecordId?: string;
}

/** One contact the caller's number matched, and why. */
export interface MatchCandidate extends MatchedContact {
  reason: MatchReason;
  /** The contact's phone, as written in the source, that matched. */
  phone: string;
  /** The contact's owner is the calling agent. */
  own: boolean;
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
  /** Who answered, when a ring group rang several agents (the relay's `answeredBy`). */
  answeredBy?: string;
  /** Why the relay sent this agent the call (`routedBy`), when its PBX source routes by owner. */
  routedBy?: RoutedBy;
  /** The PBX format that reported the call (`logo`, `uis`, …). */
  source?: string;
  contact?: MatchedContact;
  /** Every contact the number matched, best first; `contact` is the one the pop used. */
  candidates?: MatchCandidate[];
  action: ActionKind | null;
  /** The URL that was opened, when one was. */
  url?: string;
  /** Why nothing was opened: a `_locales` key. */
  error?: string;
  /** Why the call did not pop although it reached a pop state (`popOn` never, answered elsewhere). */
  skipped?: 'popOff' | 'elsewhere';
  /** ISO time the call was answered / ended (hangup, missed), for its duration. */
  answeredAt?: string;
  endedAt?: string;
  /** The agent marked it handled (a missed call called back, say). */
  handled?: boolean;
}

/** Why the tab of an earlier call's action still holds work. */
export type PendingReason = 'dirtyForm' | 'beforeUnload' | 'editUrl';

/** The earlier action's tab that still has unsaved or pending work. */
export interface PendingWork {
  tabId: number;
  url: string;
  /** The call whose action opened that tab. */
  callId?: string;
  reason: PendingReason;
}

/** What resuming or picking answers. */
export interface OpenResult {
  ok: boolean;
  url?: string;
  error?: string;
  /** Set (with ok false) when the guard stopped the open: the agent chooses "go to it" or "open anyway". */
  pending?: PendingWork;
}

export type ConnectionState = 'unconfigured' | 'connecting' | 'connected' | 'offline' | 'unauthorized';

/** How the stream reaches the worker: the WebSocket, or a fallback where something breaks it. */
export type TransportKind = 'websocket' | 'sse' | 'longpoll';
export const TRANSPORT_KINDS: readonly TransportKind[] = ['websocket', 'sse', 'longpoll'];

export interface ConnectionStatus {
  state: ConnectionState;
  /** Agent's user as the relay reported it. */
  user?: string;
  /** Display name, extensions and PBX agent ids the relay maps to this agent (its welcome). */
  name?: string;
  extensions?: string[];
  agentIds?: string[];
  /** ISO time of the last message from the relay. */
  lastMessageAt?: string;
  /** Human-readable reason for `offline`/`unauthorized`. */
  reason?: string;
  /** The transport in use (or being tried). */
  transport?: TransportKind;
}

export interface SyncProgress {
  /** Contacts (and deletions) handled in the running walk. */
  done: number;
  /** Contacts in the source, as the feed last said. */
  total: number;
  ratePerSecond: number;
  /** True while walking the whole snapshot, false while fetching changes only. */
  full: boolean;
}

export interface SyncResult {
  /** ISO time the sync ended. */
  at: string;
  added: number;
  changed: number;
  deleted: number;
  full: boolean;
  error?: string;
}

export interface SyncStatus {
  contacts: number;
  /** ISO time of the last sync that ended without error. */
  lastSyncAt?: string;
  error?: string;
  /** Present while a sync is running (or was stopped mid-way and will resume). */
  progress?: SyncProgress;
  last?: SyncResult;
}

export interface MessageMap {
  /**
   * The settings in force. `errors`: stored fields that fell back to their default; `locked`: dotted
   * paths the enterprise policy sets; `policyErrors`: policy values that were ignored, and why.
   */
  'settings.get': {
    req: undefined;
    res: { settings: Settings; errors: FieldError[]; locked?: string[]; policyErrors?: FieldError[] };
  };
  /** Validates and stores; nothing is stored when any field is wrong. */
  'settings.save': { req: { settings: unknown }; res: { ok: boolean; errors: FieldError[] } };
  /**
   * Applies only these fields to the settings as they are now (the options page's Save), so a
   * change made meanwhile elsewhere (an import) is kept; validated like a save.
   */
  'settings.update': { req: { changes: SettingsChange[] }; res: { ok: boolean; errors: FieldError[] } };
  'calls.list': { req: undefined; res: { calls: QueuedCall[] } };
  /**
   * Opens the call's action again. Unless `force`, the pending-work guard first checks the tab of
   * the previous action and answers `pending` instead of opening.
   */
  'calls.resume': { req: { id: string; force?: boolean }; res: OpenResult };
  /** Opens the call's action for another of its candidates and makes it the call's contact. */
  'calls.pick': { req: { id: string; contactId: string; force?: boolean }; res: OpenResult };
  /** Brings the tab holding pending work to the front. */
  'calls.goToPending': { req: { tabId: number }; res: { ok: boolean } };
  /** Marks calls handled (or not); missed calls stop counting on the badge once handled. */
  'calls.markHandled': { req: { ids: string[]; handled: boolean }; res: { ok: boolean } };
  /** Removes every handled call from the queue. */
  'calls.clearHandled': { req: undefined; res: { removed: number } };
  /** `notice`: calls may be missing (the relay answered our cursor with resync) until dismissed. */
  'status.get': {
    req: undefined;
    res: { connection: ConnectionStatus; sync: SyncStatus; notice?: ResyncNotice };
  };
  /**
   * Whether these calls were logged in the CRM by the relay's call journal (ended calls only);
   * calls the relay does not journal are left out.
   */
  'calls.journal': {
    req: { callIds: string[] };
    res: { calls: Record<string, { state: 'pending' | 'written' | 'dead'; reason?: string }> };
  };
  /** The agent read the resync notice. */
  'notice.dismiss': { req: undefined; res: { ok: boolean } };
  'contacts.sync': { req: undefined; res: SyncStatus };
  /**
   * Has the relay send this agent a test call and answers its trace once the worker handled it
   * (up to ~10 s); `error` is a `_locales` key.
   */
  'diagnostics.testCall': { req: undefined; res: { ok: boolean; error?: string; trace?: EventTrace } };
  /**
   * The last 100 events the worker handled, newest first, and the connection's notes (resyncs,
   * events that could not be handled, transport changes), newest first.
   */
  'diagnostics.events': { req: undefined; res: { events: EventTrace[]; notes: DiagnosticNote[] } };
}

export type MessageName = keyof MessageMap;
export type Request<K extends MessageName> = MessageMap[K]['req'];
export type Response<K extends MessageName> = MessageMap[K]['res'];
export interface Envelope<K extends MessageName = MessageName> {
  type: K;
  payload: Request<K>;
}
