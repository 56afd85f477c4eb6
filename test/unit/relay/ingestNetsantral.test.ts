import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, fixture, pbxApp } from '../../fixtures/pbx/pbxApp.ts';
import { SECRET } from './helpers.ts';

const JSON_BODY = fixture('netsantral.json');
const FORM_BODY = fixture('netsantral.form.txt');
const XML_BODY = fixture('netsantral.xml');
const PATH = '/v1/pbx/netsantral';

let current: ReturnType<typeof pbxApp> | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

function setup(netsantral: Record<string, unknown> = { extension: '911' }, contacts = true) {
  current = pbxApp({ pbx: { secret: SECRET, netsantral } }, { contacts });
  return current;
}

describe('Netsantral custom integration over HTTP', () => {
  it.each([
    ['JSON POST', 'application/json', JSON_BODY],
    ['form POST', 'application/x-www-form-urlencoded', FORM_BODY],
    ['XML POST', 'application/xml', XML_BODY],
    ['XML POST labelled text/xml', 'text/xml; charset=utf-8', XML_BODY],
  ])(
    'accepts the reference payload as %s and pops it on the configured extension',
    async (_name, type, body) => {
      const { app, stored } = setup();
      const res = await app.inject({
        method: 'POST',
        url: PATH,
        headers: { ...AUTH, 'content-type': type },
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ status: 'success', result: '1' });
      expect(await stored('911')).toEqual([
        expect.objectContaining({
          callId: '1234567.213',
          state: 'ringing',
          extension: '911',
          callerId: '05101234567',
          dialed: '8503030303',
          keypress: '1',
          source: 'netsantral',
        }),
      ]);
    },
  );

  it('accepts a GET with the fields in the query string, under /t/SECRET/', async () => {
    const { app, stored } = setup();
    const res = await app.inject({ method: 'GET', url: `/t/${SECRET}${PATH}?${FORM_BODY}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'success' });
    expect(await stored('911')).toHaveLength(1);
  });

  it('pops on ?extension= (or ?dahili=) when the webhook URL names one', async () => {
    const { app, stored } = setup();
    await app.inject({ method: 'POST', url: `${PATH}?extension=912`, headers: AUTH, payload: JSON_BODY });
    await app.inject({
      method: 'GET',
      url: `${PATH}?dahili=955&${FORM_BODY.replace('1234567.213', '99.1')}`,
      headers: AUTH,
    });
    expect((await stored('912')).map((e) => e.callId)).toEqual(['1234567.213']);
    expect((await stored('955')).map((e) => e.callId)).toEqual(['99.1']);
  });

  it('pops on the extension mapped to the called number', async () => {
    const { app, stored } = setup({ extension: '911', extensionByNumber: { '0850 303 03 03': '912' } });
    await app.inject({ method: 'POST', url: PATH, headers: AUTH, payload: JSON_BODY });
    expect(await stored('912')).toHaveLength(1);
    expect(await stored('911')).toHaveLength(0);
  });

  it('answers in Netsantral’s format with the reason when no extension can be chosen', async () => {
    const { app } = setup({});
    const res = await app.inject({ method: 'POST', url: PATH, headers: AUTH, payload: JSON_BODY });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 'error', error: 'bad-request', field: 'extension' });
  });

  it('answers bad input and a wrong secret in Netsantral’s format', async () => {
    const { app } = setup();
    const bad = await app.inject({
      method: 'POST',
      url: PATH,
      headers: AUTH,
      payload: JSON_BODY.replace('"1234567.213"', '"12 34"'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      status: 'error',
      error: 'bad-request',
      reason: 'arama_id may contain only letters, digits and . _ : @ -',
      field: 'arama_id',
    });
    const denied = await app.inject({ method: 'POST', url: `${PATH}?token=wrong`, payload: JSON_BODY });
    expect(denied.statusCode).toBe(401);
    expect(denied.json()).toEqual({ status: 'error', error: 'unauthorized', reason: 'wrong PBX secret' });
  });
});

describe('Netsantral routing to the account manager', () => {
  // 0510 123 45 67 is Can Arslan, owned by ayse (extension 911); the default target is 912.
  const call = (app: ReturnType<typeof pbxApp>['app'], caller = '05101234567') =>
    app.inject({
      method: 'POST',
      url: PATH,
      headers: AUTH,
      payload: JSON_BODY.replace('"05101234567"', JSON.stringify(caller)),
    });

  it('is off by default: the default answer, and the pop on the default extension', async () => {
    const { app, stored } = setup({ extension: '912' });
    const res = await call(app);
    expect(res.json()).toEqual({ status: 'success', result: '1' });
    expect(await stored('912')).toHaveLength(1);
  });

  it('when on, routes a known caller to the owner’s extension, where the pop goes too', async () => {
    const { app, stored } = setup({ extension: '912', routeToOwner: true });
    const res = await call(app, '+90 510 123 45 67');
    expect(res.json()).toEqual({ status: 'success', result: 'extensions', redirect: '911' });
    expect(await stored('911')).toHaveLength(1);
    expect(await stored('912')).toHaveLength(0);
  });

  it('when on, gives the default answer for an unknown caller, an owner who is no agent, or two owners', async () => {
    const { app } = setup({
      extension: '912',
      routeToOwner: true,
      defaultResult: 'queue',
      defaultRedirect: 'satis',
    });
    for (const caller of ['05559990000', '0532 111 22 33', '0532 999 88 77'])
      expect((await call(app, caller)).json(), caller).toEqual({
        status: 'success',
        result: 'queue',
        redirect: 'satis',
      });
  });

  it('greets the known caller by name when a greeting is configured', async () => {
    const { app } = setup({ extension: '912', greeting: 'Sayın {name}, hoş geldiniz' });
    expect((await call(app)).json()).toMatchObject({ data: 'Sayın Can Arslan, hoş geldiniz' });
    expect((await call(app, '05559990000')).json()).not.toHaveProperty('data');
  });
});
