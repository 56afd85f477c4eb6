// Failed logins are throttled per client address and for everyone together, for each kind of
// credential; behind a configured proxy the address is the one the proxy reports.
import { describe, expect, it } from 'vitest';
import { AuthThrottle } from '../../../relay/http/authThrottle.ts';
import { RateLimiter } from '../../../relay/http/rateLimit.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, fakeClock, SECRET, testConfig } from './helpers.ts';

function relay(extra: Record<string, unknown> = {}) {
  const clock = fakeClock();
  const app = buildApp({ config: testConfig(extra), logger: false, clock });
  const contacts = (token: string, ip: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'GET',
      url: '/v1/contacts',
      remoteAddress: ip,
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
  const post = (secret: string, ip: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/calls',
      remoteAddress: ip,
      headers: { authorization: `Bearer ${secret}` },
      payload: { callId: `T${Math.random()}`, state: 'ringing', extension: '911', callerId: '05334979714' },
    });
  const admin = (token: string, ip: string) =>
    app.inject({
      method: 'GET',
      url: '/v1/admin/agents',
      remoteAddress: ip,
      headers: { authorization: `Bearer ${token}` },
    });
  return { app, clock, contacts, post, admin };
}

const LIMITS = { limits: { failedAuthPerAddressPerMinute: 5, failedAuthPerMinute: 12 } };

