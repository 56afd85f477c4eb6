// 3CX CRM template (shared/reference/004_…txt, as Propstack sets it up): "Call Journaling" posts
// {duration, direction in/out, from, to, hangup_cause?} after a call, and "Contact Lookup" asks who
// a number is. The journal names no call id, so one is derived from the payload (or taken from
// `call_id` when the template sends 3CX's [CallID]).
import { createHash } from 'node:crypto';
import type { Contact } from '../../../shared/contact.ts';
import {
  type AdapterResult,
  adapt,
  asObject,
  FieldError,
  mapped,
  optional,
  RULES,
  rawString,
  required,
  withOptional,
} from './fields.ts';

const DIRECTIONS = { in: 'inbound', inbound: 'inbound', out: 'outbound', outbound: 'outbound' } as const;

export interface JournalOptions {
  /** The agent an extension or agent id belongs to, if any. */
  resolveAgent(value: string): { extension: string; agentId?: string } | undefined;
  /** Receipt time; a derived call id covers the minute, so a retry within it is the same call. */
  now: number;
}

export function journalAdapter(raw: unknown, options: JournalOptions): AdapterResult {
  return adapt(() => {
    const body = asObject(raw);
    const direction = mapped(body, 'direction', DIRECTIONS);
    if (!direction) throw new FieldError('direction', 'direction is required (in or out)');
    const agentField = direction === 'inbound' ? 'to' : 'from';
    const numberField = direction === 'inbound' ? 'from' : 'to';
    const agentValue = required(body, agentField, RULES.extension);
    const callerId = required(body, numberField, RULES.phone);
    const duration = rawString(body, 'duration');
    // 3CX's [Duration] is seconds or [hh:]mm:ss depending on the version.
    if (duration && !/^(\d{1,7}|(\d{1,3}:)?\d{1,2}:\d{2})$/.test(duration))
      throw new FieldError('duration', 'duration must be seconds or mm:ss');
    const cause = rawString(body, 'hangup_cause');
    if (cause.length > 64)
      throw new FieldError('hangup_cause', 'hangup_cause is too long (at most 64 characters)');
    const agent = options.resolveAgent(agentValue);
    const minute = Math.floor(options.now / 60_000);
    const derived = createHash('sha256')
      .update(JSON.stringify([direction, agentValue, callerId, duration, cause, minute]))
      .digest('hex')
      .slice(0, 24);
    return withOptional(
      {
        callId: optional(body, 'call_id', RULES.id) ?? `3cx-${derived}`,
        // notAnswered is 3CX's only cause for a call nobody took; any other ending is a hangup.
        state: cause.toLowerCase() === 'notanswered' ? 'missed' : 'hangup',
        extension: agent?.extension ?? agentValue,
        callerId,
        direction,
        source: 'threecx',
      },
      { agentId: agent?.agentId },
    );
  });
}

export interface ThreeCxContact {
  id: string;
  first_name: string;
  last_name: string;
  name: string;
  company: string | null;
  email: string | null;
  url: string | null;
  phones: { office: string | null; mobile: string | null; mobile2: string | null };
}

/**
 * A contact for the 3CX lookup template: our field names at the top level, and the same under
 * `data` with Propstack's names (data.office_phone, data.home_cell, …), so a template made for the
 * reference works with its field paths unchanged.
 */
export function threeCxContact(
  contact: Contact,
  phones: { mobile: string[]; other: string[] },
  url: string | null,
) {
  const person = contact.kind === 'person';
  const space = contact.name.lastIndexOf(' ');
  const first = person && space > 0 ? contact.name.slice(0, space) : '';
  const last = person && space > 0 ? contact.name.slice(space + 1) : contact.name;
  const company = person ? (contact.company ?? null) : contact.name;
  const out: ThreeCxContact = {
    id: contact.id,
    first_name: first,
    last_name: last,
    name: contact.name,
    company,
    email: null,
    url,
    phones: {
      office: phones.other[0] ?? null,
      mobile: phones.mobile[0] ?? null,
      mobile2: phones.mobile[1] ?? null,
    },
  };
  const data = {
    id: contact.id,
    first_name: first,
    last_name: last,
    company,
    email: null,
    office_phone: out.phones.office,
    home_cell: out.phones.mobile,
    home_phone: out.phones.mobile2,
  };
  return { ...out, data };
}
