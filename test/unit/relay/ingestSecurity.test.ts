import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../relay/http/rateLimit.ts';
import { IpAllowList, parseCidr } from '../../../relay/ingest/ipAllow.ts';
import { sign } from '../../../relay/ingest/signature.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { AUTH, fixture, pbxApp } from '../../fixtures/pbx/pbxApp.ts';
import { captureLog, fakeClock, LOGO_SAMPLE, SECRET, testConfig } from './helpers.ts';

const NETGSM = 'netgsm-source-secret-0123456789';
const LAB = 'lab-source-secret-0123456789';
const HMAC = 'lab-hmac-key-0123456789abcdef';
const LOGO = JSON.stringify(LOGO_SAMPLE);
const LOGO_PATH = '/logocrm/Default.aspx/IPS_callAnswered';

let current: ReturnType<typeof pbxApp> | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

function setup(sources: Record<string, unknown>[], pbx: Record<string, unknown> = { secret: SECRET }) {
  current = pbxApp({ pbx: { ...pbx, netsantral: { extension: '911' }, sources } });
  return current;
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe('PBX secrets per source', () => {
  it('accepts each source’s own secret, and pbx.secret as before', async () => {
    const { app } = setup([{ name: 'netgsm', secret: NETGSM }]);
    for (const headers of [bearer(SECRET), bearer(NETGSM)])
      expect((await app.inject({ method: 'POST', url: LOGO_PATH, headers, payload: LOGO })).statusCode).toBe(
        200,
      );
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/t/${NETGSM}/v1/pbx/netsantral`,
          payload: fixture('netsantral.json'),
        })
      ).statusCode,
    ).toBe(200);
  });

  it('works with named sources instead of pbx.secret', async () => {
    const { app } = setup([{ name: 'netgsm', secret: NETGSM }], {});
    expect(
      (await app.inject({ method: 'POST', url: LOGO_PATH, headers: bearer(NETGSM), payload: LOGO }))
        .statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: LOGO_PATH, headers: bearer(SECRET), payload: LOGO }))
        .statusCode,
    ).toBe(401);
  });

  it('refuses a format the source is not allowed, with 403 and the reason', async () => {
    const { app, rejects } = setup([{ name: 'netgsm', secret: NETGSM, formats: ['netsantral'] }]);
    const res = await app.inject({ method: 'POST', url: LOGO_PATH, headers: bearer(NETGSM), payload: LOGO });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: 'forbidden',
      reason: 'source netgsm may not use the logo format (allowed: netsantral)',
    });
    expect(await rejects('forbidden-format')).toBe(1);
    const allowed = await app.inject({
      method: 'POST',
      url: '/v1/pbx/netsantral',
      headers: bearer(NETGSM),
      payload: fixture('netsantral.json'),
    });
    expect(allowed.statusCode).toBe(200);
  });

  it('never logs a secret, right or wrong', async () => {
    const log = captureLog();
    const config = testConfig({
      pbx: { secret: SECRET, sources: [{ name: 'lab', secret: LAB, hmacSecret: HMAC }] },
    });
    const app = buildApp({ config, logger: { stream: log.stream } });
    await app.inject({ method: 'POST', url: `/t/${LAB}/v1/calls`, payload: '{}' });
    await app.inject({ method: 'POST', url: `${LOGO_PATH}?token=${SECRET}x`, payload: LOGO });
    await app.inject({ method: 'GET', url: `/v1/pbx/vtiger/ProcessCDR?secretkey=${SECRET}` });
    await app.inject({ method: 'POST', url: LOGO_PATH, headers: bearer(LAB), payload: LOGO });
    await app.close();
    expect(log.text()).toContain('PBX request refused');
    for (const secret of [SECRET, LAB, HMAC]) expect(log.text()).not.toContain(secret);
  });
});

describe('HMAC signatures', () => {
  const signed = (body: string, timestamp: number, secret = HMAC) => ({
    ...bearer(LAB),
    'x-screenpop-timestamp': String(timestamp),
    'x-screenpop-signature': sign(secret, String(timestamp), body),
  });

  it('accepts a good signature over timestamp.body', async () => {
    const { app, clock } = setup([{ name: 'lab', secret: LAB, hmacSecret: HMAC }]);
    const now = Math.floor(clock.now() / 1000);
    const res = await app.inject({
      method: 'POST',
      url: LOGO_PATH,
      headers: signed(LOGO, now),
      payload: LOGO,
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('refuses a missing, wrong or body-mismatched signature with 401', async () => {
    const { app, clock, rejects } = setup([{ name: 'lab', secret: LAB, hmacSecret: HMAC }]);
    const now = Math.floor(clock.now() / 1000);
    const cases = [
      { headers: bearer(LAB), reason: /must sign/ },
      { headers: signed(LOGO, now, 'some-other-key-0123456789'), reason: /does not match/ },
      { headers: signed(LOGO.replace('911', '912'), now), reason: /does not match/ },
      { headers: { ...signed(LOGO, now), 'x-screenpop-signature': 'md5=abc' }, reason: /sha256=/ },
    ];
    for (const { headers, reason } of cases) {
      const res = await app.inject({ method: 'POST', url: LOGO_PATH, headers, payload: LOGO });
      expect(res.statusCode).toBe(401);
      expect(res.json().reason).toMatch(reason);
    }
    expect(await rejects('bad-signature')).toBe(4);
  });

  it('refuses a timestamp more than 5 minutes away, either way', async () => {
    const { app, clock, rejects } = setup([{ name: 'lab', secret: LAB, hmacSecret: HMAC }]);
    const now = Math.floor(clock.now() / 1000);
    for (const t of [now - 301, now + 301]) {
      const res = await app.inject({
        method: 'POST',
        url: LOGO_PATH,
        headers: signed(LOGO, t),
        payload: LOGO,
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().reason).toMatch(/5 minutes/);
    }
    expect(await rejects('stale-timestamp')).toBe(2);
    const edge = await app.inject({
      method: 'POST',
      url: LOGO_PATH,
      headers: signed(LOGO, now - 299),
      payload: LOGO,
    });
    expect(edge.statusCode).toBe(200);
  });

  it('does not ask other sources to sign', async () => {
    const { app } = setup([{ name: 'lab', secret: LAB, hmacSecret: HMAC }]);
    expect(
      (await app.inject({ method: 'POST', url: LOGO_PATH, headers: AUTH, payload: LOGO })).statusCode,
    ).toBe(200);
  });
});

describe('IP allowlist', () => {
  it('lets a source post only from its networks, IPv4, IPv6 and IPv4-mapped', async () => {
    const { app, rejects } = setup([
      { name: 'lab', secret: LAB, allowIps: ['10.0.0.0/8', '2001:db8::/32', '::1/128'] },
    ]);
    const post = (remoteAddress: string) =>
      app.inject({ method: 'POST', url: LOGO_PATH, headers: bearer(LAB), payload: LOGO, remoteAddress });
    for (const ip of ['10.1.2.3', '::ffff:10.1.2.3', '2001:db8::5', '::1'])
      expect((await post(ip)).statusCode, ip).toBe(200);
    for (const ip of ['192.168.1.10', '::ffff:192.168.1.10', '2001:db9::1', '127.0.0.1']) {
      const res = await post(ip);
      expect(res.statusCode, ip).toBe(403);
      expect(res.json().reason).toBe(`source lab may not post from ${ip}`);
    }
    expect(await rejects('forbidden-ip')).toBe(4);
  });

  it('parses CIDRs the way an admin writes them', () => {
    const list = new IpAllowList(['127.0.0.1/32', '::ffff:172.16.0.0/108', 'fe80::1']);
    expect(list.allows('127.0.0.1')).toBe(true);
    expect(list.allows('::ffff:127.0.0.1')).toBe(true);
    expect(list.allows('172.16.200.1')).toBe(true);
    expect(list.allows('172.32.0.1')).toBe(false);
    expect(list.allows('fe80::1%eth0')).toBe(true);
    expect(list.allows('not an ip')).toBe(false);
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0', '10.0.0.0/8/1', 'example.com', '10.0.0.0/x'])
      expect(parseCidr(bad), bad).toBeNull();
    expect(parseCidr('0.0.0.0/0') && new IpAllowList(['0.0.0.0/0']).allows('8.8.8.8')).toBe(true);
    expect(new IpAllowList(['0.0.0.0/0']).allows('2001:db8::1')).toBe(false);
  });

  it('refuses the legacy IPv4 spellings that would open another network, and keeps v4 and v6 apart', () => {
    // inet_aton would read 010.1.1.1 as 8.1.1.1 and 10.1 as 10.0.0.1.
    for (const bad of ['010.1.1.1', '10.1', '0x0a.0.0.1', '10.0.0.0/ 8', ''])
      expect(parseCidr(bad), JSON.stringify(bad)).toBeNull();
    const v4 = new IpAllowList(['10.0.0.0/8']);
    expect(v4.allows('010.1.1.1'), 'not an address, not 8.1.1.1').toBe(false);
    expect(v4.allows('::ffff:a01:203'), 'IPv4-mapped in hex groups').toBe(true);
    expect(v4.allows('::a01:203'), 'IPv4-compatible is not IPv4-mapped').toBe(false);
    const v6 = new IpAllowList(['::/0']);
    expect(v6.allows('2001:db8::1')).toBe(true);
    expect(v6.allows('10.1.2.3'), 'an IPv4 peer is not in an IPv6 rule').toBe(false);
    expect(new IpAllowList(['::ffff:0:0/96']).allows('192.0.2.1'), 'all of IPv4, written mapped').toBe(true);
  });
});

describe('rate limit per source', () => {
  it('answers 429 with Retry-After once a source is over its rate, and lets it in again later', async () => {
    const { app, clock, rejects } = setup([{ name: 'lab', secret: LAB, ratePerMinute: 3 }]);
    let n = 0;
    // A new call each time, so no post is a retry of another.
    const post = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/v1/calls',
        headers,
        payload: { callId: `c${++n}`, state: 'ringing', extension: '911', callerId: '1' },
      });
    for (let i = 0; i < 3; i++) expect((await post(bearer(LAB))).statusCode).toBe(200);
    const limited = await post(bearer(LAB));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('20');
    expect(limited.json()).toMatchObject({ error: 'rate-limited' });
    expect(await rejects('rate-limited')).toBe(1);
    // Other sources keep their own allowance.
    expect((await post(AUTH)).statusCode).toBe(200);
    clock.advance(20_000);
    expect((await post(bearer(LAB))).statusCode).toBe(200);
    expect((await post(bearer(LAB))).statusCode).toBe(429);
  });

  it('refills at the configured rate (token bucket)', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock);
    for (let i = 0; i < 60; i++) expect(limiter.take('a', 60).ok).toBe(true);
    expect(limiter.take('a', 60)).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.advance(5_000);
    const taken = Array.from({ length: 6 }, () => limiter.take('a', 60).ok);
    expect(taken).toEqual([true, true, true, true, true, false]);
  });
});

describe('refusals are counted', () => {
  it('by reason: unauthorized, not-found', async () => {
    const { app, rejects } = setup([]);
    await app.inject({ method: 'POST', url: LOGO_PATH, payload: LOGO });
    await app.inject({
      method: 'POST',
      url: LOGO_PATH,
      headers: bearer('wrong-secret-0123456789'),
      payload: LOGO,
    });
    await app.inject({ method: 'POST', url: '/nothing/here', headers: AUTH, payload: LOGO });
    expect(await rejects('unauthorized')).toBe(2);
    expect(await rejects('not-found')).toBe(1);
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('screenpop_rejects_total{reason="unauthorized"} 2');
  });
});
