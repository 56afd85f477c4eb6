// One-time pairing codes: the admin issues one for an agent, the agent's browser trades it once for
// its own token.
import { describe, expect, it } from 'vitest';
import { normalizePairingCode, PAIRING_TTL_MS } from '../../../relay/agents/agentChanges.ts';
import { DEFAULT_LIMITS } from '../../../relay/http/limits.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { ADMIN_TOKEN, fakeClock, testConfig } from './helpers.ts';

function setup(extra: Record<string, unknown> = {}) {
  const clock = fakeClock();
  const app = buildApp({ config: testConfig(extra), logger: false, clock });
  const issue = (user: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/admin/agents/${user}/pairing`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
  const pair = (code: unknown, ip = '10.0.0.1') =>
    app.inject({
      method: 'POST',
      url: '/v1/pair',
      remoteAddress: ip,
      headers: { origin: 'chrome-extension://dhabiokniikknfidbhccdfcpelbijnna' },
      payload: { code },
    });
  const contacts = (token: string) =>
    app.inject({ method: 'GET', url: '/v1/contacts', headers: { authorization: `Bearer ${token}` } });
  return { app, clock, issue, pair, contacts };
}

describe('pairing codes', () => {
  it('trade once for a working agent token of that agent', async () => {
    const { issue, pair, contacts } = setup();
    const res = await issue('mehmet');
    expect(res.statusCode, res.body).toBe(201);
    const { code } = res.json();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    // Typed by a person: lower case and without the dash works too.
    const paired = await pair(code.toLowerCase().replace('-', ' '));
    expect(paired.statusCode, paired.body).toBe(200);
    expect(paired.headers['access-control-allow-origin']).toBe(
      'chrome-extension://dhabiokniikknfidbhccdfcpelbijnna',
    );
    const { token, user } = paired.json();
    expect(user).toBe('mehmet');
    expect((await contacts(token)).statusCode).toBe(200);
    const again = await pair(code);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ field: 'code' });
  });

  it('expire after 15 minutes', async () => {
    const { issue, pair, clock } = setup();
    const { code } = (await issue('ayse')).json();
    clock.advance(PAIRING_TTL_MS + 1);
    expect((await pair(code)).statusCode).toBe(404);
  });

  it('is not itself a token, and needs the admin token to be issued', async () => {
    const { app, issue, contacts } = setup();
    const { code } = (await issue('ayse')).json();
    expect((await contacts(code)).statusCode).toBe(401);
    expect((await contacts(normalizePairingCode(code))).statusCode).toBe(401);
    const anonymous = await app.inject({ method: 'POST', url: '/v1/admin/agents/ayse/pairing' });
    expect(anonymous.statusCode).toBe(401);
    expect((await issue('nobody')).statusCode).toBe(404);
  });

  it('refuses junk with a reason and slows down guessing per address', async () => {
    const { pair } = setup();
    expect((await pair(42)).statusCode).toBe(400);
    for (let i = 0; i < DEFAULT_LIMITS.pairingPerAddressPerMinute; i++)
      expect((await pair('AAAA-AAAA', '10.9.9.9')).statusCode).toBe(404);
    const limited = await pair('AAAA-AAAA', '10.9.9.9');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // Another address is not slowed down.
    expect((await pair('AAAA-AAAA', '10.9.9.10')).statusCode).toBe(404);
  });

  it('slows down guessing spread over many addresses, for all of them', async () => {
    const { pair } = setup({ limits: { pairingPerMinute: 30 } });
    for (let i = 0; i < 30; i++) expect((await pair('AAAA-AAAA', `10.1.0.${i}`)).statusCode).toBe(404);
    const limited = await pair('AAAA-AAAA', '10.1.1.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().reason).toMatch(/on this relay/);
  });

  it('gives one agent at most pairingPerAgentPerHour tokens an hour, and a refused code stays valid', async () => {
    // Six an hour: one more every ten minutes, within a code's fifteen.
    const { issue, pair, clock } = setup({ limits: { pairingPerAgentPerHour: 6 } });
    for (let i = 0; i < 6; i++) {
      const { code } = (await issue('ayse')).json();
      expect((await pair(code, `10.2.0.${i}`)).statusCode).toBe(200);
    }
    const { code } = (await issue('ayse')).json();
    const refused = await pair(code, '10.2.0.9');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().reason).toMatch(/agent ayse was paired 6 times this hour/);
    // Another agent is not held back, and Ayşe's code works once the hour has passed.
    expect((await pair((await issue('mehmet')).json().code, '10.2.0.10')).statusCode).toBe(200);
    clock.advance(11 * 60_000);
    expect((await pair(code, '10.2.0.9')).statusCode).toBe(200);
  });
});
