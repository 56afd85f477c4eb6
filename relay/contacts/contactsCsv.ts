// The contacts file an admin exports from the CRM: one row per company or person, phones in any
// human format separated by `;`. A bad row is skipped and reported with its line; a file without
// the needed columns is refused as a whole.
import type { Contact } from '../../shared/contact.ts';
import { parseCsv } from '../http/csv.ts';
import {
  buildContact,
  fillCompanyNames,
  type ParsedContacts,
  RowError,
  type RowProblem,
} from './contactFields.ts';

export type { ParsedContacts, RowProblem } from './contactFields.ts';

const REQUIRED = ['id', 'kind', 'name', 'phones'] as const;
const OPTIONAL = ['company_id', 'company', 'owner', 'updated_at'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

function toContact(get: (column: Column) => string): Contact {
  return buildContact({
    id: get('id'),
    kind: get('kind'),
    name: get('name'),
    phones: get('phones').split(';'),
    companyId: get('company_id'),
    company: get('company'),
    owner: get('owner'),
    updatedAt: get('updated_at'),
  });
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
  return { contacts: fillCompanyNames(contacts), problems };
}
