// What the call journal writes back into the CRM, and what every writer (vtiger, SuiteCRM, a
// signed webhook) promises: one record per call, one task per missed call, never twice. The outbox
// (outbox.ts) queues each record in the store before any writer sees it and retries with backoff;
// a writer only has to write one record, idempotently, and say whether a failure is worth retrying.
import type { SourceLog } from '../contacts/sources/sourceTypes.ts';

export type JournalLog = SourceLog;

/** One thing to write: the call itself, or the task to call a missed caller back. */
export interface JournalRecord {
  type: 'call' | 'task';
  /**
   * Stable for this call and type: the same on every retry, across restarts and relay instances.
   * A writer whose CRM has no idempotency looks a record with it up before creating another.
   */
  idempotencyKey: string;
  callId: string;
  direction: 'inbound' | 'outbound';
  /** `held`: someone talked to the caller; `missed`: nobody answered. */
  status: 'held' | 'missed';
  /** The number as the PBX sent it. */
  callerId: string;
  /** E.164 when the number could be read. */
  phone?: string;
  /** The matched contact (the CRM's own ids: `recordId` / `companyRecordId` when keyed). */
  contact?: {
    id: string;
    name: string;
    kind: 'company' | 'person';
    companyId?: string;
    company?: string;
  };
  /** The agent who answered (call records) or who must call back (tasks). */
  agent?: { user: string; crmUserId?: string; extension?: string };
  /** ISO times. */
  startedAt: string;
  answeredAt?: string;
  endedAt: string;
  durationSeconds: number;
  recordingUrl?: string;
  /** The PBX source the call came from. */
  source: string;
  /** Task only: the subject shown in the CRM, e.g. "Missed call from Ali Veli / +905321112233". */
  subject?: string;
}

/** What a writer answers for a record written (or found written before). */
export interface WriteResult {
  /** The CRM's id of the record, when it has one (vtiger `18x45`, a SuiteCRM uuid). */
  crmId?: string;
  /** True when the record was found already written (an earlier attempt got through). */
  existed?: boolean;
}

/**
 * A failure to write. `retryable`: a down CRM, a 5xx, a timeout, an expired session (try again
 * later); not retryable: a refusal that will not change by itself (bad credentials, a field the
 * CRM rejects): the record goes to the dead-letter list with `message` for the admin.
 */
export class WriteError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface JournalWriter {
  /** The config's name, unique among writers. */
  readonly name: string;
  readonly kind: string;
  /** Writes one record, idempotently; throws WriteError (anything else counts as retryable). */
  write(record: JournalRecord): Promise<WriteResult>;
  close(): Promise<void>;
}

/** Config fields every writer has; each kind adds its own. */
export interface WriterConfigBase {
  name: string;
  kind: string;
}

export interface WriterKind<C extends WriterConfigBase> {
  /**
   * Validates `journal.writers[i]` (`field` is that path); throws ConfigError (relay/http/configFields.ts
   * `fail`) naming the field. Secrets come from `…Env` variables or files (or inline `secret` for the
   * webhook), never into logs.
   */
  parse(
    raw: Record<string, unknown>,
    field: string,
    base: WriterConfigBase,
    baseDir: string,
    env: NodeJS.ProcessEnv,
  ): C;
  create(config: C, deps: { log: JournalLog; now?: () => number }): JournalWriter;
}
