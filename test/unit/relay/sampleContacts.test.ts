// The sample contacts must make the manual's sample call pop exactly one, known contact.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseContacts } from '../../../relay/contacts/contactsCsv.ts';
import { normalizePhone, phoneKeys } from '../../../shared/phone.ts';

const { contacts, problems } = parseContacts(readFileSync('relay/sample/contacts.csv', 'utf8'));

describe('sample contacts.csv', () => {
  it('parses without a skipped row', () => {
    expect(problems).toEqual([]);
    expect(contacts.length).toBeGreaterThanOrEqual(10);
  });

  it('matches the Logo sample caller 05334979714 to Ayşe Demir of IP Santral Firması only', () => {
    for (const callerId of ['05334979714', '5334979714']) {
      const key = normalizePhone(callerId, 'TR')?.e164;
      const hits = contacts.filter((c) => key && phoneKeys(c.phones, 'TR').includes(key));
      expect(hits.map((c) => [c.name, c.company])).toEqual([['Ayşe Demir', 'IP Santral Firması']]);
    }
  });

  it('links every person to an existing company, and includes Russian and German numbers', () => {
    const companies = new Set(contacts.filter((c) => c.kind === 'company').map((c) => c.id));
    for (const person of contacts.filter((c) => c.kind === 'person'))
      expect(companies.has(person.companyId ?? '')).toBe(true);
    const countries = new Set(contacts.flatMap((c) => c.phones.map((p) => normalizePhone(p, 'TR')?.country)));
    expect([...countries].sort()).toEqual(['DE', 'RU', 'TR']);
  });
});
