// Our own event format for PBXs without a dedicated adapter: `POST /v1/calls` with the fields of
// a CallEvent except `id`, `at` and `source`, which the relay sets.
import {
  CALL_STATES,
  type CallDirection,
  type CallState,
  type NewCallEvent,
} from '../../../shared/callEvent.ts';
import {
  type AdapterResult,
  adapt,
  asObject,
  FieldError,
  httpUrl,
  mapped,
  optional,
  presentMaybeEmpty,
  RULES,
  required,
  withOptional,
} from './fields.ts';

const STATES = Object.fromEntries(CALL_STATES.map((s) => [s, s])) as Record<CallState, CallState>;
const DIRECTIONS: Record<CallDirection, CallDirection> = {
  inbound: 'inbound',
  outbound: 'outbound',
  internal: 'internal',
};

export function genericAdapter(raw: unknown): AdapterResult {
  return adapt(() => {
    const body = asObject(raw);
    const state = mapped(body, 'state', STATES);
    if (!state) throw new FieldError('state', `state is required (one of ${CALL_STATES.join(', ')})`);
    const event: Omit<NewCallEvent, 'at'> = {
      callId: required(body, 'callId', RULES.id),
      state,
      extension: required(body, 'extension', RULES.extension),
      callerId: presentMaybeEmpty(body, 'callerId', RULES.phone),
      direction: mapped(body, 'direction', DIRECTIONS) ?? 'inbound',
      source: 'generic',
    };
    return withOptional(event, {
      agentId: optional(body, 'agentId', RULES.id),
      dialed: optional(body, 'dialed', RULES.phone),
      keypress: optional(body, 'keypress', RULES.keypress),
      recordingUrl: httpUrl(body, 'recordingUrl'),
    });
  });
}
