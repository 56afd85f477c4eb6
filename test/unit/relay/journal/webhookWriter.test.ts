// The webhook writer against a local receiver: the signed request a receiver checks with the
// relay's own verifySignature, the body, and which answers are worth a retry.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sign, verifySignature } from '../../../../relay/ingest/signature.ts';
import type {
  JournalRecord,
  JournalWriter,
  WriterConfigBase,
} from '../../../../relay/journal/journalTypes.ts';
import { WriteError } from '../../../../relay/journal/journalTypes.ts';
import {
  createWebhookWriter,
  signBody,
  webhookWriterKind,
} from '../../../../relay/journal/writers/webhookWriter.ts';
import { type FakeWebhook, startFakeWebhook } from '../../../fixtures/crm/fakeWebhook.ts';

const SECRET = 'wEbHoOkSeCrEt-0123456789';
const NOW = Date.parse('2026-12-03T19:48:00Z');
const base: WriterConfigBase = { name: 'hook', kind: 'webhook' };
const log = { info() {}, warn() {}, error() {} };

function record(over: Partial<JournalRecord> = {}): JournalRecord {
  return {
    type: 'call',
    idempotencyKey: 'sp-0123456789abcdef0123456789abcdef',
    callId: 'c-1',
    direction: 'inbound',
    status: 'held',
    callerId: '05321112233',
    phone: '+905321112233',
    contact: { id: '3', name: 'Ali Veli', kind: 'person', companyId: '2', company: 'Kaya Ltd' },
    agent: { user: 'ayse', crmUserId: '5', extension: '201' },
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

describe('webhook writer config', () => {
  const parse = (
    raw: Record<string, unknown>,
    env: NodeJS.ProcessEnv = { JOURNAL_SECRET: SECRET },
    dir = '/',
  ) =>
    webhookWriterKind.parse({ name: 'hook', kind: 'webhook', ...raw }, 'journal.writers[1]', base, dir, env);

  it('takes the secret from an environment variable, inline, or a file', () => {
    expect(parse({ url: 'https://n8n.example/hook', secretEnv: 'JOURNAL_SECRET' })).toEqual({
      name: 'hook',
      kind: 'webhook',
      url: 'https://n8n.example/hook',
      secret: SECRET,
    });
    expect(parse({ url: 'https://n8n.example/hook', secret: SECRET }).secret).toBe(SECRET);
    const dir = mkdtempSync(join(tmpdir(), 'hook-'));
    writeFileSync(join(dir, 'hook.secret'), `${SECRET}\n`);
    expect(parse({ url: 'http://n8n.local/hook?x=1', secretFile: 'hook.secret' }, {}, dir)).toMatchObject({
      url: 'http://n8n.local/hook?x=1',
      secret: SECRET,
    });
  });

  it('names the field at fault and never shows the secret', () => {
    const short = 'short-secret';
    const bad: [Record<string, unknown>, NodeJS.ProcessEnv, RegExp][] = [
      [
        { url: 'ftp://n8n.example/hook', secret: SECRET },
        {},
        /journal\.writers\[1\]\.url must start with http/,
      ],
      [{ url: 'n8n.example/hook', secret: SECRET }, {}, /journal\.writers\[1\]\.url must be an absolute/],
      [{ url: 'https://n8n.example/hook' }, {}, /journal\.writers\[1\] needs secret, secretEnv/],
      [
        { url: 'https://n8n.example/hook', secret: SECRET, secretEnv: 'JOURNAL_SECRET' },
        { JOURNAL_SECRET: SECRET },
        /journal\.writers\[1\] must have one of secret, secretEnv, secretFile, not secret and secretEnv/,
      ],
      [
        { url: 'https://n8n.example/hook', secret: short },
        {},
        /journal\.writers\[1\]\.secret must be a string of at least 16/,
      ],
      [
        { url: 'https://n8n.example/hook', secretEnv: 'JOURNAL_SECRET' },
        { JOURNAL_SECRET: short },
        /journal\.writers\[1\]\.secretEnv holds a secret shorter than 16 characters/,
      ],
      [
        { url: 'https://n8n.example/hook', secretEnv: 'NOPE' },
        {},
        /journal\.writers\[1\]\.secretEnv names the environment variable NOPE, which is not set/,
      ],
      [
        { url: 'https://n8n.example/hook', secretFile: 'missing.secret' },
        {},
        /journal\.writers\[1\]\.secretFile cannot be read \(ENOENT\)/,
      ],
      [
        { url: 'https://n8n.example/hook', secret: SECRET, headers: {} },
        {},
        /writers\[1\]\.headers is not a known key/,
      ],
    ];
    for (const [raw, env, message] of bad) {
      expect(() => parse(raw, env)).toThrow(message);
      try {
        parse(raw, env);
      } catch (err) {
        expect((err as Error).message).not.toContain(SECRET);
        expect((err as Error).message).not.toContain(short);
      }
    }
  });
});

describe('webhook writer', () => {
  let hook: FakeWebhook;
  let writer: JournalWriter;

  beforeEach(async () => {
    hook = await startFakeWebhook();
    writer = createWebhookWriter(
      { name: 'hook', kind: 'webhook', url: hook.url, secret: SECRET },
      { log, now: () => NOW, timeoutMs: 300 },
    );
  });
  afterEach(async () => {
    await writer.close();
    await hook.close();
  });

  it("POSTs a body signed so the relay's own verifySignature accepts it, with the idempotency key", async () => {
    expect(await writer.write(record())).toEqual({});
    expect(hook.requests).toHaveLength(1);
    const req = hook.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['idempotency-key']).toBe('sp-0123456789abcdef0123456789abcdef');
    expect(req?.headers['x-screenpop-timestamp']).toBe(String(NOW / 1000));
    const check = verifySignature({
      secret: SECRET,
      timestamp: req?.headers['x-screenpop-timestamp'],
      signature: req?.headers['x-screenpop-signature'],
      rawBody: req?.rawBody ?? Buffer.alloc(0),
      nowMs: NOW,
    });
    expect(check).toEqual({ ok: true });
    expect(
      verifySignature({
        secret: 'another-secret-0000000',
        timestamp: req?.headers['x-screenpop-timestamp'],
        signature: req?.headers['x-screenpop-signature'],
        rawBody: req?.rawBody ?? Buffer.alloc(0),
        nowMs: NOW,
      }).ok,
      'a receiver with another secret must refuse the request',
    ).toBe(false);
  });

  it('signs exactly as ingest/signature.ts does', () => {
    const body = '{"type":"call","callerId":"0532 111 22 33"}';
    expect(signBody(SECRET, '1796325097', body)).toBe(sign(SECRET, '1796325097', body));
  });

  it('sends the record a receiver needs, and nothing internal', async () => {
    await writer.write(record());
    expect(JSON.parse(String(hook.requests[0]?.rawBody))).toEqual({
      type: 'call',
      callId: 'c-1',
      direction: 'inbound',
      status: 'held',
      callerId: '05321112233',
      phone: '+905321112233',
      contact: { id: '3', name: 'Ali Veli', kind: 'person', companyId: '2', company: 'Kaya Ltd' },
      agent: { user: 'ayse', crmUserId: '5' },
      startedAt: '2026-12-03T19:40:07.000Z',
      answeredAt: '2026-12-03T19:40:12.000Z',
      endedAt: '2026-12-03T19:47:30.000Z',
      durationSeconds: 438,
      recordingUrl: 'https://pbx.example/rec/c-1.wav',
      idempotencyKey: 'sp-0123456789abcdef0123456789abcdef',
      source: 'pbx',
    });
  });

  it('sends a task with its subject, and a call without a contact without one', async () => {
    await writer.write(
      record({
        type: 'task',
        status: 'missed',
        subject: 'Missed call from Ali Veli / +905321112233',
        contact: undefined,
        agent: undefined,
        answeredAt: undefined,
        recordingUrl: undefined,
      }),
    );
    const body = JSON.parse(String(hook.requests[0]?.rawBody));
    expect(body).toMatchObject({
      type: 'task',
      status: 'missed',
      subject: 'Missed call from Ali Veli / +905321112233',
    });
    for (const k of ['contact', 'agent', 'answeredAt', 'recordingUrl']) expect(body).not.toHaveProperty(k);
  });

  it('answers the id a receiver gives back', async () => {
    hook.answers.push({ status: 201, body: '{"id":"rec-42"}' });
    expect(await writer.write(record())).toEqual({ crmId: 'rec-42' });
  });

  it('retries 408, 429 and 5xx answers', async () => {
    for (const status of [408, 429, 500, 503]) {
      hook.answers.push({ status, body: 'busy' });
      const err = await rejection(writer.write(record()));
      expect(err.retryable, `HTTP ${status} must be retried`).toBe(true);
      expect(err.message).toContain(`webhook writer "hook": ${hook.url} answered HTTP ${status}: busy`);
    }
  });

  it('gives up on other 4xx, saying the status and the start of the answer', async () => {
    hook.answers.push({ status: 422, body: `{"error":"unknown field ${'x'.repeat(400)}"}` });
    const err = await rejection(writer.write(record()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/answered HTTP 422: \{"error":"unknown field x+$/);
    expect(err.message.length).toBeLessThan(200 + 120);
  });

  it('retries when the receiver does not answer in time, or cannot be reached', async () => {
    hook.hang = true;
    const slow = await rejection(writer.write(record()));
    expect(slow.retryable).toBe(true);
    expect(slow.message).toMatch(/cannot reach .* \(no answer within 0.3 s\)/);
    const url = hook.url;
    await hook.close();
    const down = createWebhookWriter(
      { name: 'hook', kind: 'webhook', url, secret: SECRET },
      { log, timeoutMs: 300 },
    );
    const err = await rejection(down.write(record()));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/ECONNREFUSED/);
    hook = await startFakeWebhook();
  });

  it("never puts the secret or the URL's query in a message", async () => {
    const w = createWebhookWriter(
      { name: 'hook', kind: 'webhook', url: `${hook.url}?token=tOkEn123`, secret: SECRET },
      { log, timeoutMs: 300 },
    );
    hook.answers.push({ status: 403, body: 'forbidden' });
    const err = await rejection(w.write(record()));
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain('tOkEn123');
  });
});
