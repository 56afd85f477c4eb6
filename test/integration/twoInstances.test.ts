// Two relay processes on one Redis, no sticky routing: webhooks to one, agents on the other; one
// instance SIGKILLed while calls are still being posted; the agent resumes on the survivor with its
// last cursor and has every call exactly once, in order. Also scoping, idempotent retries and ring
// groups across instances.
import { afterAll, afterEach, expect, it } from 'vitest';
import { isAfter } from '../../relay/store/eventLog.ts';
import {
  AYSE_TOKEN,
  MEHMET_TOKEN,
  RING_A_TOKEN,
  RING_B_TOKEN,
  RING_GROUP_AGENTS,
  rawConfig,
} from '../unit/relay/helpers.ts';
import { poll, postCall, type TestClient, until, wsAgent, wsCalls } from './helpers/clients.ts';
import { cleanPrefix, describeRedis, REDIS_URL, redisClient, uniquePrefix } from './helpers/redis.ts';
import { Relays } from './helpers/relayProcess.ts';

const relays = new Relays();
const prefixes: string[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await relays.stopAll();
});
afterAll(async () => {
  for (const prefix of prefixes) await cleanPrefix(prefix);
});

/** Two instances on one fresh prefix, started one after the other (the first seeds the agents). */
async function pair() {
  const prefix = uniquePrefix('it');
  prefixes.push(prefix);
  const agents = [...(rawConfig().agents as object[]), ...RING_GROUP_AGENTS];
  const options = { config: { agents, delivery: { longPollMs: 1500 } }, redis: { url: REDIS_URL, prefix } };
  const a = await relays.start(options);
  const b = await relays.start(options);
  return { a, b };
}

async function agent(wsUrl: string, token: string, after = '') {
  const connected = await wsAgent(wsUrl, token, after);
  clients.push(connected.client);
  return connected;
}

