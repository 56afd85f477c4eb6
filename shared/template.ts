// CRM URL templates such as `https://crm.example.com/card?id={contactId}`. Values are always
// URL-encoded, and the filled URL must stay on the configured CRM origin, so a caller id or a
// contact name can never steer the browser elsewhere.
import type { QueuedCall } from './messages.ts';
import { normalizePhone } from './phone.ts';

export const PLACEHOLDERS = [
  'contactId',
  'personId',
  'companyId',
  'name',
  'personName',
  'company',
  'phone',
  'national',
  'digits',
  'nsn',
  'nationalTail',
  'callerId',
  'callId',
  'extension',
  'agentId',
  'keypress',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Partial<Record<Placeholder, string>>;

const KNOWN = new Set<string>(PLACEHOLDERS);
const PLACEHOLDER_RE = /\{([A-Za-z]+)\}/g;

export type TemplateError =
  | 'errTemplateEmpty'
  | 'errTemplatePlaceholder'
  | 'errTemplateUrl'
  | 'errTemplateOrigin';

/** Placeholders used in `template` that we do not know. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER_RE)].map((m) => m[1] ?? '').filter((name) => !KNOWN.has(name));
}

export function fillTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER_RE, (whole, name: string) =>
    KNOWN.has(name) ? encodeURIComponent(values[name as Placeholder] ?? '') : whole,
  );
}

/** The origin of a URL string, or null when it is not an absolute http(s) URL. */
export function httpOrigin(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

export type BuiltUrl = { ok: true; url: string } | { ok: false; error: TemplateError };

/**
 * Fill `template` and check the result stays on `origin`. A template starting with `/` is a path on
 * the CRM origin (the presets are written that way, so they follow the origin the admin sets).
 */
export function buildUrl(template: string, values: TemplateValues, origin: string): BuiltUrl {
  if (!template.trim()) return { ok: false, error: 'errTemplateEmpty' };
  if (unknownPlaceholders(template).length) return { ok: false, error: 'errTemplatePlaceholder' };
  const absolute = template.startsWith('/') && !template.startsWith('//') ? `${origin}${template}` : template;
  const url = fillTemplate(absolute, values);
  const actual = httpOrigin(url);
  if (!actual) return { ok: false, error: 'errTemplateUrl' };
  if (actual !== origin) return { ok: false, error: 'errTemplateOrigin' };
  // What is opened is what was checked: the parsed URL, not the raw string a browser might read
  // differently (backslashes, tabs, `..` segments).
  return { ok: true, url: new URL(url).href };
}

/** Sample values used to check a template when it is saved. */
export const SAMPLE_VALUES: TemplateValues = {
  contactId: 'P-1',
  personId: 'P-1',
  companyId: 'C-1',
  name: 'Ayşe Yılmaz',
  personName: 'Ayşe Yılmaz',
  company: 'Örnek A.Ş.',
  phone: '+905334979714',
  national: '0533 497 97 14',
  digits: '05334979714',
  nsn: '5334979714',
  nationalTail: '497 97 14',
  callerId: '05334979714',
  callId: 'A000001',
  extension: '911',
  agentId: '911',
  keypress: '1',
};

/** What a call offers the placeholders: a queued call plus its E.164 number when it had one. */
export type TemplateCall = Pick<
  QueuedCall,
  'contact' | 'national' | 'callerId' | 'callId' | 'extension' | 'agentId' | 'keypress'
> & { phone?: string };

/**
 * The placeholders' values for a call. For a company `{companyId}` is the company itself and
 * `{personId}` / `{personName}` are empty; for a person `{companyId}` is their company.
 *
 * The number comes in several forms because CRMs store it as it was typed: `{phone}` E.164
 * (`+905334979714`), `{national}` as dialled at home (`0533 497 97 14`), `{digits}` the same without
 * spacing (`05334979714`), `{nsn}` without the trunk prefix (`5334979714`, a substring of the E.164
 * and the digits forms) and `{nationalTail}` the national form after its area code (`497 97 14`, a
 * substring of the national form with or without `+90`/brackets).
 */
export function templateValues(call: TemplateCall): TemplateValues {
  const c = call.contact;
  const person = c?.kind === 'person';
  // A caller id that is not a phone number is passed through, but only its phone characters: these
  // values also land inside a CRM's JSON search parameter, where a quote would break it.
  const national = phoneText(call.national ?? call.callerId);
  const digits = national.replace(/\D/g, '');
  const nsn = (call.phone && normalizePhone(call.phone, '')?.nsn) || digits;
  return {
    // The CRM's own ids: with several sources the feed keys them by source (`crm:42`).
    contactId: c?.recordId ?? c?.id,
    personId: person ? (c.recordId ?? c.id) : undefined,
    companyId: c?.kind === 'company' ? (c.recordId ?? c.id) : (c?.companyRecordId ?? c?.companyId),
    name: c?.name,
    personName: person ? c.name : undefined,
    company: c?.kind === 'company' ? c.name : c?.company,
    phone: call.phone ?? call.callerId,
    national,
    digits,
    nsn,
    nationalTail: nationalTail(national),
    callerId: call.callerId,
    callId: call.callId,
    extension: call.extension,
    agentId: call.agentId,
    keypress: call.keypress,
  };
}

function phoneText(text: string): string {
  return text.replace(/[^0-9+ ()./-]/g, '').trim();
}

/**
 * The national form after its first group (`0532 111 22 33` → `111 22 33`, `(201) 555-0123` →
 * `555-0123`) when at least 7 digits remain; else the whole national form. A substring search for
 * it finds the number typed with or without trunk prefix, country code or brackets round the area
 * code, as long as the subscriber part was spaced the usual way.
 */
export function nationalTail(national: string): string {
  const rest = national.replace(/^\S+\s+/, '');
  return rest !== national && rest.replace(/\D/g, '').length >= 7 ? rest : national;
}
