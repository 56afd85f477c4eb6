// The one normalised call event every PBX adapter produces and every consumer reads
// (see ../shared/design/ARCHITECTURE.md). `callerId` stays raw: normalising is the matcher's job.

export const CALL_STATES = ['ringing', 'answered', 'hangup', 'missed', 'busy', 'transferred'] as const;
export type CallState = (typeof CALL_STATES)[number];

export type CallDirection = 'inbound' | 'outbound' | 'internal';

export interface CallEvent {
  /** The relay's cursor for this event, ordered within the relay's log. */
  id: string;
  callId: string;
  state: CallState;
  extension: string;
  agentId?: string;
  callerId: string;
  dialed?: string;
  keypress?: string;
  direction: CallDirection;
  /** ISO 8601 time the relay accepted the event. */
  at: string;
  recordingUrl?: string;
  /** Which adapter produced it, e.g. `logo`, `generic`. */
  source: string;
  /**
   * For `answered` events: the user (relay agent) who answered. Ring-group members who did not
   * answer see someone else's name here and settle their pop as "answered elsewhere".
   */
  answeredBy?: string;
}

/** An event before the relay's log gave it an id. */
export type NewCallEvent = Omit<CallEvent, 'id'>;

// External ids are bounded so a PBX (or an attacker) cannot grow the log with junk keys.
export const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,64}$/;
export const EXTENSION_PATTERN = /^[A-Za-z0-9*#_-]{1,32}$/;
export const CALLER_ID_PATTERN = /^[0-9+()\s.\-/#*a-zA-Z]{1,40}$/;
export const KEYPRESS_PATTERN = /^[0-9*#]?$/;
