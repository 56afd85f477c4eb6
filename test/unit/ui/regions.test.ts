import { getCountries } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { regionOptions } from '../../../options/regions.ts';

describe('regionOptions', () => {
  const names: Record<string, string> = { TR: 'Türkiye', DE: 'Germany', IR: 'Iran' };

  it('labels regions by name and code, sorted by name', () => {
    const options = regionOptions(
      ['TR', 'DE', 'IR', 'AC'],
      (c) => names[c],
      (a, b) => a.localeCompare(b),
    );
    expect(options).toEqual([
      { code: 'AC', label: 'AC' },
      { code: 'DE', label: 'Germany (DE)' },
      { code: 'IR', label: 'Iran (IR)' },
      { code: 'TR', label: 'Türkiye (TR)' },
    ]);
  });

  it('offers every region libphonenumber knows, including the default TR', () => {
    const options = regionOptions(
      getCountries(),
      () => undefined,
      (a, b) => a.localeCompare(b),
    );
    expect(options.length).toBe(getCountries().length);
    expect(options.map((o) => o.code)).toContain('TR');
  });
});
