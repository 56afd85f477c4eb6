import { describe, expect, it } from 'vitest';
import { buildUrl, fillTemplate, templateValues, unknownPlaceholders } from '../../../shared/template.ts';

const ORIGIN = 'https://crm.example.com';

describe('URL templates', () => {
  it('fills placeholders URL-encoded', () => {
    expect(
      fillTemplate(`${ORIGIN}/q?c={contactId}&p={phone}&n={name}`, {
        contactId: 'P 1/2',
        phone: '+905334979714',
        name: 'Ayşe & Co',
      }),
    ).toBe(`${ORIGIN}/q?c=P%201%2F2&p=%2B905334979714&n=Ay%C5%9Fe%20%26%20Co`);
  });

  it('fills a missing value with nothing', () => {
    expect(fillTemplate(`${ORIGIN}/t?company={companyId}`, {})).toBe(`${ORIGIN}/t?company=`);
  });

  it('lists placeholders it does not know', () => {
    expect(unknownPlaceholders(`${ORIGIN}/{contactId}/{secret}`)).toEqual(['secret']);
    expect(buildUrl(`${ORIGIN}/{secret}`, {}, ORIGIN)).toEqual({
      ok: false,
      error: 'errTemplatePlaceholder',
    });
  });

  it('never leaves the CRM origin, whatever the values', () => {
    expect(buildUrl('https://crm.example.com{callerId}', { callerId: '.evil.test' }, ORIGIN)).toEqual({
      ok: false,
      error: 'errTemplateOrigin',
    });
    expect(buildUrl('https://other.example.com/x', {}, ORIGIN)).toEqual({
      ok: false,
      error: 'errTemplateOrigin',
    });
    expect(buildUrl('javascript:alert(1)', {}, ORIGIN)).toEqual({ ok: false, error: 'errTemplateUrl' });
    expect(buildUrl('', {}, ORIGIN)).toEqual({ ok: false, error: 'errTemplateEmpty' });
  });

  it('builds a URL on the origin', () => {
    expect(buildUrl(`${ORIGIN}/card/{contactId}`, { contactId: '42' }, ORIGIN)).toEqual({
      ok: true,
      url: `${ORIGIN}/card/42`,
    });
  });

  it('answers the normalised URL it checked, not the raw filled string', () => {
    expect(buildUrl(`${ORIGIN}\\card/./x/../{contactId}\t`, { contactId: 'P-7' }, ORIGIN)).toEqual({
      ok: true,
      url: `${ORIGIN}/card/P-7`,
    });
    expect(buildUrl('/card?id={contactId}', { contactId: 'P 7' }, ORIGIN)).toEqual({
      ok: true,
      url: `${ORIGIN}/card?id=P%207`,
    });
  });

  it('fills a company card with the company itself and a person with their company', () => {
    const base = { callerId: '05334979714', callId: 'A1', extension: '911' };
    expect(templateValues({ ...base, contact: { id: 'C-1', kind: 'company', name: 'Firma' } })).toMatchObject(
      {
        contactId: 'C-1',
        companyId: 'C-1',
        personId: undefined,
        company: 'Firma',
        phone: '05334979714',
      },
    );
    expect(
      templateValues({
        ...base,
        phone: '+905334979714',
        contact: { id: 'P-7', kind: 'person', name: 'Ayşe', companyId: 'C-1', company: 'Firma' },
      }),
    ).toMatchObject({ personId: 'P-7', companyId: 'C-1', company: 'Firma', phone: '+905334979714' });
  });
});
