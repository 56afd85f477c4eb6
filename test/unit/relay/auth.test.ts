import { describe, expect, it } from 'vitest';
import { bearerToken, safeEqual } from '../../../relay/http/secrets.ts';
import { findSource, splitPathSecret } from '../../../relay/ingest/pbxSecret.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { AYSE_TOKEN, LOGO_SAMPLE, SECRET, testConfig } from './helpers.ts';

describe('auth helpers', () => {
  it('compares secrets exactly, whatever their lengths', () => {
    expect(safeEqual(SECRET, SECRET)).toBe(true);
    expect(safeEqual(`${SECRET}x`, SECRET)).toBe(false);
    expect(safeEqual(SECRET.slice(0, -1), SECRET)).toBe(false);
    expect(safeEqual('', SECRET)).toBe(false);
    expect(safeEqual(SECRET.toUpperCase(), SECRET)).toBe(false);
  });

  it('reads a bearer token and nothing else from Authorization', () => {
    expect(bearerToken(`Bearer ${SECRET}`)).toBe(SECRET);
    expect(bearerToken(`bearer ${SECRET}`)).toBe(SECRET);
    expect(bearerToken(`Basic ${SECRET}`)).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('splits a /t/SECRET/ path prefix, decoding it', () => {
    expect(splitPathSecret('/t/abc%2Fdef/v1/calls')).toEqual({ secret: 'abc/def', rest: '/v1/calls' });
    expect(splitPathSecret('/logocrm/Default.aspx/IPS_callAnswered')).toEqual({
      rest: '/logocrm/Default.aspx/IPS_callAnswered',
    });
  });

  it('explains whether the secret was missing or wrong', () => {
    const sources = [
      { name: 'a', secret: SECRET },
      { name: 'b', secret: `${SECRET}-other` },
    ];
    expect(findSource([undefined, ''], sources)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^missing/),
    });
    expect(findSource(['nope'], sources)).toEqual({ ok: false, reason: 'wrong PBX secret' });
    expect(findSource([undefined, SECRET], sources)).toEqual({ ok: true, source: sources[0] });
    expect(findSource([`${SECRET}-other`], sources)).toEqual({ ok: true, source: sources[1] });
  });
});

describe('PBX secret on the ingest routes', () => {
  const app = buildApp({ config: testConfig(), logger: false });

  const post = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers, payload: JSON.stringify(LOGO_SAMPLE) });

  it('accepts the secret as a Bearer header, as ?token= and as a /t/SECRET/ path prefix', async () => {
    const ok = [
      await post('/logocrm/Default.aspx/IPS_callAnswered', { authorization: `Bearer ${SECRET}` }),
      await post(`/logocrm/Default.aspx/IPS_callAnswered?token=${SECRET}`),
      await post(`/t/${SECRET}/Default.aspx/IPS_callAnswered`),
      await post(`/t/${SECRET}/logocrm/Default.aspx/IPS_callAnswered`),
      await app.inject({
        method: 'POST',
        url: `/t/${SECRET}/v1/calls`,
        payload: { callId: 'c1', state: 'ringing', extension: '911', callerId: '100' },
      }),
    ];
    for (const res of ok) expect(res.statusCode, res.body).toBe(200);
  });

  it('answers 401 with a reason for a wrong or missing secret', async () => {
    for (const res of [
      await post('/logocrm/Default.aspx/IPS_callAnswered', {
        authorization: 'Bearer wrong-secret-0123456789',
      }),
      await post('/logocrm/Default.aspx/IPS_callAnswered?token=wrong'),
      await post('/t/wrong-secret/Default.aspx/IPS_callAnswered'),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'unauthorized', reason: 'wrong PBX secret' });
    }
    const missing = await post('/logocrm/Default.aspx/IPS_callAnswered');
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({
      error: 'unauthorized',
      reason: expect.stringMatching(/^missing PBX secret/),
    });
  });

  it('does not take an agent token for the PBX secret', async () => {
    const res = await post('/Default.aspx/IPS_callAnswered', { authorization: `Bearer ${AYSE_TOKEN}` });
    expect(res.statusCode).toBe(401);
  });
});
