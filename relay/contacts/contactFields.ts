// One contact's fields checked the same way whatever file they come from (CSV row or JSON
// object), so an admin gets the same message for the same mistake in either format.
import { ID_PATTERN } from '../../shared/callEvent.ts';
import type { Contact, ContactKind } from '../../shared/contact.ts';
import { UNSAFE_TEXT_RE, UNSAFE_TEXT_REASON } from '../../shared/fieldRules.ts';

export interface RowProblem {
  /** 1-based line of a CSV row, or 1-based position of an object in a JSON file. */
  line: number;
  reason: string;
}

export interface ParsedContacts {
  contacts: Contact[];
  problems: RowProblem[];
  /** Set when the file cannot be used at all. */
  error?: string;
}

export interface ContactFields {
  id: string;
  kind: string;
  name: string;
  phones: string[];
  companyId?: string;
  company?: string;
  owner?: string;
  updatedAt?: string;
}

const MAX_TEXT = 200;
const MAX_PHONE = 64;
const MAX_PHONES = 20;

export class RowError extends Error {}

function checkId(value: string, field: string): string {
  if (!ID_PATTERN.test(value))
    throw new RowError(`${field} "${value.slice(0, 70)}" must match ${ID_PATTERN}`);
  return value;
}

function checkText(value: string, field: string): string {
  if (value.length > MAX_TEXT) throw new RowError(`${field} is longer than ${MAX_TEXT} characters`);
  if (UNSAFE_TEXT_RE.test(value)) throw new RowError(`${field} ${UNSAFE_TEXT_REASON}`);
  return value;
}

/** A valid contact from trimmed fields (empty optional fields are absent), or a RowError. */
export function buildContact(f: ContactFields): Contact {
  if (!f.id) throw new RowError('id is empty');
  checkId(f.id, 'id');
  const kind = f.kind.toLowerCase();
  if (kind !== 'company' && kind !== 'person')
    throw new RowError(`kind must be company or person, not "${kind.slice(0, 20)}"`);
  const name = checkText(f.name, 'name');
  if (!name) throw new RowError('name is empty');
  const phones = f.phones.map((p) => p.trim()).filter(Boolean);
  if (phones.length > MAX_PHONES) throw new RowError(`more than ${MAX_PHONES} phones`);
  for (const phone of phones)
    if (phone.length > MAX_PHONE) throw new RowError(`a phone is longer than ${MAX_PHONE} characters`);

  const contact: Contact = { id: f.id, kind: kind as ContactKind, name, phones };
  if (f.companyId) contact.companyId = checkId(f.companyId, 'company_id');
  if (f.company) contact.company = checkText(f.company, 'company');
  if (f.owner) contact.owner = checkText(f.owner, 'owner');
  if (f.updatedAt) {
    const time = Date.parse(f.updatedAt);
    if (Number.isNaN(time)) throw new RowError(`updated_at "${f.updatedAt.slice(0, 40)}" is not a date`);
    contact.updatedAt = new Date(time).toISOString();
  }
  return contact;
}

/**
 * A person given only company_id gets the company's name from the company's own contact. Copies
 * are made, never edits, so the same parsed file can be merged again with other companies.
 */
export function fillCompanyNames(contacts: Contact[]): Contact[] {
  const companies = new Map<string, string>();
  for (const c of contacts) if (c.kind === 'company') companies.set(c.id, c.name);
  return contacts.map((contact) => {
    if (!contact.companyId || contact.company) return contact;
    const company = companies.get(contact.companyId);
    return company ? { ...contact, company } : contact;
  });
}
