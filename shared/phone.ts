// Phone normalisation: every human format of one number must reach the same E.164 key,
// e.g. `05334979714`, `5334979714`, `+90 (533) 497-9714` and `0090 533 497 97 14` with region TR.
import { type CountryCode, getCountries, parsePhoneNumberFromString } from 'libphonenumber-js';

export interface NormalizedPhone {
  e164: string;
  /** The national form for display, e.g. `0533 497 97 14`. */
  national: string;
  country?: string;
}

const COUNTRIES = new Set<string>(getCountries());

export function isRegion(code: string): code is CountryCode {
  return COUNTRIES.has(code);
}

/** Extensions and short service numbers are internal calls, never customers. */
export function isInternalNumber(raw: string): boolean {
  const digits = raw.replace(/\D/g, '');
  return digits.length > 0 && digits.length <= 6 && !raw.trim().startsWith('+');
}

/** E.164 and national form of `raw`, or null when it is internal, empty or not a phone number. */
export function normalizePhone(raw: string, region: string): NormalizedPhone | null {
  const text = raw.trim();
  if (!text || isInternalNumber(text)) return null;
  const parsed = parsePhoneNumberFromString(text, isRegion(region) ? region : undefined);
  if (!parsed?.isPossible()) return null;
  return { e164: parsed.number, national: parsed.formatNational(), country: parsed.country };
}

/** Index keys for a contact's phones: each distinct E.164 form. */
export function phoneKeys(phones: readonly string[], region: string): string[] {
  const keys = new Set<string>();
  for (const phone of phones) {
    const n = normalizePhone(phone, region);
    if (n) keys.add(n.e164);
  }
  return [...keys];
}
