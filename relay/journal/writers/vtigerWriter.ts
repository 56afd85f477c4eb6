// Writer kind `vtiger`: a call becomes an activity (module `Events`, activitytype "Call"), a missed
// call's task a `Calendar` record, made with the webservice `create` as the relay's vtiger user.
// vtiger has no idempotency key, so the description ends with a marker line and a retry first
// looks it up (`description LIKE '%ScreenPop call KEY%'`; VTQL compares any field with LIKE, see
// ../shared/reference/crm-apis.md) and answers the record it finds instead of making another.
// Dates and times are sent in UTC: set the vtiger user the relay logs in as to the UTC time zone,
// since vtiger reads an activity's times in its user's zone.
import { crmSecret, crmUrl, knownKeys } from '../../contacts/sources/crmApiShared.ts';
import {
  VtigerClient,
  VtigerHttpError,
  VtigerRefusal,
  VtigerUnreachable,
} from '../../contacts/sources/vtigerClient.ts';
import { text } from '../../http/configFields.ts';
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
  hasMarker,
  markerLine,
  retryableStatus,
  subjectOf,
  utc,
  WRITE_TIMEOUT_MS,
  type WriterDeps,
} from './writerShared.ts';

export interface VtigerWriterConfig extends WriterConfigBase {
  kind: 'vtiger';
  url: string;
  username: string;
  accessKey: string;
}

const KEYS = ['name', 'kind', 'url', 'username', 'accessKey', 'accessKeyEnv', 'accessKeyFile'];

/** A webservice id: module prefix and record id (`12x3`). */
const WS_ID = /^(\d+x)(\d+)$/;
/** Refusals that a later attempt may not meet (the session ran out twice in a row). */
const PASSING = /INVALID_SESSIONID|AUTHENTICATION_REQUIRED|SESSION/i;

type Linkable = 'Contacts' | 'Accounts' | 'Leads';

export const vtigerWriterKind: WriterKind<VtigerWriterConfig> = {
  parse(raw, field, base, baseDir, env) {
    knownKeys(raw, field, KEYS);
    return {
      ...base,
      kind: 'vtiger',
      url: crmUrl(raw.url, `${field}.url`),
      username: text(raw.username, `${field}.username`, 100),
      accessKey: crmSecret(raw, field, 'accessKey', baseDir, env),
    };
  },
  create: (config, deps) => createVtigerWriter(config, deps),
};

