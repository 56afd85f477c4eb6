// vtiger / ParsVT generic PBX API (shared/reference/001_…txt): `ProcessCDR` reports call events,
// `SearchPBX` looks a phone up. ParsVT's `answered`, `completed`, `complete` and `hangup` all mean
// "the call has ended" (the reference lists them under finished calls), so they map to `hangup`;
// only `in-progress` is a call being talked on now, our `answered`.
import type { CallDirection, CallState } from '../../../shared/callEvent.ts';
import type { Contact } from '../../../shared/contact.ts';
import {
  type AdapterResult,
  adapt,
  asObject,
  FieldError,
  httpUrl,
  mapped,
  RULES,
  rawString,
  required,
  withOptional,
} from './fields.ts';

/** Every event word of ProcessCDR, as the reference lists them. */
export const VTIGER_EVENTS: Record<string, CallState> = {
  no_answer: 'missed',
  'no-answer': 'missed',
  no: 'missed',
  missed: 'missed',
  'no-response': 'missed',
  notanswered: 'missed',
  ringing: 'ringing',
  ring: 'ringing',
  busy: 'busy',
  transferred: 'transferred',
  transfer: 'transferred',
  'in-progress': 'answered',
  answered: 'hangup',
  completed: 'hangup',
  complete: 'hangup',
  hangup: 'hangup',
};

const DIRECTIONS: Record<string, CallDirection> = {
  inbound: 'inbound',
  incoming: 'inbound',
  outbound: 'outbound',
  outgoing: 'outbound',
  internal: 'internal',
};

function seconds(body: Record<string, unknown>, field: string): void {
  const value = rawString(body, field);
  if (value && !/^\d{1,7}$/.test(value))
    throw new FieldError(field, `${field} must be a whole number of seconds`);
}

function isoTime(body: Record<string, unknown>, field: string): void {
  const value = rawString(body, field);
  if (value && (value.length > 40 || Number.isNaN(Date.parse(value))))
    throw new FieldError(field, `${field} must be an ISO 8601 date and time`);
}

export function vtigerCdrAdapter(raw: unknown): AdapterResult {
  return adapt(() => {
    const body = asObject(raw);
    const state = mapped(body, 'event', VTIGER_EVENTS);
    if (!state)
      throw new FieldError('event', `event is required (one of ${Object.keys(VTIGER_EVENTS).join(', ')})`);
    const direction = mapped(body, 'direction', DIRECTIONS);
    if (!direction)
      throw new FieldError('direction', 'direction is required (inbound, outbound or internal)');
    // Checked so a PBX sending junk hears about it, though the event has no field for them.
    for (const field of ['duration', 'billduration']) seconds(body, field);
    for (const field of ['starttime', 'endtime']) isoTime(body, field);
    for (const field of ['gateway', 'linename'])
      if (rawString(body, field).length > 200)
        throw new FieldError(field, `${field} is too long (at most 200 characters)`);
    return withOptional(
      {
        callId: required(body, 'call_id', RULES.id),
        state,
        extension: required(body, 'agent', RULES.extension),
        // The customer's number whichever way the call went: that is what the pop looks up.
        callerId: required(body, 'phone', RULES.phone),
        direction,
        source: 'vtiger',
      },
      { recordingUrl: httpUrl(body, 'recordingurl') },
    );
  });
}

export interface SearchPbxContact {
  id: string;
  name: string;
  phone: string | null;
  url: string | null;
  module: 'Contacts' | 'Accounts';
  businessphone: string | null;
  mobile: string | null;
  email: string | null;
  company: string | null;
}

/** A contact as SearchPBX answers it (`{"result":{…}}` around it); vtiger calls companies Accounts. */
export function searchPbxContact(
  contact: Contact,
  phones: { mobile: string[]; other: string[] },
  url: string | null,
): SearchPbxContact {
  return {
    id: contact.id,
    name: contact.name,
    phone: contact.phones[0] ?? null,
    url,
    module: contact.kind === 'company' ? 'Accounts' : 'Contacts',
    // The reference lists `phone` and `businessphone` as two numbers, so the second is another one.
    businessphone: phones.other.find((p) => p !== contact.phones[0]) ?? null,
    mobile: phones.mobile[0] ?? null,
    email: null,
    company: contact.company ?? null,
  };
}
