import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, fixture, pbxApp } from '../../fixtures/pbx/pbxApp.ts';
import { SECRET } from './helpers.ts';

let current: ReturnType<typeof pbxApp> | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

function setup(pbx: Record<string, unknown> = {}) {
  current = pbxApp({ pbx: { secret: SECRET, ...pbx } });
  return current;
}

describe('UIS over HTTP', () => {
  it('follows a call through RINGING, ANSWERED and HANGUP with its recording', async () => {
    const { app, stored } = setup();
    for (const file of ['uis-ringing.json', 'uis-answered.json', 'uis-hangup.json']) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/pbx/uis',
        headers: AUTH,
        payload: fixture(file),
      });
      expect(res.statusCode, `${file}: ${res.body}`).toBe(200);
      expect(res.json()).toMatchObject({ ok: true, id: expect.any(String) });
    }
    const events = await stored('101');
    expect(events.map((e) => e.state)).toEqual(['ringing', 'answered', 'hangup']);
    expect(events[2]?.recordingUrl).toMatch(/^https:\/\/app\.uiscom\.ru\//);
  });

  it('sends a MISSED call without extension to every configured fallback agent', async () => {
    const { app, stored } = setup({ uis: { fallbackExtensions: ['911', '912'] } });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pbx/uis',
      headers: AUTH,
      payload: fixture('uis-missed.json'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().ids).toHaveLength(2);
    expect((await stored('911')).map((e) => e.state)).toEqual(['missed']);
    expect((await stored('912')).map((e) => e.state)).toEqual(['missed']);
  });

  it('refuses a MISSED call without extension when no fallback is configured', async () => {
    const { app } = setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pbx/uis',
      headers: AUTH,
      payload: fixture('uis-missed.json'),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad-request', field: 'user_extension' });
  });
});

describe('vtiger / ParsVT ProcessCDR over HTTP', () => {
  const query = fixture('vtiger-processcdr.query.txt').trim();

  it('accepts a GET with secretkey in the query and answers like ParsVT', async () => {
    const { app, stored } = setup();
    const res = await app.inject({
      method: 'GET',
      url: `/v1/pbx/vtiger/ProcessCDR?secretkey=${SECRET}&${query}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ success: true, result: 'test.1' });
    expect(await stored('101')).toEqual([expect.objectContaining({ state: 'ringing', source: 'vtiger' })]);
  });

  it('accepts a form POST with secretkey among the fields, whatever the case of the method name', async () => {
    const { app, stored } = setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pbx/vtiger/processcdr',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `secretkey=${SECRET}&${query.replace('event=ringing', 'event=no-answer')}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await stored('101')).map((e) => e.state)).toEqual(['missed']);
  });

  it('accepts a POST with every field in the query and no body', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'POST', url: `/t/${SECRET}/v1/pbx/vtiger/ProcessCDR?${query}` });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('refuses a wrong or missing secretkey, and bad fields, in ParsVT’s shape', async () => {
    const { app } = setup();
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/pbx/vtiger/ProcessCDR',
      payload: `secretkey=not-the-secret-000000&${query}`,
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ success: false, error: 'unauthorized', reason: 'wrong PBX secret' });
    const missing = await app.inject({ method: 'POST', url: '/v1/pbx/vtiger/ProcessCDR', payload: query });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().reason).toMatch(/secretkey/);
    const bad = await app.inject({
      method: 'GET',
      url: `/v1/pbx/vtiger/ProcessCDR?secretkey=${SECRET}&${query.replace('event=ringing', 'event=ended')}`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ success: false, error: 'bad-request', field: 'event' });
  });
});

describe('3CX call journaling over HTTP', () => {
  it('stores a missed inbound call on the agent’s extension', async () => {
    const { app, stored } = setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pbx/journal',
      headers: AUTH,
      payload: {
        duration: '0',
        direction: 'in',
        from: '+49 30 1234567',
        to: '912',
        hangup_cause: 'notAnswered',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await stored('912')).toEqual([
      expect.objectContaining({
        state: 'missed',
        callerId: '+49 30 1234567',
        direction: 'inbound',
        source: 'threecx',
      }),
    ]);
  });

  it('stores an answered outbound call as ended on the caller’s extension', async () => {
    const { app, stored } = setup();
    await app.inject({
      method: 'POST',
      url: '/v1/pbx/journal',
      headers: AUTH,
      payload: { duration: '01:05', direction: 'out', from: '911', to: '05334979714' },
    });
    expect(await stored('911')).toEqual([
      expect.objectContaining({ state: 'hangup', direction: 'outbound' }),
    ]);
  });

  it('takes a retried journal post as the same call', async () => {
    const { app, stored } = setup();
    const payload = { duration: '42', direction: 'in', from: '+49 30 1234567', to: '912' };
    const first = await app.inject({ method: 'POST', url: '/v1/pbx/journal', headers: AUTH, payload });
    const retry = await app.inject({ method: 'POST', url: '/v1/pbx/journal', headers: AUTH, payload });
    expect(retry.json().id).toBe(first.json().id);
    expect(await stored('912')).toHaveLength(1);
  });
});

describe('methods', () => {
  it('answers 405 naming the method to use for a known path', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'GET', url: '/v1/pbx/uis', headers: AUTH });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.json()).toMatchObject({ error: 'method-not-allowed', reason: 'use POST' });
  });
});