describe('failed logins', () => {
  it('hold back the guessing address, even with the right token, and not its neighbours', async () => {
    const { contacts, clock } = relay(LIMITS);
    for (let i = 0; i < 5; i++) expect((await contacts('wrong-token', '10.0.0.1')).statusCode).toBe(401);
    const held = await contacts(AYSE_TOKEN, '10.0.0.1');
    expect(held.statusCode).toBe(429);
    expect(held.json().reason).toMatch(
      /too many failed agent token attempts from this address: retry in \d+ s/,
    );
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    expect((await contacts(AYSE_TOKEN, '10.0.0.2')).statusCode).toBe(200);
    // A minute later the allowance is back.
    clock.advance(60_000);
    expect((await contacts(AYSE_TOKEN, '10.0.0.1')).statusCode).toBe(200);
  });

  it('count each credential kind on its own: PBX secret, agent token, admin token', async () => {
    const { contacts, post, admin } = relay(LIMITS);
    for (let i = 0; i < 5; i++)
      expect((await post('wrong-secret-0123456789', '10.0.1.1')).statusCode).toBe(401);
    expect((await post(SECRET, '10.0.1.1')).statusCode).toBe(429);
    expect((await post(SECRET, '10.0.1.2')).statusCode).toBe(200);
    expect((await contacts(AYSE_TOKEN, '10.0.1.1')).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await admin('wrong-admin-token', '10.0.1.3')).statusCode).toBe(401);
    const held = await admin(ADMIN_TOKEN, '10.0.1.3');
    expect(held.statusCode).toBe(429);
    expect(held.json().reason).toMatch(/admin token/);
  });

  it('spread over many addresses: the failing ones wait, a client that never failed does not', async () => {
    const { contacts } = relay(LIMITS);
    // Twelve failures from twelve addresses spend the relay-wide budget for agent tokens.
    for (let i = 0; i < 12; i++) expect((await contacts('wrong-token', `10.0.2.${i}`)).statusCode).toBe(401);
    expect((await contacts('wrong-token', '10.0.2.50')).statusCode).toBe(401);
    expect((await contacts(AYSE_TOKEN, '10.0.2.3')).statusCode).toBe(429);
    expect((await contacts(AYSE_TOKEN, '10.0.3.1')).statusCode).toBe(200);
  });

  it('a missing token is refused but not counted as a guess', async () => {
    const { app } = relay(LIMITS);
    for (let i = 0; i < 10; i++) {
      const res = await app.inject({ method: 'GET', url: '/v1/contacts', remoteAddress: '10.0.4.1' });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('trustProxy', () => {
  it('without it every client behind a proxy shares the proxy address, and one guesser locks all out', async () => {
    const { contacts } = relay(LIMITS);
    for (let i = 0; i < 5; i++)
      await contacts('wrong-token', '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' });
    expect((await contacts(AYSE_TOKEN, '127.0.0.1', { 'x-forwarded-for': '198.51.100.2' })).statusCode).toBe(
      429,
    );
  });

  it('with the proxy listed, each client is counted on its own address', async () => {
    const { contacts } = relay({
      ...LIMITS,
      listen: { host: '127.0.0.1', port: 0, trustProxy: ['127.0.0.1'] },
    });
    for (let i = 0; i < 5; i++)
      await contacts('wrong-token', '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' });
    expect((await contacts(AYSE_TOKEN, '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).statusCode).toBe(
      429,
    );
    expect((await contacts(AYSE_TOKEN, '127.0.0.1', { 'x-forwarded-for': '198.51.100.2' })).statusCode).toBe(
      200,
    );
  });

  it('an address not listed cannot claim another client address', async () => {
    const { contacts } = relay({
      ...LIMITS,
      listen: { host: '127.0.0.1', port: 0, trustProxy: ['10.9.0.0/16'] },
    });
    for (let i = 0; i < 5; i++)
      await contacts('wrong-token', '192.0.2.1', { 'x-forwarded-for': `203.0.113.${i}` });
    expect((await contacts(AYSE_TOKEN, '192.0.2.1', { 'x-forwarded-for': '198.51.100.9' })).statusCode).toBe(
      429,
    );
  });
});

describe('rate-limit buckets', () => {
  it('are dropped once refilled, so many addresses do not grow memory for good', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(clock);
    for (let i = 0; i < 5000; i++) limiter.take(`10.1.${i >> 8}.${i & 255}`, 10);
    expect(limiter.size).toBe(5000);
    clock.advance(61_000);
    limiter.take('10.9.9.9', 10);
    expect(limiter.size).toBe(1);
  });

  it('never hold more than their cap, dropping the least recently used first', () => {
    const limiter = new RateLimiter(fakeClock(), 100);
    for (let i = 0; i < 150; i++) limiter.take(`k${i}`, 10);
    expect(limiter.size).toBe(100);
    const throttle = new AuthThrottle(fakeClock(), {
      failedAuthPerAddressPerMinute: 1,
      failedAuthPerMinute: 100,
    });
    throttle.failed('pbx', '10.0.0.1');
    expect(throttle.check('pbx', '10.0.0.1').ok).toBe(false);
    expect(throttle.check('agent', '10.0.0.1').ok).toBe(true);
  });
});

describe('limits config', () => {
  it('names the field at fault', () => {
    expect(() => testConfig({ limits: { requestTimeoutMs: 'soon' } })).toThrow(/limits\.requestTimeoutMs/);
    expect(() => testConfig({ limits: { nope: 1 } })).toThrow(/limits\.nope is not a known field/);
    expect(() => testConfig({ limits: { idleTimeoutMs: 10_000 } })).toThrow(
      /limits\.idleTimeoutMs must be at least delivery\.longPollMs \+ 1000 \(26000\)/,
    );
    expect(() => testConfig({ limits: { headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 } })).toThrow(
      /limits\.headersTimeoutMs/,
    );
    expect(() => testConfig({ listen: { trustProxy: ['not-an-ip'] } })).toThrow(/listen\.trustProxy\[0\]/);
    expect(() => testConfig({ listen: { trustProxy: 0 } })).toThrow(/listen\.trustProxy/);
    expect(() => testConfig({ delivery: { allowedOrigins: ['https://crm.example.com/'] } })).toThrow(
      /delivery\.allowedOrigins\[0\] must be an origin/,
    );
    expect(testConfig({ listen: { trustProxy: 1 } }).listen.trustProxy).toBe(1);
  });
});
