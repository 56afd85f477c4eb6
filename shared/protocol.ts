// Messages on the agent stream (`GET /v1/stream`, WebSocket, JSON text frames).
// Browser WebSockets cannot send headers, so the agent token travels in the first message,
// never in the URL (URLs end up in proxy logs).
import type { CallEvent } from './callEvent.ts';

/** Client → relay. `after` is the last event id the client processed ('' = from now). */
export type ClientMessage = { type: 'hello'; token: string; after: string } | { type: 'ping' };

/** Relay → client. */
export type ServerMessage =
  | { type: 'welcome'; user: string; name: string; extensions: string[]; agentIds: string[]; cursor: string }
  | { type: 'call'; event: CallEvent }
  /** The client's cursor is older than the log: it must treat its queue as possibly incomplete. */
  | { type: 'resync'; cursor: string }
  | { type: 'heartbeat'; at: string }
  /** The contact feed changed (a CRM source's poll found changes): sync contacts now. */
  | { type: 'contacts' }
  | {
      type: 'error';
      code: 'unauthorized' | 'bad-request' | 'auth-timeout' | 'too-many-connections' | 'too-many-failures';
      reason: string;
    };

/** Relay sends an application-level message at least this often; it keeps the MV3 worker alive. */
export const HEARTBEAT_MS = 15_000;
/** A client that heard nothing for this long treats the socket as dead. */
export const STALE_AFTER_MS = 45_000;
// Every close code the relay sends. 1xxx are WebSocket's own; 44xx mirror HTTP statuses.
/** The relay shuts down (or restarts): reconnect with the cursor. */
export const CLOSE_GOING_AWAY = 1001;
/** The relay could not read its event log or failed otherwise: reconnect with the cursor. */
export const CLOSE_INTERNAL = 1011;
/** The client read too slowly and fell too far behind: reconnect with the cursor. */
export const CLOSE_TOO_SLOW = 1013;
/** The token is unknown or was revoked: do not retry with it. */
export const CLOSE_UNAUTHORIZED = 4401;
/** No hello arrived in time after the socket opened. */
export const CLOSE_AUTH_TIMEOUT = 4408;
/** The agent already has the maximum number of connections to this relay; retry later. */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;
/** The agent's mapping changed (admin API): reconnect to get the new welcome. */
export const CLOSE_MAPPING_CHANGED = 4409;
