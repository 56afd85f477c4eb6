// The normalised call event on the wire (long-poll pages, SSE, the WebSocket stream).
import { Type } from 'typebox';
import {
  CALL_STATES,
  CALLER_ID_PATTERN,
  type CallState,
  EXTENSION_PATTERN,
  ID_PATTERN,
} from '../callEvent.ts';
import { patterned } from './common.ts';

export const CallEventSchema = Type.Object(
  {
    id: Type.String({ description: "The relay's cursor for this event, ordered within the relay's log." }),
    callId: patterned(ID_PATTERN),
    state: Type.Unsafe<CallState>({ type: 'string', enum: [...CALL_STATES] }),
    extension: patterned(EXTENSION_PATTERN),
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
  },
  { title: 'CallEvent' },
);
