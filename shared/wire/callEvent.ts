// The normalised call event on the wire (long-poll pages, SSE, the WebSocket stream).
import { Type } from 'typebox';
import {
  CALL_STATES,
  CALLER_ID_PATTERN,
  type CallState,
  EXTENSION_PATTERN,
  ID_PATTERN,
  ROUTED_BY,
  type RoutedBy,
} from '../callEvent.ts';
import { patterned } from './common.ts';

export const CallEventSchema = Type.Object(
  {
    id: Type.String({ description: "The relay's cursor for this event, ordered within the relay's log." }),
    callId: patterned(ID_PATTERN),
    state: Type.Unsafe<CallState>({ type: 'string', enum: [...CALL_STATES] }),
    extension: Type.Union([patterned(EXTENSION_PATTERN), Type.Literal('')], {
      description:
        'The extension the call came in on; empty only for a call the PBX named no extension for that was routed to its owner or the team (`routedBy`).',
    }),
    agentId: Type.Optional(patterned(ID_PATTERN)),
    callerId: Type.String({ description: 'As the PBX sent it (may be empty for a withheld number).' }),
    dialed: Type.Optional(patterned(CALLER_ID_PATTERN)),
    keypress: Type.Optional(Type.String({ pattern: '^[0-9*#]?$' })),
    direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Literal('internal')]),
    at: Type.String({ description: 'ISO 8601 time the relay accepted the event.' }),
    recordingUrl: Type.Optional(Type.String()),
    source: Type.String({ description: 'Which adapter produced it, e.g. `logo`, `generic`.' }),
    answeredBy: Type.Optional(
      Type.String({ description: 'For `answered` events: the user (relay agent) who answered.' }),
    ),
    routedBy: Type.Optional(
      Type.Unsafe<RoutedBy>({
        type: 'string',
        enum: [...ROUTED_BY],
        description:
          'Why the event reached the agent, when its PBX source routes by owner (`routing: "owner"`): `owner` the caller\'s contact owner, `extension` the extension it came in on, `team` the source\'s team agents.',
      }),
    ),
    routedTo: Type.Optional(
      Type.Array(patterned(ID_PATTERN), {
        description:
          'The agents (users) an owner- or team-routed event is for; absent when the extension routed it.',
      }),
    ),
  },
  { title: 'CallEvent' },
);
