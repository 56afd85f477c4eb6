// The contacts file an admin exports from the CRM: one row per company or person, phones in any
// human format separated by `;`. A bad row is skipped and reported with its line; a file without
// the needed columns is refused as a whole.
import { ID_PATTERN } from '../shared/callEvent.ts';
import type { Contact, ContactKind } from '../shared/contact.ts';
import { parseCsv } from './csv.ts';

export interface RowProblem {
  line: number;
  reason: string;
}

export interface ParsedContacts {
  contacts: Contact[];
  problems: RowProblem[];
  /** Set when the file cannot be used at all. */
  error?: string;
}

const REQUIRED = ['id', 'kind', 'name', 'phones'] as const;
const OPTIONAL = ['company_id', 'company', 'owner', 'updated_at'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

const MAX_TEXT = 200;
const MAX_PHONE = 64;
const MAX_PHONES = 20;

class RowError extends Error {}

function checkId(value: string, column: string): string {
  if (!ID_PATTERN.test(value))
    throw new RowError(`${column} "${value.slice(0, 70)}" must match ${ID_PATTERN}`);
  return value;
}

function checkText(value: string, column: string): string {
  if (value.length > MAX_TEXT) throw new RowError(`${column} is longer than ${MAX_TEXT} characters`);
  return value;
}

function toContact(get: (column: Column) => string): Contact {
  const id = get('id');
  if (!id) throw new RowError('id is empty');
  checkId(id, 'id');
  const kind = get('kind').toLowerCase();
  if (kind !== 'company' && kind !== 'person')
    throw new RowError(`kind must be company or person, not "${kind.slice(0, 20)}"`);
  const name = checkText(get('name'), 'name');
  if (!name) throw new RowError('name is empty');
  const phones = get('phones')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  if (phones.length > MAX_PHONES) throw new RowError(`more than ${MAX_PHONES} phones`);
  for (const phone of phones)
    if (phone.length > MAX_PHONE) throw new RowError(`a phone is longer than ${MAX_PHONE} characters`);

  const contact: Contact = { id, kind: kind as ContactKind, name, phones };
  const companyId = get('company_id');
  if (companyId) contact.companyId = checkId(companyId, 'company_id');
  const company = checkText(get('company'), 'company');
  if (company) contact.company = company;
  const owner = checkText(get('owner'), 'owner');
  if (owner) contact.owner = owner;
  const updatedAt = get('updated_at');
  if (updatedAt) {
    const time = Date.parse(updatedAt);
    if (Number.isNaN(time)) throw new RowError(`updated_at "${updatedAt.slice(0, 40)}" is not a date`);
    contact.updatedAt = new Date(time).toISOString();
  }
  return contact;
}

export function parseContacts(text: string): ParsedContacts {
  const { records, errors } = parseCsv(text);
  const problems: RowProblem[] = [...errors];
  const [header, ...rows] = records;
  if (!header) return { contacts: [], problems, error: 'the file is empty (expected a header row)' };
  const index = new Map<string, number>();
  header.fields.forEach((name, i) => {
    index.set(name.trim().toLowerCase(), i);
  });
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length)
    return { contacts: [], problems, error: `the header row lacks column(s): ${missing.join(', ')}` };

  const contacts: Contact[] = [];
  const firstLine = new Map<string, number>();
  for (const row of rows) {
    try {
      if (row.fields.length > header.fields.length)
        throw new RowError(`has ${row.fields.length} fields, the header has ${header.fields.length}`);
      // Missing trailing cells are empty: spreadsheets drop them.
      const contact = toContact((column) => {
        const i = index.get(column);
        return i === undefined ? '' : (row.fields[i] ?? '').trim();
      });
      const first = firstLine.get(contact.id);
      if (first !== undefined) throw new RowError(`duplicate id ${contact.id} (first on line ${first})`);
      firstLine.set(contact.id, row.line);
      contacts.push(contact);
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      problems.push({ line: row.line, reason: error.message });
    }
  }
  // A person row may give only company_id; the company's own row supplies the name.
  const companies = new Map(contacts.filter((c) => c.kind === 'company').map((c) => [c.id, c.name]));
  for (const contact of contacts) {
    if (contact.companyId && !contact.company) {
      const company = companies.get(contact.companyId);
      if (company) contact.company = company;
    }
  }
  return { contacts, problems };
}
