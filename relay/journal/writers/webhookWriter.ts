// Writer kind `webhook`: each record is POSTed as JSON to a URL (n8n, Zapier, the customer's own
// script), signed as PBXs sign what they send the relay (ingest/signature.ts): HMAC-SHA256 of
// `timestamp + "." + raw body` in `X-ScreenPop-Signature`, unix seconds in `X-ScreenPop-Timestamp`.
// journal/ may not import ingest/ (folder rules), so the one HMAC line is here; the tests check it
// with ingest's verifySignature.
// `Idempotency-Key` lets the receiver drop a retry of a record it already has: the relay retries
// whenever it got no 2xx, so a receiver may see the same record more than once.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { knownKeys, networkProblem } from '../../contacts/sources/crmApiShared.ts';
import { fail, secret as inlineSecret, text } from '../../http/configFields.ts';
import {
  type JournalRecord,
  type JournalWriter,
  WriteError,
  type WriterConfigBase,
  type WriterKind,
} from '../journalTypes.ts';
import { retryableStatus, WRITE_TIMEOUT_MS, type WriterDeps } from './writerShared.ts';

export interface WebhookWriterConfig extends WriterConfigBase {
  kind: 'webhook';
  url: string;
  secret: string;
}

const TIMESTAMP_HEADER = 'x-screenpop-timestamp';
const SIGNATURE_HEADER = 'x-screenpop-signature';

/** `sha256=<hex>` of `timestamp + "." + body`, as ingest/signature.ts `sign` makes it. */
export function signBody(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

const KEYS = ['name', 'kind', 'url', 'secret', 'secretEnv', 'secretFile'];
const MIN_SECRET = 16;
/** How much of a refusal's body goes into the dead-letter message. */
const ANSWER_SHOWN = 200;

function webhookUrl(v: unknown, field: string): string {
  const raw = text(v, field, 2048);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(field, 'must be an absolute http(s) URL such as "https://n8n.example/webhook/calls"');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    fail(field, 'must start with http:// or https://');
  if (url.username || url.password) fail(field, 'must not hold credentials (the body is signed instead)');
  return url.href;
}

/** The signing secret: inline `secret`, or named by `secretEnv` / `secretFile`; exactly one. */
function webhookSecret(
  raw: Record<string, unknown>,
  field: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): string {
  const given = ['secret', 'secretEnv', 'secretFile'].filter((k) => raw[k] !== undefined);
  if (given.length === 0) fail(field, 'needs secret, secretEnv (an environment variable) or secretFile');
  if (given.length > 1)
    fail(field, `must have one of secret, secretEnv, secretFile, not ${given.join(' and ')}`);
  if (raw.secret !== undefined) return inlineSecret(raw.secret, `${field}.secret`);
  let value: string;
  let where: string;
  if (raw.secretEnv !== undefined) {
    const name = text(raw.secretEnv, `${field}.secretEnv`, 200);
    where = `${field}.secretEnv`;
    value = env[name]?.trim() ?? '';
    if (!value) fail(where, `names the environment variable ${name}, which is not set or empty`);
  } else {
    const name = text(raw.secretFile, `${field}.secretFile`, 4096);
    const path = isAbsolute(name) ? name : join(baseDir, name);
    where = `${field}.secretFile`;
    try {
      value = readFileSync(path, 'utf8').trim();
    } catch (err) {
      return fail(where, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): ${path}`);
    }
  }
  if (value.length < MIN_SECRET) fail(where, `holds a secret shorter than ${MIN_SECRET} characters`);
  return value;
}

export const webhookWriterKind: WriterKind<WebhookWriterConfig> = {
  parse(raw, field, base, baseDir, env) {
    knownKeys(raw, field, KEYS);
    return {
      ...base,
      kind: 'webhook',
      url: webhookUrl(raw.url, `${field}.url`),
      secret: webhookSecret(raw, field, baseDir, env),
    };
  },
  create: (config, deps) => createWebhookWriter(config, deps),
};

/** The JSON a receiver gets: the record, without internal fields, contact and agent trimmed. */
export function webhookBody(record: JournalRecord): Record<string, unknown> {
  const c = record.contact;
  const a = record.agent;
  return {
    type: record.type,
    callId: record.callId,
    direction: record.direction,
    status: record.status,
    callerId: record.callerId,
    ...(record.phone ? { phone: record.phone } : {}),
    ...(c
      ? {
          contact: {
            id: c.id,
            name: c.name,
            kind: c.kind,
            ...(c.companyId ? { companyId: c.companyId } : {}),
            ...(c.company ? { company: c.company } : {}),
          },
        }
      : {}),
    ...(a ? { agent: { user: a.user, ...(a.crmUserId ? { crmUserId: a.crmUserId } : {}) } } : {}),
    startedAt: record.startedAt,
    ...(record.answeredAt ? { answeredAt: record.answeredAt } : {}),
    endedAt: record.endedAt,
    durationSeconds: record.durationSeconds,
    ...(record.recordingUrl ? { recordingUrl: record.recordingUrl } : {}),
    ...(record.type === 'task' && record.subject ? { subject: record.subject } : {}),
    idempotencyKey: record.idempotencyKey,
    source: record.source,
  };
}

/** Why a fetch failed, for the admin (the URL's query is never shown: it may hold a token). */
function problem(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return networkProblem(err);
}

export function createWebhookWriter(config: WebhookWriterConfig, deps: WriterDeps): JournalWriter {
  const where = `webhook writer "${config.name}"`;
  const timeoutMs = deps.timeoutMs ?? WRITE_TIMEOUT_MS;
  const now = deps.now ?? Date.now;
  const target = new URL(config.url);
  const shown = `${target.origin}${target.pathname}`;

  return {
    name: config.name,
    kind: 'webhook',
    async write(record) {
      const raw = JSON.stringify(webhookBody(record));
      const timestamp = String(Math.floor(now() / 1000));
      let res: Response;
      let answer: string;
      try {
        res = await fetch(config.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'ScreenPop-relay',
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: signBody(config.secret, timestamp, raw),
            'idempotency-key': record.idempotencyKey,
          },
          body: raw,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
        answer = await res.text();
      } catch (err) {
        throw new WriteError(`${where}: cannot reach ${shown} (${problem(err, timeoutMs)})`, true);
      }
      if (res.status >= 200 && res.status < 300) {
        // A receiver may answer the id it filed the record under; shown in the outbox's status.
        let crmId: unknown;
        try {
          crmId = (JSON.parse(answer) as { id?: unknown })?.id;
        } catch {}
        return typeof crmId === 'string' || typeof crmId === 'number' ? { crmId: String(crmId) } : {};
      }
      const said = answer.replace(/\s+/g, ' ').trim().slice(0, ANSWER_SHOWN);
      throw new WriteError(
        `${where}: ${shown} answered HTTP ${res.status}${said ? `: ${said}` : ''}`,
        retryableStatus(res.status),
      );
    },
    close: async () => {},
  };
}
