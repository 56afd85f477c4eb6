// The vtiger writer against a local webservice answering as the reference describes vtiger 8.2:
// what an admin sees in the CRM, which failures are worth a retry, and never a record twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  JournalRecord,
  JournalWriter,
  WriterConfigBase,
} from '../../../../relay/journal/journalTypes.ts';
import { WriteError } from '../../../../relay/journal/journalTypes.ts';
import {
  createVtigerWriter,
  type VtigerWriterConfig,
  vtigerWriterKind,
} from '../../../../relay/journal/writers/vtigerWriter.ts';
import { type FakeVtiger, startFakeVtiger } from '../../../fixtures/crm/fakeVtiger.ts';

const KEY = 'sEcReTaCcEsSkEy123';
const base: WriterConfigBase = { name: 'vt', kind: 'vtiger' };
const warnings: string[] = [];
const log = { info() {}, warn: (_o: object, m: string) => warnings.push(m), error() {} };

function call(over: Partial<JournalRecord> = {}): JournalRecord {
  return {
    type: 'call',
    idempotencyKey: 'sp-0123456789abcdef0123456789abcdef',
    callId: 'c-1',
    direction: 'inbound',
    status: 'held',
    callerId: '05321112233',
    phone: '+905321112233',
    startedAt: '2026-12-03T19:40:07.000Z',
    answeredAt: '2026-12-03T19:40:12.000Z',
    endedAt: '2026-12-03T19:47:30.000Z',
    durationSeconds: 438,
    recordingUrl: 'https://pbx.example/rec/c-1.wav',
    source: 'pbx',
    ...over,
  };
}

async function rejection(p: Promise<unknown>): Promise<WriteError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the write must fail with a WriteError').toBeInstanceOf(WriteError);
  return err as WriteError;
}

describe('vtiger writer config', () => {
  const parse = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = { VTIGER_ACCESS_KEY: KEY }) =>
    vtigerWriterKind.parse({ name: 'vt', kind: 'vtiger', ...raw }, 'journal.writers[0]', base, '/', env);

  it('takes the access key from the environment variable it names', () => {
    expect(
      parse({ url: 'https://vtiger.example/', username: 'screenpop', accessKeyEnv: 'VTIGER_ACCESS_KEY' }),
    ).toEqual({
      name: 'vt',
      kind: 'vtiger',
      url: 'https://vtiger.example',
      username: 'screenpop',
      accessKey: KEY,
    });
  });

  it('names the field at fault and never shows the key', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ url: 'ftp://x', username: 'u', accessKeyEnv: 'VTIGER_ACCESS_KEY' }, /writers\[0\]\.url/],
      [{ url: 'https://x', accessKeyEnv: 'VTIGER_ACCESS_KEY' }, /writers\[0\]\.username/],
      [{ url: 'https://x', username: 'u', accessKey: KEY }, /writers\[0\]\.accessKey must not be written/],
      [
        { url: 'https://x', username: 'u', accessKeyEnv: 'NOPE' },
        /accessKeyEnv names the environment variable NOPE/,
      ],
      [
        { url: 'https://x', username: 'u', accessKeyEnv: 'VTIGER_ACCESS_KEY', modules: [] },
        /modules is not a known key/,
      ],
    ];
    for (const [raw, message] of bad) {
      expect(() => parse(raw)).toThrow(message);
      try {
        parse(raw);
      } catch (err) {
        expect((err as Error).message).not.toContain(KEY);
      }
    }
  });
});

