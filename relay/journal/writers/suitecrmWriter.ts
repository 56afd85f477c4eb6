// Writer kind `suitecrm`: a call becomes a `Calls` record, a missed call's task a `Tasks` record,
// made through the V8 JSON:API as the OAuth2 client's user. Facts from
// ../shared/reference/crm-apis.md (SuiteCRM 7.14.6): datetimes must be `Y-m-d H:i:s` UTC (an ISO
// value is stored as NULL without a word), and `parent_type=Contacts` does not link a call to the
// contact, so the call is linked through `POST V8/module/Calls/{id}/relationships`.
//
// Idempotency: V8 list filters know only eq/neq/gt/gte/lt/lte (Api/V8/JsonApi/Repository/Filter.php
// has no LIKE), so a marker in the description cannot be searched. But V8 create takes the
// record's `id` from the client (a UUID; "Bean … is already exist" when taken, deleted or not):
// the id is derived from the idempotency key, a retry GETs that id first, and a create that
// crosses another attempt is refused rather than doubled. The marker line stays in the description
// for the admin.
import { createHash } from 'node:crypto';
import { knownKeys } from '../../contacts/sources/crmApiShared.ts';
import {
  SuitecrmClient,
  SuitecrmRefusal,
  SuitecrmUnreachable,
} from '../../contacts/sources/suitecrmClient.ts';
import { suitecrmApiBase, suitecrmSourceKind } from '../../contacts/sources/suitecrmSource.ts';
import {
  type JournalRecord,
  type JournalWriter,
  WriteError,
  type WriterConfigBase,
  type WriterKind,
} from '../journalTypes.ts';
import {
  descriptionOf,
  durationParts,
  markerLine,
  retryableStatus,
  subjectOf,
  utc,
  WRITE_TIMEOUT_MS,
  type WriterDeps,
} from './writerShared.ts';

export interface SuitecrmWriterConfig extends WriterConfigBase {
  kind: 'suitecrm';
  /** The CRM root as given, without `/legacy`. */
  url: string;
  /** SuiteCRM 8: the V8 API lives under `{url}/legacy/Api/`. */
  legacy: boolean;
  clientId: string;
  clientSecret: string;
}

const KEYS = [
  'name',
  'kind',
  'url',
  'legacy',
  'clientId',
  'clientSecret',
  'clientSecretEnv',
  'clientSecretFile',
];

export const suitecrmWriterKind: WriterKind<SuitecrmWriterConfig> = {
  parse(raw, field, base, baseDir, env) {
    knownKeys(raw, field, KEYS);
    // The connection fields are the SuiteCRM contact source's: its parser checks them (URL and
    // /legacy, client id, secret from Env or File) in the same words.
    const c = suitecrmSourceKind.parse(raw, field, { ...base, intervalSeconds: 60 }, baseDir, env);
    return {
      ...base,
      kind: 'suitecrm',
      url: c.url,
      legacy: c.legacy,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
    };
  },
  create: (config, deps) => createSuitecrmWriter(config, deps),
};

