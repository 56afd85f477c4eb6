// Phone normalisation: every human format of one number must reach the same E.164 key,
// e.g. `05334979714`, `5334979714`, `+90 (533) 497-9714` and `0090 533 497 97 14` with region TR.
import {
  type CountryCode,
  getCountries,
  type PhoneNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js';

export interface NormalizedPhone {
  e164: string;
  /** The national form for display, e.g. `0533 497 97 14`. */
  national: string;
  country?: string;
  /** Country calling code without `+`, e.g. `90`. */
  countryCode: string;
  /** National significant number (no trunk prefix), e.g. `5334979714`: the fallback match key. */
  nsn: string;
}

const COUNTRIES = new Set<string>(getCountries());

export function isRegion(code: string): code is CountryCode {
  return COUNTRIES.has(code);
}

/** Extensions and short service numbers (up to 6 digits) are internal calls, never customers. */
export function isInternalNumber(raw: string): boolean {
  const digits = raw.replace(/\D/g, '');
  return digits.length > 0 && digits.length <= 6 && !raw.trim().startsWith('+');
}

/** E.164 and national form of `raw`, or null when it is internal, empty or not a phone number. */
export function normalizePhone(raw: string, region: string): NormalizedPhone | null {
  const parsed = parsePhone(raw, region);
  if (!parsed) return null;
  return {
    e164: parsed.number,
    national: parsed.formatNational(),
    country: parsed.country,
    countryCode: parsed.countryCallingCode,
    nsn: parsed.nationalNumber,
  };
}

/** Only the E.164 key of `raw` (null as for normalizePhone): no national formatting, for indexing. */
export function phoneKey(raw: string, region: string): string | null {
  return parsePhone(raw, region)?.number ?? null;
}

function parsePhone(raw: string, region: string): PhoneNumber | null {
  const text = raw.trim();
  if (!text || isInternalNumber(text)) return null;
  let parsed = parse(text, region);
  // `00` is the international prefix almost everywhere, but not in every region's metadata
  // (Russia dials 8~10): a `00…` number the region cannot read is read as `+…`. The prefix is
  // tested first: validity is the costly check, and most numbers do not start with 00.
  const compact = text.replace(/[\s().-]/g, '');
  if (/^00[1-9]/.test(compact) && !parsed?.isValid()) {
    const international = parse(`+${compact.slice(2)}`, region);
    if (international?.isPossible()) parsed = international;
  }
  return parsed?.isPossible() ? parsed : null;
}

function parse(text: string, region: string): PhoneNumber | undefined {
  return parsePhoneNumberFromString(text, isRegion(region) ? region : undefined);
}

/** Index keys for a contact's phones: each distinct E.164 form. */
export function phoneKeys(phones: readonly string[], region: string): string[] {
  const keys = new Set<string>();
  for (const phone of phones) {
    const key = phoneKey(phone, region);
    if (key) keys.add(key);
  }
  return [...keys];
}
