// The one normalised call event every PBX adapter produces and every consumer reads
// (see ../shared/design/ARCHITECTURE.md). `callerId` stays raw: normalising is the matcher's job.
import type { Static } from 'typebox';
import type { CallEventSchema } from './wire/callEvent.ts';

export const CALL_STATES = ['ringing', 'answered', 'hangup', 'missed', 'busy', 'transferred'] as const;
export type CallState = (typeof CALL_STATES)[number];

/** Why an event reached an agent (PBX sources with `routing: "owner"`). */
export const ROUTED_BY = ['owner', 'extension', 'team'] as const;
export type RoutedBy = (typeof ROUTED_BY)[number];

export type CallDirection = CallEvent['direction'];

/**
 * The event as the wire contract (shared/wire/callEvent.ts) describes it: `id` is the relay's
 * cursor, `at` the ISO time the relay accepted it, `source` the adapter that produced it, and
 * `answeredBy` (answered events) the agent who picked up, so ring-group members who did not answer
 * settle their pop as "answered elsewhere"; `routedBy` why it reached the agent and `routedTo` the users
 * an owner- or team-routed event is stored for (relay/store/logKeys.ts).
 */
export type CallEvent = Static<typeof CallEventSchema>;

/** An event before the relay's log gave it an id. */
export type NewCallEvent = Omit<CallEvent, 'id'>;

// External ids are bounded so a PBX (or an attacker) cannot grow the log with junk keys.
export const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,64}$/;
export const EXTENSION_PATTERN = /^[A-Za-z0-9*#_-]{1,32}$/;
// A plain space only: `\s` would also let in line breaks, tabs, U+2028, U+FEFF, U+3000 and U+00A0,
// which break log lines and CRM URLs and make one number look like another.
export const CALLER_ID_PATTERN = /^[0-9+(). \-/#*a-zA-Z]{1,40}$/;
export const KEYPRESS_PATTERN = /^[0-9*#]?$/;
