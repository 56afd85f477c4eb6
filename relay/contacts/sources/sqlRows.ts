// One row of the admin's SELECT as a contact, by the same rules as a CSV row (contactFields.ts):
// columns id, kind, name, company_id, company, owner, updated_at, every column whose name starts
// with `phone` (one number, or several separated by `;`), and an optional `deleted`.
import { createHash } from 'node:crypto';
import type { Contact } from '../../../shared/contact.ts';
import { buildContact } from '../contactFields.ts';
import type { SqlColumn } from './sqlDrivers.ts';

const REQUIRED = ['id', 'kind', 'name', 'updated_at'] as const;
const OPTIONAL = ['company_id', 'company', 'owner', 'deleted'] as const;
type Known = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

/** Where each known column is in a row (names matched case-insensitively) and the phone columns. */
export interface RowShape {
  keys: Partial<Record<Known, string>>;
  phones: string[];
  /** The updated_at and id columns, for their types. */
  updatedAt: SqlColumn;
  id: SqlColumn;
}

/** The row shape of a result, or an Error naming the missing columns. */
export function rowShape(columns: SqlColumn[]): RowShape {
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const keys: RowShape['keys'] = {};
  for (const name of [...REQUIRED, ...OPTIONAL]) {
    const column = byName.get(name);
    if (column) keys[name] = column.name;
  }
  const phones = columns.filter((c) => c.name.toLowerCase().startsWith('phone')).map((c) => c.name);
  const missing: string[] = REQUIRED.filter((name) => !keys[name]);
  if (!phones.length) missing.push('phone (or phone_…)');
  if (missing.length)
    throw new Error(
      `the query's result lacks the column(s) ${missing.join(', ')} (it returns ${columns.map((c) => c.name).join(', ') || 'none'})`,
    );
  return {
    keys,
    phones,
    updatedAt: byName.get('updated_at') as SqlColumn,
    id: byName.get('id') as SqlColumn,
  };
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8').trim();
  return String(value).trim();
}

/** The row's id as the feed keys it. */
export function rowId(row: Record<string, unknown>, shape: RowShape): string {
  return text(row[shape.keys.id as string]);
}

const FALSE_TEXT = new Set(['', '0', 'f', 'false', 'n', 'no']);

/** `deleted` is truthy: 1, true, 't', 'yes', a date of deletion… (NULL, 0, false, 'f', 'no' are not). */
export function rowDeleted(row: Record<string, unknown>, shape: RowShape): boolean {
  if (!shape.keys.deleted) return false;
  const value = row[shape.keys.deleted];
  if (value === null || value === undefined || value === false || value === 0) return false;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    // BIT(1) comes from MySQL as a one-byte buffer.
    if (Buffer.isBuffer(value) && value.length === 1) return value[0] !== 0;
    return !FALSE_TEXT.has(text(value).toLowerCase());
  }
  return Boolean(value);
}

/** A contact from the row; throws RowError (contactFields.ts) for a row the feed cannot take. */
export function rowContact(
  row: Record<string, unknown>,
  shape: RowShape,
  toIso: (value: unknown) => string | undefined,
): Contact {
  const get = (name: Known) => {
    const key = shape.keys[name];
    return key ? text(row[key]) : '';
  };
  const phones: string[] = [];
  for (const column of shape.phones) phones.push(...text(row[column]).split(';'));
  const updated = row[shape.keys.updated_at as string];
  return buildContact({
    id: get('id'),
    kind: get('kind'),
    name: get('name'),
    phones,
    companyId: get('company_id') || undefined,
    company: get('company') || undefined,
    owner: get('owner') || undefined,
    updatedAt: updated === null || updated === undefined ? undefined : (toIso(updated) ?? text(updated)),
  });
}

/** 48 bits of a contact's MD5: enough to tell a changed contact from a row the overlap brought again. */
export function contactHash(contact: Contact): number {
  return createHash('md5').update(JSON.stringify(contact)).digest().readUIntBE(0, 6);
}
