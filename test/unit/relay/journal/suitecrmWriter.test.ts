// The SuiteCRM writer against a local V8 API answering as the reference describes SuiteCRM 7.14.6:
// datetimes that must be `Y-m-d H:i:s` (NULL otherwise), calls linked to their contact only through
// the relationships endpoint, retryable failures, and never a record twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  JournalRecord,
  JournalWriter,
  WriterConfigBase,
} from '../../../../relay/journal/journalTypes.ts';
import { WriteError } from '../../../../relay/journal/journalTypes.ts';
import {
  createSuitecrmWriter,
  recordUuid,
  type SuitecrmWriterConfig,
  suitecrmWriterKind,
} from '../../../../relay/journal/writers/suitecrmWriter.ts';
import { type FakeSuitecrm, startFakeSuitecrm } from '../../../fixtures/crm/fakeSuitecrm.ts';

const SECRET = 'cLiEnTsEcReT-0123456789';
const base: WriterConfigBase = { name: 'sc', kind: 'suitecrm' };
const warnings: string[] = [];
const log = { info() {}, warn: (_o: object, m: string) => warnings.push(m), error() {} };
const AGENT_ID = '1f0a3b2c-0000-4000-8000-00000000a9e1';

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

describe('suitecrm writer config', () => {
  const parse = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = { SUITECRM_SECRET: SECRET }) =>
    suitecrmWriterKind.parse({ name: 'sc', kind: 'suitecrm', ...raw }, 'journal.writers[2]', base, '/', env);

  it('reads the connection as the SuiteCRM source does, /legacy included', () => {
    expect(
      parse({
        url: 'https://suite.example/legacy',
        clientId: 'screenpop',
        clientSecretEnv: 'SUITECRM_SECRET',
      }),
    ).toEqual({
      name: 'sc',
      kind: 'suitecrm',
      url: 'https://suite.example',
      legacy: true,
      clientId: 'screenpop',
      clientSecret: SECRET,
    });
  });

  it('names the field at fault and never shows the secret', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ url: 'suite.example', clientId: 'x', clientSecretEnv: 'SUITECRM_SECRET' }, /writers\[2\]\.url/],
      [{ url: 'https://s', clientSecretEnv: 'SUITECRM_SECRET' }, /writers\[2\]\.clientId/],
      [
        { url: 'https://s', clientId: 'x', clientSecret: SECRET },
        /writers\[2\]\.clientSecret must not be written/,
      ],
      [{ url: 'https://s', clientId: 'x' }, /needs clientSecretEnv/],
      [
        { url: 'https://s', clientId: 'x', clientSecretEnv: 'SUITECRM_SECRET', modules: ['Contacts'] },
        /writers\[2\]\.modules is not a known key/,
      ],
    ];
    for (const [raw, message] of bad) {
      expect(() => parse(raw)).toThrow(message);
      try {
        parse(raw);
      } catch (err) {
        expect((err as Error).message).not.toContain(SECRET);
      }
    }
  });
});

