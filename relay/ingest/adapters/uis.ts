// UIS virtual PBX (shared/reference/003_…txt): one JSON webhook per call leg, set up from the
// notification templates "Входящее плечо" (RINGING), "Начало разговора" (ANSWERED), "Записанный
// разговор" (HANGUP with call_record_url) and "Потерянный звонок" (MISSED, user_extension null).
// UIS fills `{{…}}` placeholders, so ids arrive as numbers as often as strings.
import type { CallDirection, CallState } from '../../../shared/callEvent.ts';
import {
  type AdapterEvent,
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

const STATES: Record<string, CallState> = {
  ringing: 'ringing',
  answered: 'answered',
  hangup: 'hangup',
  missed: 'missed',
};

const DIRECTIONS: Record<string, CallDirection> = {
  in: 'inbound',
  incoming: 'inbound',
  inbound: 'inbound',
  out: 'outbound',
  outgoing: 'outbound',
  outbound: 'outbound',
  internal: 'internal',
};

export interface UisOptions {
  /** Who hears a call that names no extension (a lost call is sent with user_extension null). */
  fallbackExtensions: readonly string[];
  /**
   * Keep such a call as one event with an empty extension instead: an owner-routing source
   * (ownerRouting.ts) sends it to the caller's owner or its team, and only then to these extensions.
   */
  keepMissingExtension?: boolean;
}

export type UisResult = { ok: true; events: AdapterEvent[] } | { ok: false; reason: string; field?: string };

/**
 * A call without `user_extension` becomes one event per fallback extension: the reference plugin
 * shows such a call to every employee listed in its settings, and a lost call must reach someone.
 */
export function uisAdapter(raw: unknown, options: UisOptions): UisResult {
  let extensions: readonly string[] = [];
  const result = adapt(() => {
    const body = asObject(raw);
    const state = mapped(body, 'call_state', STATES);
    if (!state)
      throw new FieldError('call_state', 'call_state is required (RINGING, ANSWERED, HANGUP or MISSED)');
    const extension = optional(body, 'user_extension', RULES.extension);
    extensions = extension ? [extension] : options.keepMissingExtension ? [''] : options.fallbackExtensions;
    if (!extensions.length)
      throw new FieldError(
        'user_extension',
        'user_extension is empty and the relay has no pbx.uis.fallbackExtensions to send the call to',
      );
    const event: AdapterEvent = {
      callId: required(body, 'call_id', RULES.id),
      state,
      extension: '',
      callerId: presentMaybeEmpty(body, 'from_number', RULES.phone),
      direction: mapped(body, 'direction', DIRECTIONS) ?? 'inbound',
      source: 'uis',
    };
    return withOptional(event, {
      dialed: optional(body, 'diversion', RULES.phone),
      recordingUrl: httpUrl(body, 'call_record_url'),
    });
  });
  if (!result.ok) return result;
  return { ok: true, events: extensions.map((extension) => ({ ...result.event, extension })) };
}
