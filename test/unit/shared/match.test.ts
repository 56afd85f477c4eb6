import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../shared/contact.ts';
import { approximateCandidates, exactCandidates, matchKeys, rankCandidates } from '../../../shared/match.ts';
import { normalizePhone } from '../../../shared/phone.ts';

// Real-world ways one number reaches us, per country, with the agent's default region.
const FORMATS: [country: string, region: string, raw: string, e164: string][] = [
  ['TR', 'TR', '05334979714', '+905334979714'],
  ['TR', 'TR', '5334979714', '+905334979714'],
  ['TR', 'TR', '0 (533) 497 97 14', '+905334979714'],
  ['TR', 'TR', '+90 533-497-97-14', '+905334979714'],
  ['TR', 'TR', '0090 533 497 97 14', '+905334979714'],
  ['TR', 'TR', '0212 555 12 34', '+902125551234'],
  ['RU', 'RU', '8 (495) 123-45-67', '+74951234567'],
  ['RU', 'RU', '+7 495 123 45 67', '+74951234567'],
  ['RU', 'RU', '495 123-45-67', '+74951234567'],
  ['RU', 'RU', '00 7 495 123 45 67', '+74951234567'],
  ['RU', 'RU', '8 916 123-45-67', '+79161234567'],
  ['DE', 'DE', '030 1234567', '+49301234567'],
  ['DE', 'DE', '(030) 123 45 67', '+49301234567'],
  ['DE', 'DE', '+49 30 1234567', '+49301234567'],
  ['DE', 'DE', '0049 30 1234567', '+49301234567'],
  ['DE', 'DE', '0151 23456789', '+4915123456789'],
  ['IR', 'IR', '0912 345 6789', '+989123456789'],
  ['IR', 'IR', '912 345 6789', '+989123456789'],
  ['IR', 'IR', '+98 912 345 6789', '+989123456789'],
  ['IR', 'IR', '0098 912 345 6789', '+989123456789'],
  ['IR', 'IR', '021 8888 1234', '+982188881234'],
  ['US', 'US', '(212) 555-0123', '+12125550123'],
  ['US', 'US', '212.555.0123', '+12125550123'],
  ['US', 'US', '1-212-555-0123', '+12125550123'],
  ['US', 'US', '+1 212 555 0123', '+12125550123'],
  ['TR', 'US', '011 90 533 497 97 14', '+905334979714'],
  ['DE', 'TR', '0049 30 1234567', '+49301234567'],
];

const contact = (id: string, phones: string[], over: Partial<Contact> = {}): Contact => ({
  id,
  kind: 'person',
  name: id,
  phones,
  ...over,
});

describe('number formats per country', () => {
  it.each(FORMATS)('%s: %s reads %s as %s', (_country, region, raw, e164) => {
    expect(normalizePhone(raw, region)?.e164).toBe(e164);
    expect(matchKeys([raw], region), 'a contact saved this way is found by the E.164 key').toContain(e164);
  });

  it.each(['101', '911', '2001', '123456', '12 34', '*21#'])(
    '%s is an internal number, not a customer',
    (raw) => {
      expect(normalizePhone(raw, 'TR')).toBeNull();
      expect(matchKeys([raw], 'TR')).toEqual([]);
    },
  );
});

describe('exact and approximate matches', () => {
  const caller = (raw: string, region = 'TR') => {
    const n = normalizePhone(raw, region);
    if (!n) throw new Error(`${raw} does not normalise`);
    return n;
  };

  it('reports the phone that matched exactly', () => {
    const c = contact('P-1', ['0212 555 12 34', '0533 497 97 14']);
    expect(exactCandidates(caller('+905334979714'), [c], 'TR')).toEqual([
      { contact: c, reason: 'exact', phone: '0533 497 97 14', own: false },
    ]);
  });

  it('matches the national number under one other country code as approximate', () => {
    // Saved without a country code under region TR, the Moscow number became +90 495…
    const saved = contact('P-1', ['495 123 45 67']);
    const hits = approximateCandidates(caller('+7 495 123 45 67'), [saved], 'TR');
    expect(hits.map((h) => [h.contact.id, h.reason])).toEqual([['P-1', 'approximate']]);
  });

  it('gives no approximate match when the national number exists under two country codes', () => {
    const a = contact('P-1', ['+90 495 123 45 67']);
    const b = contact('P-2', ['+49 4951234567']);
    expect(approximateCandidates(caller('+7 495 123 45 67'), [a, b], 'TR')).toEqual([]);
  });

  it('gives no approximate match when one contact has the national number under two country codes', () => {
    const both = contact('P-1', ['+90 495 123 45 67', '+49 4951234567']);
    expect(approximateCandidates(caller('+7 495 123 45 67'), [both], 'TR')).toEqual([]);
  });
});

describe('ranking', () => {
  const e164 = normalizePhone('05334979714', 'TR');
  if (!e164) throw new Error('fixture');
  const company = contact('C-1', ['05334979714'], { kind: 'company', updatedAt: '2026-11-01' });
  const old = contact('P-old', ['05334979714'], { updatedAt: '2026-01-01' });
  const recent = contact('P-new', ['05334979714'], { updatedAt: '2026-10-01' });
  const mine = contact('P-mine', ['05334979714'], { owner: 'ayse', updatedAt: '2025-01-01' });
  const mineCompany = contact('C-mine', ['05334979714'], { kind: 'company', owner: 'ayse' });

  it('puts own contacts first, a person before a company, then the most recently changed', () => {
    const ranked = rankCandidates(
      exactCandidates(e164, [company, old, mineCompany, recent, mine], 'TR', 'ayse'),
    );
    expect(ranked.map((c) => c.contact.id)).toEqual(['P-mine', 'C-mine', 'P-new', 'P-old', 'C-1']);
    expect(ranked.map((c) => c.own)).toEqual([true, true, false, false, false]);
  });

  it('puts exact matches before approximate ones', () => {
    const approx = { contact: recent, reason: 'approximate' as const, phone: '', own: true };
    const exact = { contact: company, reason: 'exact' as const, phone: '', own: false };
    expect(rankCandidates([approx, exact]).map((c) => c.reason)).toEqual(['exact', 'approximate']);
  });

  it('owns nothing without an agent user', () => {
    expect(exactCandidates(e164, [mine], 'TR').map((c) => c.own)).toEqual([false]);
  });
});
