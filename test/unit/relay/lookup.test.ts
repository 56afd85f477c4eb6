import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, fixture, pbxApp } from '../../fixtures/pbx/pbxApp.ts';
import { AYSE_TOKEN, SECRET } from './helpers.ts';

const CRM = {
  cardUrl: 'https://crm.example.com/index.php?module=Contacts&view=Detail&record={contactId}',
  searchUrl: 'https://crm.example.com/index.php?module=Home&view=Search&value={phone}',
};

let current: ReturnType<typeof pbxApp> | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

function setup(crm: Record<string, unknown> | null = CRM) {
  current = pbxApp(crm ? { crm } : {}, { contacts: true });
  return current;
}

describe('GET /v1/pbx/vtiger/SearchPBX', () => {
  it('answers the reference example (unencoded +98…) with the contact in the reference’s shape', async () => {
    const { app } = setup();
    const res = await app.inject({
      method: 'GET',
      url: `/v1/pbx/vtiger/SearchPBX?secretkey=${SECRET}&phone=+989138086200&finglish=5`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const reference = JSON.parse(fixture('vtiger-searchpbx.answer.json'));
    expect(Object.keys(res.json().result).sort()).toEqual(Object.keys(reference.result).sort());
    expect(res.json()).toEqual({
      result: {
        id: '2138',
        name: 'پارس ویتایگر',
        phone: '+983136204751',
        url: 'https://crm.example.com/index.php?module=Contacts&view=Detail&record=2138',
        module: 'Contacts',
        businessphone: '+983191007879',
        mobile: '+989138086200',
        email: null,
        company: null,
      },
    });
  });

  it('finds a Turkish contact by any spelling of the number, and calls a company an Account', async () => {
    const { app } = setup();
    for (const phone of ['05334979714', '5334979714', '%2B90%20533%20497%2097%2014']) {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/pbx/vtiger/SearchPBX?phone=${phone}`,
        headers: AUTH,
      });
      expect(res.json().result?.id, phone).toBe('P-1');
    }
    // 0212 555 01 00 is both Ayşe Demir and her company: the person is the better answer.
    const shared = await app.inject({
      method: 'GET',
      url: '/v1/pbx/vtiger/SearchPBX?phone=02125550100',
      headers: AUTH,
    });
    expect(shared.json().result).toMatchObject({
      id: 'P-1',
      module: 'Contacts',
      company: 'IP Santral Firması',
    });
  });

  it('answers 404 in JSON for an unknown number, and 400 without a phone', async () => {
    const { app, rejects } = setup();
    const none = await app.inject({
      method: 'GET',
      url: '/v1/pbx/vtiger/SearchPBX?phone=05559990000',
      headers: AUTH,
    });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({
      success: false,
      error: 'not-found',
      reason: 'no contact with this phone',
      field: 'phone',
    });
    // An unknown caller is an answer, not a refusal: not counted as a reject.
    expect(await rejects('not-found')).toBe(0);
    const missing = await app.inject({ method: 'GET', url: '/v1/pbx/vtiger/SearchPBX', headers: AUTH });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ field: 'phone', reason: 'phone is required' });
  });

  it('requires the PBX secret', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'GET', url: '/v1/pbx/vtiger/SearchPBX?phone=05334979714' });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('Ayşe');
  });
});

describe('GET /v1/pbx/vtiger/Lookup', () => {
  it('redirects a known number to the contact’s CRM card', async () => {
    const { app } = setup();
    const res = await app.inject({
      method: 'GET',
      url: '/v1/pbx/vtiger/Lookup?phone=05334979714',
      headers: AUTH,
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(
      'https://crm.example.com/index.php?module=Contacts&view=Detail&record=P-1',
    );
  });

  it('redirects an unknown number to the CRM search, with the number encoded', async () => {
    const { app } = setup();
    const res = await app.inject({
      method: 'GET',
      url: '/v1/pbx/vtiger/lookup?phone=05559990000',
      headers: AUTH,
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(
      'https://crm.example.com/index.php?module=Home&view=Search&value=%2B905559990000',
    );
  });

  it('opens with an agent’s token too, since agents’ desktop tools open this link', async () => {
    const { app } = setup();
    const res = await app.inject({
      method: 'GET',
      url: `/v1/pbx/vtiger/Lookup?phone=05334979714&token=${AYSE_TOKEN}`,
    });
    expect(res.statusCode).toBe(302);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/pbx/vtiger/Lookup?phone=05334979714' })).statusCode,
    ).toBe(401);
  });

  it('never leaves the CRM origin, whatever the phone says', async () => {
    const { app } = setup({ searchUrl: 'https://crm.example.com/search?q={callerId}' });
    for (const phone of ['//evil.example/x', 'evil.example', '#/../x', '../../x']) {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/pbx/vtiger/Lookup?phone=${encodeURIComponent(phone)}`,
        headers: AUTH,
      });
      expect(res.statusCode, phone).toBe(302);
      expect(new URL(res.headers.location as string).origin, phone).toBe('https://crm.example.com');
    }
  });

  it('refuses at start-up a template whose placeholder could change the origin', () => {
    for (const searchUrl of [
      'https://crm.example.com{phone}',
      'https://{phone}.example.com/',
      'https://evil.example/?q={phone}',
    ])
      expect(() => setup({ origin: 'https://crm.example.com', searchUrl }), searchUrl).toThrow(
        /crm\.searchUrl/,
      );
  });

  it('answers 404 with a reason when no CRM link is configured', async () => {
    const { app } = setup(null);
    const res = await app.inject({
      method: 'GET',
      url: '/v1/pbx/vtiger/Lookup?phone=05334979714',
      headers: AUTH,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().reason).toBe('crm.cardUrl is not configured');
  });
});

describe('GET /v1/lookup (3CX / Propstack)', () => {
  it('answers a known number with names, company, phones and the card URL', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'GET', url: '/v1/lookup?phone=%2B905334979714', headers: AUTH });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'P-1',
      first_name: 'Ayşe',
      last_name: 'Demir',
      name: 'Ayşe Demir',
      company: 'IP Santral Firması',
      url: 'https://crm.example.com/index.php?module=Contacts&view=Detail&record=P-1',
      phones: { office: '0212 555 01 00', mobile: '0533 497 97 14' },
      data: { id: 'P-1', office_phone: '0212 555 01 00', home_cell: '0533 497 97 14' },
    });
  });

  it('takes Propstack’s phone_number too, and answers 404 for an unknown number', async () => {
    const { app } = setup();
    expect(
      (await app.inject({ method: 'GET', url: '/v1/lookup?phone_number=05101234567', headers: AUTH })).json()
        .id,
    ).toBe('P-7');
    const none = await app.inject({ method: 'GET', url: '/v1/lookup?phone=05559990000', headers: AUTH });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ error: 'not-found' });
  });

  it('requires the PBX secret and refuses a malformed phone', async () => {
    const { app } = setup();
    expect((await app.inject({ method: 'GET', url: '/v1/lookup?phone=05334979714' })).statusCode).toBe(401);
    const bad = await app.inject({ method: 'GET', url: `/v1/lookup?phone=${'1'.repeat(41)}`, headers: AUTH });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('phone');
  });
});
