// Source kind `vtiger`: contacts from the vtiger webservice. Rows are read with `query` ordered by
// `modifiedtime`, 100 at a time (the webservice's ceiling); later polls ask for `modifiedtime >=`
// the last value seen, so rows saved in the same second are never lost (they come again and are
// deduplicated). `modifiedtime` is the vtiger database's local time: it stays a string for the
// watermark and is never converted through the relay's time zone. Deletions come from reconciling
// ids (`sync` answers HTTP 500 on PHP 8).
import type { Contact } from '../../../shared/contact.ts';
import { text } from '../../http/configFields.ts';
import {
  type CrmModule,
  type CrmRow,
  createCrmSource,
  crmModules,
  crmSecret,
  crmUrl,
  knownKeys,
  personName,
  phonesOf,
  reconcileSeconds,
  str,
} from './crmApiShared.ts';
import type { ContactSource, SourceConfigBase, SourceKind, SourceLog } from './sourceTypes.ts';
import { VtigerClient } from './vtigerClient.ts';

export const VTIGER_MODULES = ['Contacts', 'Accounts', 'Leads'] as const;
export type VtigerModule = (typeof VTIGER_MODULES)[number];

export interface VtigerSourceConfig extends SourceConfigBase {
  kind: 'vtiger';
  url: string;
  username: string;
  accessKey: string;
  modules: VtigerModule[];
  reconcileEverySeconds: number;
}

const KEYS = [
  'name',
  'kind',
  'intervalSeconds',
  'url',
  'username',
  'accessKey',
  'accessKeyEnv',
  'accessKeyFile',
  'modules',
  'reconcileEverySeconds',
];

/** The webservice's ceiling: a `query` answers at most 100 rows. */
export const VTIGER_PAGE = 100;

const FIELDS: Record<VtigerModule, string> = {
  Contacts:
    'id,firstname,lastname,phone,mobile,homephone,otherphone,account_id,assigned_user_id,modifiedtime',
  Accounts: 'id,accountname,phone,otherphone,assigned_user_id,modifiedtime',
  Leads: 'id,firstname,lastname,company,phone,mobile,assigned_user_id,modifiedtime',
};
const PHONES: Record<VtigerModule, string[]> = {
  Contacts: ['phone', 'mobile', 'homephone', 'otherphone'],
  Accounts: ['phone', 'otherphone'],
  Leads: ['phone', 'mobile'],
};

const WS_ID = /^(\d+x)(\d+)$/;
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** `12x3` → `3`: record URLs need the plain id (`record=3`); `12x3` gives "Permission denied". */
export function plainId(wsId: string): string {
  return WS_ID.exec(wsId)?.[2] ?? wsId;
}

export const vtigerSourceKind: SourceKind<VtigerSourceConfig> = {
  parse(raw, field, base, baseDir, env) {
    knownKeys(raw, field, KEYS);
    return {
      ...base,
      kind: 'vtiger',
      url: crmUrl(raw.url, `${field}.url`),
      username: text(raw.username, `${field}.username`, 100),
      accessKey: crmSecret(raw, field, 'accessKey', baseDir, env),
      modules: crmModules(raw.modules, `${field}.modules`, VTIGER_MODULES, ['Contacts', 'Accounts']),
      reconcileEverySeconds: reconcileSeconds(raw.reconcileEverySeconds, `${field}.reconcileEverySeconds`),
    };
  },
  create: (config, deps) => createVtigerSource(config, deps),
};