describe('vtiger writer', () => {
  let fake: FakeVtiger;
  let writer: JournalWriter;
  let contactId: number;
  let accountId: number;
  let leadId: number;
  const config = (over: Partial<VtigerWriterConfig> = {}): VtigerWriterConfig => ({
    name: 'vt',
    kind: 'vtiger',
    url: fake.url,
    username: 'screenpop',
    accessKey: KEY,
    ...over,
  });

  beforeEach(async () => {
    warnings.length = 0;
    fake = await startFakeVtiger({
      users: [
        { id: 1, user_name: 'screenpop', accessKey: KEY },
        { id: 5, user_name: 'ayse', accessKey: 'another-key-0000' },
      ],
    });
    accountId = fake.add('Accounts', { accountname: 'Kaya Ltd', phone: '0212 555 00 00' });
    contactId = fake.add('Contacts', { firstname: 'Ali', lastname: 'Veli', mobile: '0532 111 22 33' });
    leadId = fake.add('Leads', { firstname: 'Deniz', lastname: 'Ak', mobile: '0533 000 00 00' });
    writer = createVtigerWriter(config(), { log, timeoutMs: 300 });
  });
  afterEach(async () => {
    await writer.close();
    await fake.close();
  });

  it('writes a held call as an Events "Call" an admin can read: subject, UTC times, owner, links, recording', async () => {
    const result = await writer.write(
      call({
        contact: { id: String(contactId), name: 'Ali Veli', kind: 'person', companyId: String(accountId) },
        agent: { user: 'ayse', crmUserId: '5' },
      }),
    );
    expect(fake.created).toHaveLength(1);
    const r = fake.created[0];
    expect(result).toEqual({ crmId: `18x${r?.crmid}` });
    expect(r?.module).toBe('Events');
    expect(r?.fields).toMatchObject({
      subject: 'Inbound call from Ali Veli / +905321112233',
      activitytype: 'Call',
      date_start: '2026-12-03',
      time_start: '19:40:07',
      due_date: '2026-12-03',
      time_end: '19:47:30',
      duration_hours: '0',
      duration_minutes: '8',
      eventstatus: 'Held',
      assigned_user_id: '19x5',
      contact_id: `12x${contactId}`,
      parent_id: `11x${accountId}`,
    });
    expect(r?.fields.description).toContain('Recording: https://pbx.example/rec/c-1.wav');
    expect(r?.fields.description?.split('\n').at(-1)).toBe(
      'ScreenPop call sp-0123456789abcdef0123456789abcdef',
    );
  });

  it('writes a missed call "Not Held", owned by the relay user when the agent has no CRM id', async () => {
    await writer.write(call({ status: 'missed', durationSeconds: 0, agent: { user: 'nobody' } }));
    expect(fake.created[0]?.fields).toMatchObject({
      subject: 'Missed call from +905321112233',
      eventstatus: 'Not Held',
      assigned_user_id: '19x1',
      duration_minutes: '0',
    });
    expect(fake.created[0]?.fields.contact_id).toBeUndefined();
  });

  it('writes a task as a Calendar record "Not Started" linked to the account', async () => {
    const result = await writer.write(
      call({
        type: 'task',
        status: 'missed',
        idempotencyKey: 'sp-task0000000000000000000000000000',
        subject: 'Missed call from Kaya Ltd / +902125550000',
        contact: { id: String(accountId), name: 'Kaya Ltd', kind: 'company' },
      }),
    );
    const r = fake.created[0];
    expect(result.crmId).toBe(`1x${r?.crmid}`);
    expect(r?.module).toBe('Calendar');
    expect(r?.fields).toMatchObject({
      subject: 'Missed call from Kaya Ltd / +902125550000',
      taskstatus: 'Not Started',
      date_start: '2026-12-03',
      due_date: '2026-12-03',
      parent_id: `11x${accountId}`,
      assigned_user_id: '19x1',
    });
    expect(r?.fields.description).toContain('ScreenPop call sp-task0000000000000000000000000000');
  });

  it('links a person read from Leads as the related lead, not as a contact', async () => {
    await writer.write(call({ contact: { id: String(leadId), name: 'Deniz Ak', kind: 'person' } }));
    expect(fake.created[0]?.fields.contact_id).toBeUndefined();
    expect(fake.created[0]?.fields.parent_id).toBe(`10x${leadId}`);
  });

  it('writes a record unlinked (and says so) when the contact was deleted since', async () => {
    fake.softDelete(contactId);
    await writer.write(call({ contact: { id: String(contactId), name: 'Ali Veli', kind: 'person' } }));
    expect(fake.created).toHaveLength(1);
    expect(fake.created[0]?.fields.contact_id).toBeUndefined();
    expect(warnings.join()).toMatch(/not in vtiger/);
  });

  it('finds the record of an attempt whose answer was lost, and creates nothing more', async () => {
    fake.dropAfterCreate = 1;
    const first = await rejection(writer.write(call()));
    expect(first.retryable).toBe(true);
    expect(fake.created).toHaveLength(1);
    const again = await writer.write(call());
    expect(again).toEqual({ crmId: `18x${fake.created[0]?.crmid}`, existed: true });
    expect(fake.created).toHaveLength(1);
    expect(fake.queries.at(-1)).toBe(
      "SELECT id,description FROM Events WHERE description LIKE '%ScreenPop call sp-0123456789abcdef0123456789abcdef%';",
    );
  });

  it('does not take a record of a longer key for its own', async () => {
    await writer.write(call({ idempotencyKey: 'sp-12' }));
    const result = await writer.write(call({ idempotencyKey: 'sp-1' }));
    expect(result.existed).toBeUndefined();
    expect(fake.created).toHaveLength(2);
  });

  it('answers an HTTP 500 with a retryable error, then writes on the next attempt', async () => {
    fake.fail500 = 1;
    const err = await rejection(writer.write(call()));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/vtiger writer "vt".*HTTP 500/);
    await writer.write(call());
    expect(fake.created).toHaveLength(1);
  });

  it('answers a hung server with a retryable timeout', async () => {
    fake.hang = true;
    const err = await rejection(writer.write(call()));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/no answer within 0.3 s/);
  });

  it('answers a refused access key with an error that is not retried and does not show the key', async () => {
    fake.refuseLogin = true;
    const err = await rejection(writer.write(call()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/vtiger writer "vt": login refused for user "screenpop".*access key/);
    expect(err.message).not.toContain(KEY);
  });

  it('logs in again once when the session was dropped', async () => {
    await writer.write(call({ idempotencyKey: 'sp-a' }));
    fake.invalidateSessions();
    await writer.write(call({ idempotencyKey: 'sp-b' }));
    expect(fake.calls.login).toBe(2);
    expect(fake.created).toHaveLength(2);
  });

  it("gives up for good, with vtiger's reason, on a record vtiger refuses", async () => {
    const err = await rejection(writer.write(call({ agent: { user: 'ayse', crmUserId: '99' } })));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(
      /vtiger writer "vt": the call record \(Events create\) refused \(ACCESS_DENIED/,
    );
    expect(fake.created).toHaveLength(0);
  });

  it('gives up for good on a record whose times cannot be read', async () => {
    const err = await rejection(writer.write(call({ startedAt: 'yesterday' })));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/vtiger writer "vt": "yesterday" is not a time/);
  });
});
