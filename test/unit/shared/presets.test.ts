// The vtiger and SuiteCRM presets against what their real installs accept
// (/work/shared/reference/crm-apis.md): the URLs a call opens, and a search that finds what the
// preset's own new-contact page saved.
import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../../shared/phone.ts';
import { type Preset, presetTemplates } from '../../../shared/presets.ts';
import { buildUrl, nationalTail, type TemplateCall, templateValues } from '../../../shared/template.ts';

const ORIGIN = 'https://crm.example.com';
const number = normalizePhone('05321112233', 'TR');
if (!number) throw new Error('test number must parse');

const base = {
  callerId: '05321112233',
  callId: 'A1',
  extension: '911',
  phone: number.e164,
  national: number.national,
};
const person: TemplateCall = {
  ...base,
  contact: {
    id: 'crm:3',
    recordId: '3',
    kind: 'person',
    name: 'Mehmet Kaya',
    companyId: 'crm:2',
    companyRecordId: '2',
    company: 'Kaya & Oğulları A.Ş.',
  },
};
const company: TemplateCall = {
  ...base,
  contact: { id: 'crm:2', recordId: '2', kind: 'company', name: 'Kaya & Oğulları A.Ş.' },
};
const unknown: TemplateCall = { ...base };

function open(preset: Preset, key: keyof ReturnType<typeof presetTemplates>, call: TemplateCall): URL {
  const built = buildUrl(presetTemplates(preset)[key], templateValues(call), ORIGIN);
  if (!built.ok) throw new Error(`${preset} ${key}: ${built.error}`);
  return new URL(built.url);
}

const params = (url: URL) => Object.fromEntries(url.searchParams);

// How the number may have been typed into a CRM by hand or by an import.
const STORED = [
  '0532 111 22 33',
  '05321112233',
  '+905321112233',
  '+90 532 111 22 33',
  '(0532) 111 22 33',
  '905321112233',
];

/** vtiger's list search as its Util helper builds it: group 1 joined by AND, group 2 by OR; `c` is a substring match. */
function vtigerFinds(url: URL, stored: Record<string, string>): boolean {
  const groups = JSON.parse(url.searchParams.get('search_params') ?? '') as [string, string, string][][];
  const test = ([field, op, value]: [string, string, string]) => {
    expect(op, 'only contains conditions').toBe('c');
    return (stored[field] ?? '').includes(value);
  };
  const [all = [], any = []] = groups;
  return all.every(test) && (any.length === 0 || any.some(test));
}

describe('vtiger preset', () => {
  it('opens record and edit views with plain record ids', () => {
    expect(params(open('vtiger', 'card', person))).toMatchObject({
      module: 'Contacts',
      view: 'Detail',
      record: '3',
    });
    expect(params(open('vtiger', 'quote', person))).toMatchObject({
      module: 'Quotes',
      account_id: '2',
      contact_id: '3',
    });
    expect(params(open('vtiger', 'ticket', person))).toMatchObject({
      module: 'HelpDesk',
      parent_id: '2',
      contact_id: '3',
    });
    expect(
      params(open('vtiger', 'quote', company)),
      'a company alone leaves the contact empty',
    ).toMatchObject({
      account_id: '2',
      contact_id: '',
    });
  });

  it('searches an OR group of contains conditions over the four contact phone fields', () => {
    const url = open('vtiger', 'search', unknown);
    const groups = JSON.parse(url.searchParams.get('search_params') ?? '');
    expect(groups[0], 'the AND group is empty, so the second group is joined by OR').toEqual([]);
    expect(groups[1]).toEqual(
      ['mobile', 'phone', 'homephone', 'otherphone'].flatMap((f) => [
        [f, 'c', '111 22 33'],
        [f, 'c', '5321112233'],
      ]),
    );
  });

  it.each(STORED)('finds a contact whose number was stored as %s, in any phone field', (typed) => {
    const url = open('vtiger', 'search', unknown);
    for (const field of ['mobile', 'phone', 'homephone', 'otherphone'])
      expect(vtigerFinds(url, { [field]: typed }), `${field} = ${typed}`).toBe(true);
  });

  it('does not find another number that shares only a prefix or the last digits', () => {
    const url = open('vtiger', 'search', unknown);
    for (const other of ['0532 111 22 34', '05321112234', '0532 999 22 33'])
      expect(vtigerFinds(url, { mobile: other }), other).toBe(false);
  });

  it('new contact writes the national form, and the search finds what it wrote', () => {
    const mobile = open('vtiger', 'newContact', unknown).searchParams.get('mobile');
    expect(mobile).toBe('0532 111 22 33');
    expect(vtigerFinds(open('vtiger', 'search', unknown), { mobile: mobile ?? '' })).toBe(true);
  });
});

describe('SuiteCRM preset', () => {
  it('a new quote carries the names with the ids, URL-encoded', () => {
    const url = open('suitecrm', 'quote', person);
    expect(params(url)).toEqual({
      module: 'AOS_Quotes',
      action: 'EditView',
      billing_account_id: '2',
      billing_account: 'Kaya & Oğulları A.Ş.',
      billing_contact_id: '3',
      billing_contact: 'Mehmet Kaya',
    });
    expect(url.search).toContain('billing_account=Kaya%20%26%20O%C4%9Fullar%C4%B1%20A.%C5%9E.');
    expect(
      params(open('suitecrm', 'quote', company)),
      'a company puts no name in the contact box',
    ).toMatchObject({
      billing_account: 'Kaya & Oğulları A.Ş.',
      billing_contact_id: '',
      billing_contact: '',
    });
  });

  it('a new case fills the account and relates the contact, returning to it', () => {
    expect(params(open('suitecrm', 'ticket', person))).toEqual({
      module: 'Cases',
      action: 'EditView',
      account_id: '2',
      account_name: 'Kaya & Oğulları A.Ş.',
      relate_to: 'Contacts',
      relate_id: '3',
      return_module: 'Contacts',
      return_action: 'DetailView',
      return_id: '3',
    });
  });

  it('new contact and search use the same national form: the prefix search finds what was saved', () => {
    const mobile = open('suitecrm', 'newContact', unknown).searchParams.get('phone_mobile') ?? '';
    const query = open('suitecrm', 'search', unknown).searchParams.get('query_string') ?? '';
    expect(mobile).toBe('0532 111 22 33');
    expect(mobile.startsWith(query), 'UnifiedSearch is a prefix match on the stored text').toBe(true);
  });
});

describe('number forms for templates', () => {
  it('offers E.164, national, digits, the national number and its tail', () => {
    expect(templateValues(unknown)).toMatchObject({
      phone: '+905321112233',
      national: '0532 111 22 33',
      digits: '05321112233',
      nsn: '5321112233',
      nationalTail: '111 22 33',
    });
  });

  it('keeps only phone characters of a caller id that is not a number', () => {
    const v = templateValues({ callerId: '12"]]345678', callId: 'A2', extension: '911' });
    expect(v.national).toBe('12345678');
    expect(v.callerId, 'the raw caller id stays available as it came').toBe('12"]]345678');
  });

  it('a tail keeps at least 7 digits, else the whole national form', () => {
    expect(nationalTail('(201) 555-0123')).toBe('555-0123');
    expect(nationalTail('030 123456')).toBe('030 123456');
    expect(nationalTail('05321112233')).toBe('05321112233');
  });
});