/** The source; `now` is the clock of the reconcile interval (injected by tests). */
export function createVtigerSource(
  config: VtigerSourceConfig,
  deps: { log: SourceLog; now?: () => number },
): ContactSource {
  const client = new VtigerClient(config);
  const where = `vtiger source "${config.name}"`;
  /** User id (`19x1`) → user name, loaded once per session. */
  let users = new Map<string, string>();
  let usersSession = -1;
  /** Account id (plain) → name, from the accounts read, for contacts' `company`. */
  const accounts = new Map<string, string>();

  async function loadUsers(): Promise<void> {
    const next = new Map<string, string>();
    try {
      for (let offset = 0; ; offset += VTIGER_PAGE) {
        const rows = await client.query(
          `SELECT id,user_name FROM Users LIMIT ${offset},${VTIGER_PAGE};`,
          'the user names query',
        );
        for (const r of rows) if (str(r.id) && str(r.user_name)) next.set(str(r.id), str(r.user_name));
        if (rows.length < VTIGER_PAGE) break;
      }
    } catch (err) {
      deps.log.warn(
        { source: config.name, err: (err as Error).message },
        'contacts: vtiger user names cannot be read; owners stay empty',
      );
    }
    users = next;
    usersSession = client.sessionNumber;
  }

  function toContact(m: VtigerModule, r: Record<string, unknown>): CrmRow {
    const wsId = str(r.id);
    const stamp = str(r.modifiedtime);
    if (!WS_ID.test(wsId)) throw new Error(`${where}: ${m} answered a row without a valid id`);
    if (!TIME.test(stamp))
      throw new Error(`${where}: ${m} row ${wsId} has modifiedtime "${stamp.slice(0, 30)}", not a time`);
    const id = plainId(wsId);
    const contact: Contact =
      m === 'Accounts'
        ? { id, kind: 'company', name: str(r.accountname), phones: phonesOf(r, PHONES[m]) }
        : { id, kind: 'person', name: personName(r.firstname, r.lastname), phones: phonesOf(r, PHONES[m]) };
    if (m === 'Contacts' && WS_ID.test(str(r.account_id))) {
      contact.companyId = plainId(str(r.account_id));
      const company = accounts.get(contact.companyId);
      if (company) contact.company = company;
    }
    if (m === 'Leads' && str(r.company)) contact.company = str(r.company);
    const owner = users.get(str(r.assigned_user_id));
    if (owner) contact.owner = owner;
    // The vtiger server's local time, as ISO without an offset (the offset is not known).
    contact.updatedAt = stamp.replace(' ', 'T');
    if (m === 'Accounts') accounts.set(id, contact.name);
    return { id, stamp, contact };
  }

  function module(m: VtigerModule): CrmModule {
    /** `12x`: the webservice id prefix of this module, learnt from its rows (retrieve needs it). */
    let prefix = '';
    const select = (where: string, offset: number) =>
      `SELECT ${FIELDS[m]} FROM ${m}${where} ORDER BY modifiedtime LIMIT ${offset},${VTIGER_PAGE};`;
    return {
      name: m,
      async changes(watermark, emit) {
        // Keyset paging on modifiedtime: each page starts at the last time seen (>=, rows of that
        // second come again and are deduplicated); an offset is used only inside a run of more
        // than a page of rows sharing one time.
        let from = watermark;
        let offset = 0;
        for (;;) {
          const rows = await client.query(
            select(from === undefined ? '' : ` WHERE modifiedtime >= '${from}'`, offset),
            `the ${m} query`,
          );
          for (const r of rows) {
            prefix ||= WS_ID.exec(str(r.id))?.[1] ?? '';
            emit(toContact(m, r));
          }
          if (rows.length < VTIGER_PAGE) return;
          const last = str(rows[rows.length - 1]?.modifiedtime);
          if (last === from) offset += rows.length;
          else {
            from = last;
            offset = 0;
          }
        }
      },
      async listIds() {
        const ids = new Set<string>();
        for (let offset = 0; ; offset += VTIGER_PAGE) {
          const rows = await client.query(
            `SELECT id FROM ${m} LIMIT ${offset},${VTIGER_PAGE};`,
            `the ${m} id listing`,
          );
          for (const r of rows) {
            prefix ||= WS_ID.exec(str(r.id))?.[1] ?? '';
            ids.add(plainId(str(r.id)));
          }
          if (rows.length < VTIGER_PAGE) return ids;
        }
      },
      async stillThere(ids) {
        if (!prefix) return ids;
        const there: string[] = [];
        for (const id of ids) if (await client.exists(`${prefix}${id}`)) there.push(id);
        return there;
      },
      inOverlap: (stamp, watermark) => stamp >= watermark,
      later: (a, b) => (a >= b ? a : b),
      forget(ids) {
        if (m === 'Accounts') for (const id of ids) accounts.delete(id);
      },
    };
  }

  // Accounts first: contacts take their company's name from the accounts read.
  const order = VTIGER_MODULES.filter((m) => config.modules.includes(m)).sort(
    (a, b) => Number(b === 'Accounts') - Number(a === 'Accounts'),
  );
  return createCrmSource({
    name: config.name,
    kind: 'vtiger',
    intervalSeconds: config.intervalSeconds,
    reconcileEverySeconds: config.reconcileEverySeconds,
    modules: order.map(module),
    log: deps.log,
    now: deps.now ?? Date.now,
    async prepare() {
      await client.ensureSession();
      if (usersSession !== client.sessionNumber) await loadUsers();
    },
    close: () => client.logout(),
  });
}