describe('recordUuid', () => {
  it('is a UUID V8 accepts, the same for the same key and different for another', () => {
    const a = recordUuid('sp-1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(recordUuid('sp-1')).toBe(a);
    expect(recordUuid('sp-2')).not.toBe(a);
  });
});

describe('suitecrm writer', () => {
  let fake: FakeSuitecrm;
  let writer: JournalWriter;
  let contactId: string;
  let accountId: string;
  let leadId: string;
  const config = (over: Partial<SuitecrmWriterConfig> = {}): SuitecrmWriterConfig => ({
    name: 'sc',
    kind: 'suitecrm',
    url: fake.url,
    legacy: false,
    clientId: 'screenpop',
    clientSecret: SECRET,
    ...over,
  });

  beforeEach(async () => {
    warnings.length = 0;
    fake = await startFakeSuitecrm({ clientId: 'screenpop', clientSecret: SECRET });
    accountId = fake.add('Accounts', { name: 'Kaya Ltd', phone_office: '0212 555 00 00' });
    contactId = fake.add('Contacts', { first_name: 'Ali', last_name: 'Veli', account_id: accountId });
    leadId = fake.add('Leads', { first_name: 'Deniz', last_name: 'Ak' });
    writer = createSuitecrmWriter(config(), { log, timeoutMs: 300 });
  });
  afterEach(async () => {
    await writer.close();
    await fake.close();
  });

  it('writes a held call an admin can read: name, status, UTC datetimes (not NULL), owner, parent, linked contact, recording', async () => {
    const result = await writer.write(
      call({
        contact: { id: contactId, name: 'Ali Veli', kind: 'person', companyId: accountId },
        agent: { user: 'ayse', crmUserId: AGENT_ID },
      }),
    );
    expect(fake.created).toHaveLength(1);
    const r = fake.created[0];
    expect(result).toEqual({ crmId: r?.id });
    expect(r?.id).toBe(recordUuid('sp-0123456789abcdef0123456789abcdef'));
    expect(r?.module).toBe('Calls');
    expect(r?.fields).toMatchObject({
      name: 'Inbound call from Ali Veli / +905321112233',
      direction: 'Inbound',
      status: 'Held',
      date_start: '2026-12-03 19:40:07',
      date_end: '2026-12-03 19:48:07',
      duration_hours: 0,
      duration_minutes: 8,
      assigned_user_id: AGENT_ID,
      parent_type: 'Accounts',
      parent_id: accountId,
    });
    expect(r?.contacts, 'the call must be in calls_contacts, not only related by parent').toEqual([
      contactId,
    ]);
    expect(r?.fields.description).toContain('Recording: https://pbx.example/rec/c-1.wav');
    expect(String(r?.fields.description).split('\n').at(-1)).toBe(
      'ScreenPop call sp-0123456789abcdef0123456789abcdef',
    );
  });

  it('writes a missed outbound call "Not Held", owned by the API user when the agent has no CRM id', async () => {
    await writer.write(call({ direction: 'outbound', status: 'missed', durationSeconds: 0 }));
    expect(fake.created[0]?.fields).toMatchObject({
      name: 'Unanswered call to +905321112233',
      direction: 'Outbound',
      status: 'Not Held',
      duration_minutes: 0,
    });
    expect(fake.created[0]?.fields.assigned_user_id).toBeUndefined();
    expect(fake.created[0]?.fields.date_start).not.toBeNull();
  });

  it('writes a task "Not Started" linked to the contact through contact_id', async () => {
    await writer.write(
      call({
        type: 'task',
        status: 'missed',
        idempotencyKey: 'sp-task',
        subject: 'Missed call from Ali Veli / +905321112233',
        contact: { id: contactId, name: 'Ali Veli', kind: 'person' },
        agent: { user: 'ayse', crmUserId: AGENT_ID },
      }),
    );
    const r = fake.created[0];
    expect(r?.module).toBe('Tasks');
    expect(r?.fields).toMatchObject({
      name: 'Missed call from Ali Veli / +905321112233',
      status: 'Not Started',
      date_start: '2026-12-03 19:47:30',
      date_due: '2026-12-03 19:47:30',
      parent_type: 'Contacts',
      parent_id: contactId,
      contact_id: contactId,
      assigned_user_id: AGENT_ID,
    });
    expect(r?.contacts).toEqual([contactId]);
    expect(fake.calls.relate).toBe(0);
  });

  it('links a person read from Leads as a lead', async () => {
    await writer.write(call({ contact: { id: leadId, name: 'Deniz Ak', kind: 'person' } }));
    expect(fake.created[0]?.fields).toMatchObject({ parent_type: 'Leads', parent_id: leadId });
    expect(fake.created[0]?.leads).toEqual([leadId]);
    expect(fake.created[0]?.contacts).toEqual([]);
  });

  it('writes a record unlinked (and says so) when the contact was deleted since', async () => {
    fake.softDelete(contactId);
    await writer.write(call({ contact: { id: contactId, name: 'Ali Veli', kind: 'person' } }));
    expect(fake.created[0]?.fields.parent_id).toBeUndefined();
    expect(warnings.join()).toMatch(/not in SuiteCRM/);
  });

  it('finds the record of an attempt whose answer was lost, links it, and creates nothing more', async () => {
    fake.dropAfterCreate = 1;
    const contact = { id: contactId, name: 'Ali Veli', kind: 'person' as const };
    const first = await rejection(writer.write(call({ contact })));
    expect(first.retryable).toBe(true);
    expect(fake.created).toHaveLength(1);
    expect(fake.created[0]?.contacts).toEqual([]);
    const again = await writer.write(call({ contact }));
    expect(again).toEqual({ crmId: fake.created[0]?.id, existed: true });
    expect(fake.created).toHaveLength(1);
    expect(fake.created[0]?.contacts).toEqual([contactId]);
  });

  it('does not make a record again that an admin deleted', async () => {
    await writer.write(call());
    fake.softDelete(fake.created[0]?.id ?? '');
    const again = await writer.write(call());
    expect(again.existed).toBe(true);
    expect(fake.created).toHaveLength(1);
  });

  it('answers an HTTP 500 with a retryable error, then writes on the next attempt', async () => {
    await writer.write(call({ idempotencyKey: 'sp-warm' }));
    fake.fail500 = 1;
    const err = await rejection(writer.write(call()));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/suitecrm writer "sc".*HTTP 500/);
    await writer.write(call());
    expect(fake.created).toHaveLength(2);
  });

  it('answers a hung server with a retryable timeout', async () => {
    fake.hang = true;
    const err = await rejection(writer.write(call()));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/suitecrm writer "sc": cannot reach .*no answer within 0.3 s/);
  });

  it('answers refused client credentials with an error that is not retried and does not show the secret', async () => {
    const wrong = 'wrong-secret-0123456789';
    const w = createSuitecrmWriter(config({ clientSecret: wrong }), { log, timeoutMs: 300 });
    const err = await rejection(w.write(call()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/suitecrm writer "sc": the client credentials were refused \(HTTP 401/);
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(SECRET);
  });

  it('gets a new token once when the old one is refused', async () => {
    await writer.write(call({ idempotencyKey: 'sp-a' }));
    fake.expireTokens();
    await writer.write(call({ idempotencyKey: 'sp-b' }));
    expect(fake.calls.token).toBe(2);
    expect(fake.created).toHaveLength(2);
  });

  it('stores an ISO datetime as NULL, as the real SuiteCRM does (why the writer never sends one)', async () => {
    const res = await fetch(`${fake.url}/Api/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'screenpop',
        client_secret: SECRET,
      }),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const made = await fetch(`${fake.url}/Api/V8/module`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({
        data: { type: 'Calls', attributes: { name: 'x', date_start: '2026-12-03T19:40:00Z' } },
      }),
    });
    expect(made.status).toBe(201);
    expect(fake.created[0]?.fields.date_start).toBeNull();
  });
});