/** A UUID (version 5 layout, as V8's Uuid check wants) that is the same for the same key. */
export function recordUuid(idempotencyKey: string): string {
  const h = createHash('sha1').update(`screenpop-journal\u0000${idempotencyKey}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function writeError(err: unknown, where: string): WriteError {
  if (err instanceof WriteError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const message = text.startsWith(where) ? text : `${where}: ${text}`;
  if (err instanceof SuitecrmUnreachable) return new WriteError(message, true);
  if (err instanceof SuitecrmRefusal) return new WriteError(message, retryableStatus(err.status));
  return new WriteError(message, false);
}

/** Where the record hangs in SuiteCRM: its parent, and the person to link (calls_contacts / calls_leads). */
interface Links {
  parent?: { type: 'Accounts' | 'Contacts' | 'Leads'; id: string };
  person?: { type: 'Contacts' | 'Leads'; id: string };
}

const SHOWN_FIELD = {
  Accounts: 'name',
  Contacts: 'last_name',
  Leads: 'last_name',
  Calls: 'name',
  Tasks: 'name',
};

export function createSuitecrmWriter(config: SuitecrmWriterConfig, deps: WriterDeps): JournalWriter {
  const where = `suitecrm writer "${config.name}"`;
  const client = new SuitecrmClient({
    name: config.name,
    apiBase: suitecrmApiBase(config),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    now: deps.now ?? Date.now,
    label: where,
    timeoutMs: deps.timeoutMs ?? WRITE_TIMEOUT_MS,
  });

  /** True when the record is there and not deleted; V8 answers 400 "… is not found" otherwise. */
  async function exists(module: keyof typeof SHOWN_FIELD, id: string): Promise<boolean> {
    try {
      await client.get(
        `V8/module/${module}/${encodeURIComponent(id)}?fields[${module}]=${SHOWN_FIELD[module]}`,
        `the look-up of ${module} ${id}`,
      );
      return true;
    } catch (err) {
      if (err instanceof SuitecrmRefusal && err.status === 400 && /not found/i.test(err.message))
        return false;
      throw err;
    }
  }

  /**
   * A person's id may be a contact's or a lead's (the SuiteCRM source reads Leads too): it is
   * linked where it is found; a deleted one is not linked at all.
   */
  async function links(record: JournalRecord): Promise<Links> {
    const c = record.contact;
    if (!c) return {};
    const out: Links = {};
    if (c.kind === 'company') {
      if (await exists('Accounts', c.id)) out.parent = { type: 'Accounts', id: c.id };
    } else {
      if (await exists('Contacts', c.id)) out.person = { type: 'Contacts', id: c.id };
      else if (await exists('Leads', c.id)) out.person = { type: 'Leads', id: c.id };
      if (out.person?.type === 'Contacts' && c.companyId && (await exists('Accounts', c.companyId)))
        out.parent = { type: 'Accounts', id: c.companyId };
      else if (out.person) out.parent = out.person;
    }
    if (!out.parent)
      deps.log.warn(
        { writer: config.name, contact: c.id, callId: record.callId },
        'journal: the matched contact is not in SuiteCRM (or not readable); the record is written unlinked',
      );
    return out;
  }

  function attributes(record: JournalRecord, l: Links): Record<string, string | number> {
    const common: Record<string, string | number> = {
      name: subjectOf(record),
      description: descriptionOf(record),
      ...(record.agent?.crmUserId ? { assigned_user_id: record.agent.crmUserId } : {}),
      ...(l.parent ? { parent_type: l.parent.type, parent_id: l.parent.id } : {}),
    };
    const end = utc(record.endedAt);
    if (record.type === 'task')
      return {
        ...common,
        status: 'Not Started',
        date_start: end.dateTime,
        date_due: end.dateTime,
        // A task's contact_id does link it to the contact (unlike a call's parent).
        ...(l.person?.type === 'Contacts' ? { contact_id: l.person.id } : {}),
      };
    const d = durationParts(record.durationSeconds);
    return {
      ...common,
      direction: record.direction === 'outbound' ? 'Outbound' : 'Inbound',
      status: record.status === 'held' ? 'Held' : 'Not Held',
      date_start: utc(record.startedAt).dateTime,
      duration_hours: d.hours,
      duration_minutes: d.minutes,
    };
  }

  /** Links a call to its person (calls_contacts / calls_leads); adding a link twice is harmless. */
  async function relate(id: string, l: Links): Promise<void> {
    if (!l.person) return;
    await client.post(
      `V8/module/Calls/${id}/relationships`,
      { data: { type: l.person.type, id: l.person.id } },
      `linking the call to ${l.person.type} ${l.person.id}`,
    );
  }

  return {
    name: config.name,
    kind: 'suitecrm',
    async write(record) {
      const module = record.type === 'call' ? 'Calls' : 'Tasks';
      const id = recordUuid(record.idempotencyKey);
      try {
        markerLine(record.idempotencyKey);
        const l = await links(record);
        // An earlier attempt made it (its link may be what failed: make sure of it again).
        if (await exists(module, id)) {
          if (module === 'Calls') await relate(id, l);
          return { crmId: id, existed: true };
        }
        try {
          await client.post(
            'V8/module',
            { data: { type: module, id, attributes: attributes(record, l) } },
            `the ${record.type} record (${module} create)`,
          );
        } catch (err) {
          // Taken: another attempt got there first, or an admin deleted what it made.
          if (err instanceof SuitecrmRefusal && err.status === 400 && /already exist/i.test(err.message))
            return { crmId: id, existed: true };
          throw err;
        }
        if (module === 'Calls') await relate(id, l);
        return { crmId: id };
      } catch (err) {
        throw writeError(err, where);
      }
    },
    close: async () => {},
  };
}
