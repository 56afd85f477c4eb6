// WebSocket sessions: the per-agent connection limit, live token revocation and mapping changes,
// ring groups, and the presence and metrics each delivery records.
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../../relay/http/metrics.ts';
import {
  CLOSE_MAPPING_CHANGED,
  CLOSE_TOO_MANY_CONNECTIONS,
  CLOSE_UNAUTHORIZED,
} from '../../../shared/protocol.ts';
import {
  AYSE_TOKEN,
  MEHMET_TOKEN,
  RING_A_TOKEN,
  RING_B_TOKEN,
  startDeliveryRelay as start,
  type startDeliveryRelay,
} from './helpers.ts';

type Relay = Awaited<ReturnType<typeof startDeliveryRelay>>;
const relays: Relay[] = [];
afterEach(async () => {
  for (const r of relays.splice(0)) await r.close();
});
async function relay(options: Parameters<typeof startDeliveryRelay>[0] = {}) {
  const r = await start(options);
  relays.push(r);
  return r;
}

describe('/v1/stream sessions', () => {
  it('refuses the connection over the per-agent limit with 4429, and keeps the others', async () => {
    const r = await relay({ maxConnectionsPerAgent: 2 });
    const first = await r.hello(AYSE_TOKEN);
    const second = await r.hello(AYSE_TOKEN);
    const third = await r.hello(AYSE_TOKEN);
    expect(third.welcome).toMatchObject({ type: 'error', code: 'too-many-connections' });
    expect((await third.client.closed).code).toBe(CLOSE_TOO_MANY_CONNECTIONS);
    // Another agent is not affected, and a slot freed is usable again.
    expect((await r.hello(MEHMET_TOKEN)).welcome.type).toBe('welcome');
    first.client.close();
    await first.client.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await r.hello(AYSE_TOKEN)).welcome.type).toBe('welcome');
    await r.post({ callId: 'still-live', extension: '911' });
    expect((await second.client.nextOf('call')).event.callId).toBe('still-live');
  });

  it('closes live sessions with 4401 when their token is revoked, and only those', async () => {
    const r = await relay();
    const ayse = await r.hello(AYSE_TOKEN);
    const mehmet = await r.hello(MEHMET_TOKEN);
    r.agents.set(r.agents.agents.filter((a) => a.user !== 'ayse'));
    expect(await ayse.client.nextOf('error')).toMatchObject({
      code: 'unauthorized',
      reason: 'agent token revoked',
    });
    expect((await ayse.client.closed).code).toBe(CLOSE_UNAUTHORIZED);
    await r.post({ callId: 'after-revoke', extension: '912' });
    expect((await mehmet.client.nextOf('call')).event.callId).toBe('after-revoke');
    expect((await r.hello(AYSE_TOKEN)).welcome).toMatchObject({ type: 'error', code: 'unauthorized' });
  });

  it('closes with 4409 when the agent’s mapping changes, so the client reconnects with the new one', async () => {
    const r = await relay();
    const ayse = await r.hello(AYSE_TOKEN);
    r.agents.set(r.agents.agents.map((a) => (a.user === 'ayse' ? { ...a, extensions: ['913'] } : a)));
    expect((await ayse.client.closed).code).toBe(CLOSE_MAPPING_CHANGED);
    const again = await r.hello(AYSE_TOKEN);
    expect(again.welcome).toMatchObject({ type: 'welcome', extensions: ['913'] });
    // A change that leaves her mapping alone (someone else's) keeps her connected.
    r.agents.set(r.agents.agents.map((a) => (a.user === 'mehmet' ? { ...a, name: 'M. Kaya' } : a)));
    await r.post({ callId: 'on-913', extension: '913' });
    expect((await again.client.nextOf('call')).event.callId).toBe('on-913');
  });

  it('rings every member of a ring group and tells them who answered', async () => {
    const r = await relay();
    const a = (await r.hello(RING_A_TOKEN)).client;
    const b = (await r.hello(RING_B_TOKEN)).client;
    const ayse = (await r.hello(AYSE_TOKEN)).client;
    await r.post({ callId: 'rg-1', extension: '900', state: 'ringing' });
    await r.post({ callId: 'rg-1', extension: '900', state: 'answered', agentId: '900b' });
    for (const member of [a, b]) {
      expect((await member.nextOf('call')).event).toMatchObject({ callId: 'rg-1', state: 'ringing' });
      const answered = (await member.nextOf('call')).event;
      expect(answered).toMatchObject({ state: 'answered', agentId: '900b', answeredBy: 'emre' });
    }
    expect(
      (await ayse.drain(50)).filter((m) => m.type === 'call'),
      'not in the group',
    ).toEqual([]);
  });

  it('records connections by transport, deliveries and delivery latency', async () => {
    const metrics = new Metrics();
    const r = await relay({ metrics });
    const { client } = await r.hello(AYSE_TOKEN);
    expect(await metrics.value('screenpop_connected_agents', { transport: 'ws' })).toBe(1);
    await r.post({ callId: 'm-1', extension: '911' });
    await client.nextOf('call');
    expect(await metrics.value('screenpop_deliveries_total', { transport: 'ws' })).toBe(1);
    expect(await metrics.render()).toMatch(/screenpop_delivery_latency_seconds_count 1/);
    client.close();
    await client.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await metrics.value('screenpop_connected_agents', { transport: 'ws' })).toBe(0);
  });
});