describeRedis('two relay instances on one Redis', () => {
  it('survives SIGKILL of the agent’s instance mid-stream: every call exactly once, in order', async () => {
    const { a, b } = await pair();
    const first = await agent(b.ws, AYSE_TOKEN);
    const total = 60;
    const posted: string[] = [];
    // Calls keep coming to A, for ayse and for mehmet, while B dies.
    const posting = (async () => {
      for (let i = 1; i <= total; i++) {
        const extension = i % 4 === 0 ? '912' : '911';
        await postCall(a.url, { callId: `k-${i}`, extension });
        if (extension === '911') posted.push(`k-${i}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await until(() => wsCalls(first.client).length >= 12, 10_000, 'calls on B before the kill');
    await b.kill('SIGKILL');
    const postedAtKill = posted.length;
    await first.client.closed;
    const beforeKill = wsCalls(first.client);
    const cursor = beforeKill.at(-1)?.id ?? '';
    // The extension reconnects to whichever instance answers, with the id it last applied.
    const second = await agent(a.ws, AYSE_TOKEN, cursor);
    await posting;
    await until(
      () => beforeKill.length + wsCalls(second.client).length >= posted.length,
      10_000,
      'every call after reconnecting',
    );
    await second.client.drain(300);
    const received = [...beforeKill, ...wsCalls(second.client)];
    expect(received.map((e) => e.callId)).toEqual(posted);
    for (let i = 1; i < received.length; i++)
      expect(isAfter(received[i]?.id ?? '', received[i - 1]?.id ?? ''), 'ids increase').toBe(true);
    expect(second.client.messages.some((m) => m.type === 'resync')).toBe(false);
    expect(postedAtKill, 'calls were still being posted when B died').toBeLessThan(posted.length);
  }, 60_000);

  it('recovers calls published while an instance’s live-signal connection was cut', async () => {
    const { a, b } = await pair();
    const ayse = await agent(b.ws, AYSE_TOKEN);
    const prefix = prefixes.at(-1) ?? '';
    const admin = redisClient();
    const posted: string[] = [];
    try {
      // Cut every live-signal connection of this pair (B's among them) while calls go to A.
      const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
      const ids = list
        .split('\n')
        .filter((l) => l.includes(` name=${prefix}live `))
        .map((l) => /\bid=(\d+)/.exec(l)?.[1] ?? '');
      expect(ids.length, 'both instances subscribed').toBe(2);
      for (const id of ids) await admin.call('CLIENT', 'KILL', 'ID', id);
      for (let i = 1; i <= 10; i++) {
        await postCall(a.url, { callId: `cut-${i}` });
        posted.push(`cut-${i}`);
      }
    } finally {
      admin.disconnect();
    }
    await until(
      () => wsCalls(ayse.client).length >= posted.length,
      10_000,
      'the calls published during the cut',
    );
    await ayse.client.drain(300);
    expect(wsCalls(ayse.client).map((e) => e.callId)).toEqual(posted);
    expect(b.output(), 'B re-read after resubscribing').toContain('subscribers re-read');
  });

  it('scopes calls by token across instances: an agent never receives another’s call', async () => {
    const { a, b } = await pair();
    const ayse = await agent(b.ws, AYSE_TOKEN);
    const mehmet = await agent(a.ws, MEHMET_TOKEN);
    const mehmetPoll = poll(
      b.url,
      MEHMET_TOKEN,
      mehmet.welcome.type === 'welcome' ? mehmet.welcome.cursor : '',
    );
    await postCall(a.url, { callId: 'for-ayse', extension: '911' });
    await postCall(b.url, { callId: 'for-mehmet', extension: '912' });
    await until(
      () => wsCalls(ayse.client).length === 1 && wsCalls(mehmet.client).length === 1,
      5000,
      'both calls',
    );
    await ayse.client.drain(200);
    expect(wsCalls(ayse.client).map((e) => e.callId)).toEqual(['for-ayse']);
    expect(wsCalls(mehmet.client).map((e) => e.callId)).toEqual(['for-mehmet']);
    expect((await mehmetPoll).events.map((e) => e.callId)).toEqual(['for-mehmet']);
  });

  it('makes one event of the same webhook sent to both instances (PBX retries)', async () => {
    const { a, b } = await pair();
    const ayse = await agent(a.ws, AYSE_TOKEN);
    const hook = { callId: 'retried', extension: '911', state: 'ringing', keypress: '2' };
    const concurrent = await Promise.all([
      postCall(a.url, hook),
      postCall(b.url, hook),
      postCall(a.url, hook),
    ]);
    const later = await postCall(b.url, hook);
    expect(new Set([...concurrent, later]).size).toBe(1);
    await postCall(b.url, { ...hook, state: 'answered', agentId: '911' });
    await until(() => wsCalls(ayse.client).length >= 2, 5000, 'the two distinct events');
    await ayse.client.drain(300);
    expect(wsCalls(ayse.client).map((e) => `${e.callId}/${e.state}`)).toEqual([
      'retried/ringing',
      'retried/answered',
    ]);
  });

  it('rings both ring-group members on different instances and names who answered', async () => {
    const { a, b } = await pair();
    const zeynep = await agent(a.ws, RING_A_TOKEN);
    const emre = await agent(b.ws, RING_B_TOKEN);
    await postCall(a.url, { callId: 'rg', extension: '900', state: 'ringing' });
    await postCall(b.url, { callId: 'rg', extension: '900', state: 'answered', agentId: '900b' });
    for (const member of [zeynep, emre]) {
      await until(() => wsCalls(member.client).length === 2, 5000, 'ringing and answered');
      const [ringing, answered] = wsCalls(member.client);
      expect(ringing).toMatchObject({ callId: 'rg', state: 'ringing' });
      expect(answered).toMatchObject({ callId: 'rg', state: 'answered', answeredBy: 'emre' });
    }
  });
});
