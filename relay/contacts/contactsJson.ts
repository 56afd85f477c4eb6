// The contacts file as JSON: an array of Contact-shaped objects (shared/contact.ts), or
// `{ "contacts": [...] }` as many CRM APIs export them. A bad object is skipped and reported with
// its position; a file that is not such JSON is refused as a whole. Unknown fields are ignored,
// so an export may carry more than the relay uses.
import type { Contact } from '../../shared/contact.ts';
import { isObject } from '../../shared/isObject.ts';
import {
  buildContact,
  fillCompanyNames,
  type ParsedContacts,
  RowError,
  type RowProblem,
} from './contactFields.ts';

function text(item: Record<string, unknown>, ...names: string[]): string {
  for (const name of names) {
    const value = item[name];
    if (value === undefined || value === null) continue;
    // CRM exports often write numeric ids as numbers.
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string') throw new RowError(`${name} must be a string`);
    return value.trim();
  }
  return '';
}

function phones(item: Record<string, unknown>): string[] {
  const value = item.phones ?? [];
  if (!Array.isArray(value)) throw new RowError('phones must be an array of strings');
  return value.map((phone) => {
    if (typeof phone === 'string') return phone;
    if (typeof phone === 'number' && Number.isFinite(phone)) return String(phone);
    throw new RowError('phones must be an array of strings');
  });
}

function toContact(item: unknown): Contact {
  if (!isObject(item)) throw new RowError('is not an object');
  return buildContact({
    id: text(item, 'id'),
    kind: text(item, 'kind'),
    name: text(item, 'name'),
    phones: phones(item),
    companyId: text(item, 'companyId', 'company_id'),
    company: text(item, 'company'),
    owner: text(item, 'owner'),
    updatedAt: text(item, 'updatedAt', 'updated_at'),
  });
}

export function parseContactsJson(input: string): ParsedContacts {
  let raw: unknown;
  try {
    raw = JSON.parse(input.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { contacts: [], problems: [], error: `is not valid JSON (${(error as Error).message})` };
  }
  const items = Array.isArray(raw) ? raw : isObject(raw) ? raw.contacts : undefined;
  if (!Array.isArray(items))
    return { contacts: [], problems: [], error: 'must be an array of contacts or {"contacts": [...]}' };

  const contacts: Contact[] = [];
  const problems: RowProblem[] = [];
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const position = i + 1;
    try {
      const contact = toContact(item);
      const seen = first.get(contact.id);
      if (seen !== undefined) throw new RowError(`duplicate id ${contact.id} (first at contact ${seen})`);
      first.set(contact.id, position);
      contacts.push(contact);
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      problems.push({ line: position, reason: `contact ${position}: ${error.message}` });
    }
  });
  return { contacts: fillCompanyNames(contacts), problems };
}
