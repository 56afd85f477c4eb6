// The call journal end to end inside one relay: calls posted by a PBX become one call record each
// (and a task for a missed one) in every writer, retried with backoff until written, parked in the
// dead-letter list with the CRM's reason when they keep failing, and retried by the admin.
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalRecord, JournalWriter, WriteResult } from '../../../../relay/journal/journalTypes.ts';
import { WriteError } from '../../../../relay/journal/journalTypes.ts';
import { buildApp } from '../../../../relay/server/app.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, MEHMET_TOKEN, SECRET, tempDir, testConfig } from '../helpers.ts';

/** A writer that records what it wrote and fails as the test says. */
class RecordingWriter implements JournalWriter {
  readonly kind = 'test';
  readonly written: JournalRecord[] = [];
  attempts = 0;
  failures: (Error | undefined)[] = [];

  constructor(readonly name = 'crm') {}

  async write(record: JournalRecord): Promise<WriteResult> {
    this.attempts++;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.written.push(record);
    return { crmId: `18x${this.written.length}` };
  }

  async close() {}
}

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function relay(
  writers: JournalWriter[],
  journal: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  const dir = tempDir();
  dir.write(
    'contacts.csv',
    'id,kind,name,company_id,company,phones,owner,updated_at\n7,person,Ali Veli,,,0532 111 22 33,mehmet,\n',
  );
  const config = testConfig(
    {
      contacts: { file: 'contacts.csv' },
      journal: {
        writers: [
          {
            name: 'hook',
            kind: 'webhook',
            url: 'http://127.0.0.1:9/hook',
            secret: 'journal-secret-0123456789',
          },
        ],
        settleSeconds: 0,
        crmUsers: { ayse: '5', mehmet: '6' },
        ...journal,
      },
      ...extra,
    },
    dir.dir,
  );
  const app = buildApp({ config, logger: false, journalWriters: writers, journalRetryBaseMs: 50 });
  apps.push(app);
  await app.ready();
  const post = async (payload: Record<string, unknown>) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: { authorization: `Bearer ${SECRET}` },
      payload: { direction: 'inbound', ...payload },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  const admin = async (status?: string) =>
    (
      await app.inject({
        method: 'GET',
        url: `/v1/admin/journal${status ? `?status=${status}` : ''}`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json();
  return { app, post, admin };
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the call journal', () => {
  it('a missed call from a known caller: one call record and one task for the contact owner', async () => {
    const crm = new RecordingWriter();
    const { post } = await relay([crm]);
    await post({ callId: 'm1', state: 'ringing', extension: '911', callerId: '05321112233' });
    await post({ callId: 'm1', state: 'missed', extension: '911', callerId: '05321112233' });
    await until('two records', () => crm.written.length === 2);
    const [call, task] = crm.written;
    expect(call).toMatchObject({
      type: 'call',
      callId: 'm1',
      status: 'missed',
      direction: 'inbound',
      phone: '+905321112233',
      contact: { id: '7', name: 'Ali Veli' },
      durationSeconds: 0,
    });
    expect(call?.agent, 'nobody answered').toBeUndefined();
    expect(task).toMatchObject({
      type: 'task',
      subject: 'Missed call from Ali Veli / +905321112233',
      agent: { user: 'mehmet', crmUserId: '6' },
    });
    expect(call?.idempotencyKey).not.toBe(task?.idempotencyKey);
    // The PBX retries its last webhook: nothing more is written.
    await post({ callId: 'm1', state: 'missed', extension: '911', callerId: '05321112233' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(crm.written).toHaveLength(2);
  });

  it('an answered call: one held record owned by the answering agent, with duration and recording; no task', async () => {
    const crm = new RecordingWriter();
    const { post } = await relay([crm]);
    await post({ callId: 'h1', state: 'ringing', extension: '911', callerId: '05559990000' });
    await post({ callId: 'h1', state: 'answered', extension: '911', callerId: '05559990000' });
    await new Promise((r) => setTimeout(r, 1100));
    await post({
      callId: 'h1',
      state: 'hangup',
      extension: '911',
      callerId: '05559990000',
      recordingUrl: 'https://pbx.example/rec/h1.mp3',
    });
    const [record] = await until('the record', () => crm.written.length === 1 && crm.written);
    expect(record).toMatchObject({
      type: 'call',
      status: 'held',
      agent: { user: 'ayse', crmUserId: '5', extension: '911' },
      recordingUrl: 'https://pbx.example/rec/h1.mp3',
    });
    expect(record?.contact, 'an unknown caller').toBeUndefined();
    expect(record?.durationSeconds).toBeGreaterThanOrEqual(1);
  });

  it('retries a CRM that is down, writing the record once when it is back', async () => {
    const crm = new RecordingWriter();
    crm.failures = [
      new WriteError('vt: HTTP 503', true),
      new Error('ECONNREFUSED'),
      new WriteError('timeout', true),
    ];
    const { post, admin } = await relay([crm], { missedCallTasks: false });
    await post({ callId: 'r1', state: 'answered', extension: '911', callerId: '05321112233' });
    await post({ callId: 'r1', state: 'hangup', extension: '911', callerId: '05321112233' });
    await until('written', () => crm.written.length === 1, 10_000);
    expect(crm.attempts).toBe(4);
    const list = await admin();
    expect(list.entries[0]).toMatchObject({ callId: 'r1', status: 'written', attempts: 4, crmId: '18x1' });
    expect(list.pending).toBe(0);
  });

  it('a refusal goes to the dead-letter list with its reason; the admin retries it once fixed', async () => {
    const crm = new RecordingWriter();
    crm.failures = [new WriteError('vt: login refused: INVALID_USER_CREDENTIALS', false)];
    const { app, post, admin } = await relay([crm], { missedCallTasks: false });
    await post({ callId: 'd1', state: 'missed', extension: '912', callerId: '05321112233' });
    const dead = await until('dead', () => crm.attempts === 1);
    expect(dead).toBe(true);
    await until('listed', () => true);
    const list = await admin('dead');
    expect(list.dead).toBe(1);
    expect(list.entries[0]).toMatchObject({
      callId: 'd1',
      status: 'dead',
      lastError: expect.stringContaining('INVALID_USER_CREDENTIALS'),
    });
    // The agent's popup row says why.
    const status = await app.inject({
      method: 'GET',
      url: '/v1/journal/status?callId=d1',
      headers: { authorization: `Bearer ${MEHMET_TOKEN}` },
    });
    expect(status.json().calls.d1).toMatchObject({
      state: 'dead',
      reason: expect.stringContaining('login refused'),
    });
    const other = await app.inject({
      method: 'GET',
      url: '/v1/journal/status?callId=d1',
      headers: { authorization: `Bearer ${AYSE_TOKEN}` },
    });
    expect(other.json().calls, 'not her call').toEqual({});
    const retried = await app.inject({
      method: 'POST',
      url: '/v1/admin/journal/retry',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { key: list.entries[0].key, writer: 'crm' },
    });
    expect(retried.statusCode).toBe(200);
    await until('written after the retry', () => crm.written.length === 1);
    const after = await app.inject({
      method: 'GET',
      url: '/v1/journal/status?callId=d1',
      headers: { authorization: `Bearer ${MEHMET_TOKEN}` },
    });
    expect(after.json().calls.d1).toEqual({ state: 'written' });
  });

  it('writes every record to every writer: two CRMs get one each', async () => {
    const vt = new RecordingWriter('vt');
    const hook = new RecordingWriter('hook');
    const { post } = await relay([vt, hook], { missedCallTasks: false });
    await post({ callId: 'w1', state: 'missed', extension: '911', callerId: '05321112233' });
    await until('both', () => vt.written.length === 1 && hook.written.length === 1);
    expect(vt.written[0]?.idempotencyKey).toBe(hook.written[0]?.idempotencyKey);
  });
});