function writeError(err: unknown, where: string): WriteError {
  if (err instanceof WriteError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const message = text.startsWith(where) ? text : `${where}: ${text}`;
  if (err instanceof VtigerUnreachable) return new WriteError(message, true);
  if (err instanceof VtigerHttpError) return new WriteError(message, retryableStatus(err.status));
  if (err instanceof VtigerRefusal) return new WriteError(message, PASSING.test(err.code));
  // Not JSON, no id: the URL points somewhere else; that will not mend itself.
  return new WriteError(message, false);
}

export function createVtigerWriter(config: VtigerWriterConfig, deps: WriterDeps): JournalWriter {
  const where = `vtiger writer "${config.name}"`;
  const client = new VtigerClient({
    name: config.name,
    url: config.url,
    username: config.username,
    accessKey: config.accessKey,
    label: where,
    timeoutMs: deps.timeoutMs ?? WRITE_TIMEOUT_MS,
  });
  /**
   * Module → webservice id prefix (`12x`), from `describe`: the prefixes are rows of
   * vtiger_ws_entity, fixed for the stock modules but not promised. '' = not readable by this user.
   */
  let prefixes: Record<Linkable, string> | undefined;

  async function prefixOf(module: Linkable): Promise<string> {
    if (!prefixes) {
      const found: Record<Linkable, string> = { Contacts: '', Accounts: '', Leads: '' };
      for (const m of Object.keys(found) as Linkable[]) {
        try {
          const idPrefix = String((await client.describe(m)).idPrefix ?? '');
          found[m] = /^\d+$/.test(idPrefix) ? `${idPrefix}x` : '';
        } catch (err) {
          // A role without this module: its records are simply not linked.
          if (!(err instanceof VtigerRefusal)) throw err;
        }
      }
      prefixes = found;
    }
    return prefixes[module];
  }

  /** The webservice id of record `id` in `module`, when it can be one. */
  async function wsId(module: Linkable, id: string): Promise<string | undefined> {
    const prefix = await prefixOf(module);
    if (!prefix) return undefined;
    const given = WS_ID.exec(id);
    if (given) return given[1] === prefix ? id : undefined;
    return /^\d+$/.test(id) ? `${prefix}${id}` : undefined;
  }

  /**
   * `contact_id` / `parent_id` for the matched contact. A person's plain id may be a contact's or a
   * lead's (crmids are shared by all modules, and the vtiger source reads Leads too), so it is
   * linked where `retrieve` finds it; a deleted one is not linked at all (create would refuse).
   */
  async function links(record: JournalRecord): Promise<Record<string, string>> {
    const c = record.contact;
    if (!c) return {};
    const out: Record<string, string> = {};
    if (c.kind === 'company') {
      const account = await wsId('Accounts', c.id);
      if (account && (await client.exists(account))) out.parent_id = account;
    } else {
      const contact = await wsId('Contacts', c.id);
      if (contact && (await client.exists(contact))) out.contact_id = contact;
      else {
        const lead = await wsId('Leads', c.id);
        if (lead && (await client.exists(lead))) out.parent_id = lead;
      }
      const account = !out.parent_id && c.companyId ? await wsId('Accounts', c.companyId) : undefined;
      if (account && (await client.exists(account))) out.parent_id = account;
    }
    if (!out.contact_id && !out.parent_id)
      deps.log.warn(
        { writer: config.name, contact: c.id, callId: record.callId },
        'journal: the matched contact is not in vtiger (or not readable); the record is written unlinked',
      );
    return out;
  }

  /** The agent's vtiger user when the config maps one (`19x5` or `5`), else the relay's own user. */
  function owner(record: JournalRecord): string {
    const id = record.agent?.crmUserId;
    const usersPrefix = WS_ID.exec(client.userId)?.[1] ?? '19x';
    if (id && /^\d+$/.test(id)) return `${usersPrefix}${id}`;
    if (id && WS_ID.exec(id)?.[1] === usersPrefix) return id;
    if (id)
      deps.log.warn(
        { writer: config.name, user: record.agent?.user },
        'journal: the CRM user id is not a vtiger user id; the record is owned by the relay user',
      );
    return client.userId;
  }

  async function element(record: JournalRecord): Promise<Record<string, unknown>> {
    const common = {
      subject: subjectOf(record),
      assigned_user_id: owner(record),
      description: descriptionOf(record),
      ...(await links(record)),
    };
    const end = utc(record.endedAt);
    if (record.type === 'task')
      return {
        ...common,
        date_start: end.date,
        time_start: end.time,
        due_date: end.date,
        taskstatus: 'Not Started',
      };
    const start = utc(record.startedAt);
    const d = durationParts(record.durationSeconds);
    return {
      ...common,
      activitytype: 'Call',
      date_start: start.date,
      time_start: start.time,
      due_date: end.date,
      time_end: end.time,
      duration_hours: d.hours,
      duration_minutes: d.minutes,
      eventstatus: record.status === 'held' ? 'Held' : 'Not Held',
    };
  }

  return {
    name: config.name,
    kind: 'vtiger',
    async write(record) {
      let marker: string;
      try {
        marker = markerLine(record.idempotencyKey);
      } catch (err) {
        throw new WriteError(`${where}: ${(err as Error).message}`, false);
      }
      const module = record.type === 'call' ? 'Events' : 'Calendar';
      try {
        await client.ensureSession();
        const rows = await client.query(
          `SELECT id,description FROM ${module} WHERE description LIKE '%${marker}%';`,
          `the look-up of an earlier ${record.type} record`,
        );
        const earlier = rows.find((r) => hasMarker(r.description, marker));
        if (earlier) return { crmId: String(earlier.id), existed: true };
        const made = await client.create(
          module,
          await element(record),
          `the ${record.type} record (${module} create)`,
        );
        return { crmId: String(made.id) };
      } catch (err) {
        throw writeError(err, where);
      }
    },
    close: () => client.logout(),
  };
}
