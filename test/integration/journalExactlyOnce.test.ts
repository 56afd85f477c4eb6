// Exactly once, the hard way: a real relay process writes a missed call to a vtiger that hangs,
// is SIGKILLed with the records queued but not written, and a new process on the same store finds
// the CRM answering 500 three times and then dropping the answer to a create it saved. In the end
// the CRM holds one call activity and one task for that call, never two.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeVtiger, startFakeVtiger } from '../fixtures/crm/fakeVtiger.ts';
import { SECRET } from '../unit/relay/helpers.ts';
import { until } from './helpers/clients.ts';
import { cleanPrefix, describeRedis, REDIS_URL, uniquePrefix } from './helpers/redis.ts';
import { Relays } from './helpers/relayProcess.ts';

const KEY = 'journalAccessKey123';
const relays = new Relays();
const dir = mkdtempSync(join(tmpdir(), 'screenpop-journal-'));
let vtiger: FakeVtiger | undefined;
const prefixes: string[] = [];
afterAll(async () => {
  await relays.stopAll();
  await vtiger?.close();
  rmSync(dir, { recursive: true, force: true });
  for (const prefix of prefixes) await cleanPrefix(prefix);
});

const post = async (base: string, payload: Record<string, unknown>) => {
  const res = await fetch(`${base}/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ direction: 'inbound', callerId: '05321112233', extension: '911', ...payload }),
  });
  expect(res.status).toBe(200);
};

describe('call journal across a crash and a failing CRM', () => {
  it('writes one call activity and one task for a missed call, whatever happens between', async () => {
    vtiger = await startFakeVtiger({ users: [{ id: 1, user_name: 'screenpop', accessKey: KEY }] });
    const fake = vtiger;
    const config = {
      store: { kind: 'sqlite', path: join(dir, 'screenpop.db') },
      journal: {
        writers: [
          { name: 'vt', kind: 'vtiger', url: fake.url, username: 'screenpop', accessKeyEnv: 'VT_KEY' },
        ],
        settleSeconds: 0,
        crmUsers: { ayse: '1' },
      },
    };
    const env = { VT_KEY: KEY };
    // The CRM hangs: the records get queued, but no write can finish.
    fake.hang = true;
    const first = await relays.start({ config, env });
    await post(first.url, { callId: 'k1', state: 'ringing' });
    await post(first.url, { callId: 'k1', state: 'missed' });
    await until(
      () => first.output().includes('journal: call queued for the CRM'),
      10_000,
      'the records queued',
    );
    // Killed mid-write: the records were claimed and a request to the CRM is under way.
    await until(() => fake.held > 0, 10_000, 'a write under way');
    await first.kill('SIGKILL');
    expect(fake.created, 'nothing written before the crash').toEqual([]);

    // Back up, but failing: three 500s, then a create saved whose answer is lost.
    fake.hang = false;
    fake.fail500 = 3;
    fake.dropAfterCreate = 1;
    const second = await relays.start({ config, env });
    await until(
      () =>
        fake.created.filter((r) => r.module === 'Events').length >= 1 &&
        fake.created.some((r) => r.module === 'Calendar'),
      45_000,
      'the call and the task in the CRM',
    );
    // Let any duplicate that would come, come: the outbox retries within seconds.
    await until(
      () => second.output().split('journal: record written').length - 1 >= 2,
      30_000,
      'both marked written',
    );
    await new Promise((r) => setTimeout(r, 3000));
    const events = fake.created.filter((r) => r.module === 'Events');
    const tasks = fake.created.filter((r) => r.module === 'Calendar');
    expect(fake.dropAfterCreate, 'a create was saved and its answer lost').toBe(0);
    expect(fake.fail500, 'the three 500s were answered').toBe(0);
    expect(events, 'one call activity').toHaveLength(1);
    expect(tasks, 'one task').toHaveLength(1);
    expect(events[0]?.fields).toMatchObject({ activitytype: 'Call', eventstatus: 'Not Held' });
    expect(tasks[0]?.fields.subject).toContain('Missed call from +905321112233');
    // The admin sees both written.
    const list = await fetch(`${second.url}/v1/admin/journal`, {
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
    }).then((r) => r.json());
    expect(list.entries.map((e: { status: string }) => e.status)).toEqual(['written', 'written']);
    expect(list.pending).toBe(0);
  }, 120_000);
});

describeRedis('call journal with two relay instances on one Redis', () => {
  it('every instance sees the call; the CRM gets one call activity and one task', async () => {
    const fake = await startFakeVtiger({ users: [{ id: 1, user_name: 'screenpop', accessKey: KEY }] });
    try {
      const prefix = uniquePrefix('journal');
      prefixes.push(prefix);
      const options = {
        config: {
          journal: {
            writers: [
              { name: 'vt', kind: 'vtiger', url: fake.url, username: 'screenpop', accessKeyEnv: 'VT_KEY' },
            ],
            settleSeconds: 0,
          },
        },
        redis: { url: REDIS_URL, prefix },
        env: { VT_KEY: KEY },
      };
      const a = await relays.start(options);
      const b = await relays.start(options);
      fake.fail500 = 3;
      // The PBX's webhooks land on either instance behind the load balancer.
      await post(a.url, { callId: 'r1', state: 'ringing' });
      await post(b.url, { callId: 'r1', state: 'missed' });
      await until(
        () =>
          fake.created.some((r) => r.module === 'Events') &&
          fake.created.some((r) => r.module === 'Calendar'),
        45_000,
        'the call and the task in the CRM',
      );
      await new Promise((r) => setTimeout(r, 4000));
      expect(
        fake.created.filter((r) => r.module === 'Events'),
        'one call activity',
      ).toHaveLength(1);
      expect(
        fake.created.filter((r) => r.module === 'Calendar'),
        'one task',
      ).toHaveLength(1);
      const queued =
        a.output().split('journal: call queued').length + b.output().split('journal: call queued').length - 2;
      expect(queued, 'one instance queued the call').toBe(1);
      // Both instances answer the admin from the one shared outbox.
      for (const relay of [a, b]) {
        const list = await fetch(`${relay.url}/v1/admin/journal`, {
          headers: { authorization: 'Bearer test-admin-token-0123456789' },
        }).then((r) => r.json());
        expect(list.entries.map((e: { status: string }) => e.status)).toEqual(['written', 'written']);
      }
    } finally {
      await fake.close();
    }
  }, 120_000);
});
