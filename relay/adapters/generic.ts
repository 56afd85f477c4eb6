// Our own event format for PBXs without a dedicated adapter: `POST /v1/calls` with the fields of
// a CallEvent except `id`, `at` and `source`, which the relay sets.
import {
  CALL_STATES,
  type CallDirection,
  type CallState,
  type NewCallEvent,
} from '../../shared/callEvent.ts';
import {
  type AdapterResult,
  adapt,
  asObject,
  FieldError,
  optional,
  presentMaybeEmpty,
  RULES,
  rawString,
  required,
  withOptional,
} from './fields.ts';

const DIRECTIONS: readonly CallDirection[] = ['inbound', 'outbound', 'internal'];

function oneOf<T extends string>(
  body: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
): T | undefined {
  const value = rawString(body, field).toLowerCase();
  if (!value) return undefined;
  if (!allowed.includes(value as T))
    throw new FieldError(field, `${field} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function recordingUrl(body: Record<string, unknown>): string | undefined {
  const value = rawString(body, 'recordingUrl');
  if (!value) return undefined;
  if (value.length > 2048)
    throw new FieldError('recordingUrl', 'recordingUrl is too long (at most 2048 characters)');
  let protocol = '';
  try {
    protocol = new URL(value).protocol;
  } catch {
    // Reported below with the same message as a wrong scheme.
  }
  // Only web links: the extension may render this as a link an agent clicks.
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new FieldError('recordingUrl', 'recordingUrl must be an http(s) URL');
  return value;
}

export function genericAdapter(raw: unknown): AdapterResult {
  return adapt(() => {
    const body = asObject(raw);
    const state = oneOf<CallState>(body, 'state', CALL_STATES);
    if (!state) throw new FieldError('state', `state is required (one of ${CALL_STATES.join(', ')})`);
    const event: Omit<NewCallEvent, 'at'> = {
      callId: required(body, 'callId', RULES.id),
      state,
      extension: required(body, 'extension', RULES.extension),
      callerId: presentMaybeEmpty(body, 'callerId', RULES.phone),
      direction: oneOf(body, 'direction', DIRECTIONS) ?? 'inbound',
      source: 'generic',
    };
    return withOptional(event, {
      agentId: optional(body, 'agentId', RULES.id),
      dialed: optional(body, 'dialed', RULES.phone),
      keypress: optional(body, 'keypress', RULES.keypress),
      recordingUrl: recordingUrl(body),
    });
  });
}
