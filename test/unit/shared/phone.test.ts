import { describe, expect, it } from 'vitest';
import { isInternalNumber, normalizePhone, phoneKeys } from '../../../shared/phone.ts';

describe('normalizePhone', () => {
  it.each([
    ['05334979714', 'TR'],
    ['5334979714', 'TR'],
    ['0533 497 97 14', 'TR'],
    ['+90 (533) 497-9714', 'TR'],
    ['0090 533 497 97 14', 'TR'],
    ['+905334979714', 'DE'],
  ])('%s with region %s is +905334979714', (raw, region) => {
    expect(normalizePhone(raw, region)?.e164).toBe('+905334979714');
  });

  it('keeps a national form for display', () => {
    expect(normalizePhone('5334979714', 'TR')?.national).toBe('0533 497 97 14');
  });

  it('uses the default region for numbers without a country code', () => {
    expect(normalizePhone('030 1234567', 'DE')?.e164).toBe('+49301234567');
    expect(normalizePhone('8 (495) 123-45-67', 'RU')?.e164).toBe('+74951234567');
  });

  it('treats extensions and short numbers as internal, not customers', () => {
    expect(normalizePhone('911', 'TR')).toBeNull();
    expect(normalizePhone('123456', 'TR')).toBeNull();
    expect(isInternalNumber('1234')).toBe(true);
    expect(isInternalNumber('05334979714')).toBe(false);
  });

  it('rejects text that is no phone number', () => {
    expect(normalizePhone('', 'TR')).toBeNull();
    expect(normalizePhone('anonymous', 'TR')).toBeNull();
  });
});

describe('phoneKeys', () => {
  it('gives one key per distinct number and skips junk', () => {
    expect(phoneKeys(['0533 497 97 14', '+90 (533) 497-9714', 'n/a', '0212 555 12 34'], 'TR')).toEqual([
      '+905334979714',
      '+902125551234',
    ]);
  });
});
