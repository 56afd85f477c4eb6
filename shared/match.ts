// Match keys and ranking for the contact cache. A contact is indexed under the E.164 form of each
// of its phones (the exact match) and under each national significant number (`n:…`, the fallback
// when the country code differs, e.g. a number saved without one under the wrong default region).
import type { Contact } from './contact.ts';
import { type NormalizedPhone, normalizePhone } from './phone.ts';

export type MatchReason = 'exact' | 'approximate';

/** A contact that matched a caller, with why. */
export interface Candidate {
  contact: Contact;
  reason: MatchReason;
  /** The contact's phone, as written in the source, that matched. */
  phone: string;
  /** The contact's `owner` is the calling agent's relay user. */
  own: boolean;
}

const NSN_PREFIX = 'n:';
// Shorter national numbers are too likely to collide across countries to mean anything.
const MIN_NSN = 7;

export function nsnKey(nsn: string): string | null {
  return nsn.length >= MIN_NSN ? `${NSN_PREFIX}${nsn}` : null;
}

/** Index keys for a contact's phones: each distinct E.164 form and national significant number. */
export function matchKeys(phones: readonly string[], region: string): string[] {
  const keys = new Set<string>();
  for (const phone of phones) {
    const n = normalizePhone(phone, region);
    if (!n) continue;
    keys.add(n.e164);
    const k = nsnKey(n.nsn);
    if (k) keys.add(k);
  }
  return [...keys];
}

/** Contacts found under the caller's E.164 key, with the phone that matched. */
export function exactCandidates(
  caller: NormalizedPhone,
  hits: readonly Contact[],
  region: string,
  agentUser?: string,
): Candidate[] {
  return hits.flatMap((contact) => {
    const phone = contact.phones.find((p) => normalizePhone(p, region)?.e164 === caller.e164);
    return phone === undefined ? [] : [candidate(contact, 'exact', phone, agentUser)];
  });
}

/**
 * Contacts found under the caller's national significant number but another country code. They
 * are only a guess, and no guess at all when the hits span more than one country code: the same
 * national number in two countries is two different people.
 */
export function approximateCandidates(
  caller: NormalizedPhone,
  hits: readonly Contact[],
  region: string,
  agentUser?: string,
): Candidate[] {
  const codes = new Set<string>();
  const out: Candidate[] = [];
  for (const contact of hits) {
    let matched: string | undefined;
    for (const phone of contact.phones) {
      const n = normalizePhone(phone, region);
      if (!n || n.nsn !== caller.nsn || n.e164 === caller.e164) continue;
      codes.add(n.countryCode);
      matched ??= phone;
    }
    if (matched !== undefined) out.push(candidate(contact, 'approximate', matched, agentUser));
  }
  return codes.size === 1 ? out : [];
}

function candidate(contact: Contact, reason: MatchReason, phone: string, agentUser?: string): Candidate {
  return { contact, reason, phone, own: Boolean(agentUser && contact.owner === agentUser) };
}

/**
 * Best first: exact before approximate, the agent's own contacts first, a person before their
 * company (the person is who is calling), most recently changed first; the id breaks ties so the
 * order is stable.
 */
export function rankCandidates(candidates: readonly Candidate[]): Candidate[] {
  return [...candidates].sort(
    (a, b) =>
      Number(a.reason === 'approximate') - Number(b.reason === 'approximate') ||
      Number(b.own) - Number(a.own) ||
      Number(b.contact.kind === 'person') - Number(a.contact.kind === 'person') ||
      (b.contact.updatedAt ?? '').localeCompare(a.contact.updatedAt ?? '') ||
      a.contact.id.localeCompare(b.contact.id),
  );
}

/**
 * The contacts saved under the caller's exact number, best first by `rankCandidates`: the one order
 * the relay's lookups (PBX greeting, `/v1/contacts/lookup`) and the extension's pop both use, so
 * they name the same person for a number two contacts share.
 */
export function rankContacts(
  caller: NormalizedPhone,
  hits: readonly Contact[],
  region: string,
  agentUser?: string,
): Contact[] {
  return rankCandidates(exactCandidates(caller, hits, region, agentUser)).map((c) => c.contact);
}
