// Source kind `suitecrm`: contacts from the SuiteCRM V8 JSON:API (SuiteCRM 7 at `{root}/Api/`,
// SuiteCRM 8 at `{root}/legacy/Api/`). Lists are read sorted by `date_modified`, 100 a page. The API
// answers `date_modified` with its seconds cut off while `filter[date_modified][gt]` compares with
// seconds, so each read starts a minute before the last minute seen and rows that come again are
// deduplicated by id. Deleted records cannot be listed (400): deletions come from reconciling ids.
import type { Contact } from '../../../shared/contact.ts';
import { fail, text } from '../../http/configFields.ts';
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
import { SuitecrmClient, SuitecrmRefusal } from './suitecrmClient.ts';

export const SUITECRM_MODULES = ['Contacts', 'Accounts', 'Leads'] as const;
export type SuitecrmModule = (typeof SUITECRM_MODULES)[number];

export interface SuitecrmSourceConfig extends SourceConfigBase {
  kind: 'suitecrm';
  /** The CRM root as given, without `/legacy`. */
  url: string;
  /** SuiteCRM 8: the V8 API lives under `{url}/legacy/Api/`. */
  legacy: boolean;
  clientId: string;
  clientSecret: string;
  modules: SuitecrmModule[];
  reconcileEverySeconds: number;
}

const KEYS = [
  'name',
  'kind',
  'intervalSeconds',
  'url',
  'legacy',
  'clientId',
  'clientSecret',
  'clientSecretEnv',
  'clientSecretFile',
  'modules',
  'reconcileEverySeconds',
];

export const SUITECRM_PAGE = 100;
/** How far before the last minute seen a read starts again (commits that land late, truncation). */
const OVERLAP_MS = 60_000;

const FIELDS: Record<SuitecrmModule, string[]> = {
  Contacts: [
    'first_name',
    'last_name',
    'phone_mobile',
    'phone_work',
    'phone_home',
    'phone_other',
    'account_id',
    'assigned_user_id',
    'assigned_user_name',
    'date_modified',
  ],
  Accounts: [
    'name',
    'phone_office',
    'phone_alternate',
    'assigned_user_id',
    'assigned_user_name',
    'date_modified',
  ],
  Leads: [
    'first_name',
    'last_name',
    'account_name',
    'phone_mobile',
    'phone_work',
    'phone_home',
    'phone_other',
    'assigned_user_id',
    'assigned_user_name',
    'date_modified',
  ],
};
const PHONES: Record<SuitecrmModule, string[]> = {
  Contacts: ['phone_mobile', 'phone_work', 'phone_home', 'phone_other'],
  Accounts: ['phone_office', 'phone_alternate'],
  Leads: ['phone_mobile', 'phone_work', 'phone_home', 'phone_other'],
};

/** `{root}/Api/` or `{root}/legacy/Api/`. */
export function suitecrmApiBase(config: Pick<SuitecrmSourceConfig, 'url' | 'legacy'>): string {
  return `${config.url}${config.legacy ? '/legacy' : ''}/Api/`;
}

/** A query value: spaces as %20 (a `+` is not read as a space), commas and colons as they are. */
function enc(v: string): string {
  return encodeURIComponent(v).replace(/%2C/g, ',').replace(/%3A/g, ':');
}

/** The start of the next read for a `date_modified` seen: its minute less the overlap, UTC, no offset. */
export function filterFrom(stamp: string): string {
  const t = Math.floor(Date.parse(stamp) / 60_000) * 60_000 - OVERLAP_MS;
  return new Date(t).toISOString().slice(0, 19);
}

export const suitecrmSourceKind: SourceKind<SuitecrmSourceConfig> = {
  parse(raw, field, base, baseDir, env) {
    knownKeys(raw, field, KEYS);
    let url = crmUrl(raw.url, `${field}.url`).replace(/\/Api$/i, '');
    if (raw.legacy !== undefined && typeof raw.legacy !== 'boolean')
      fail(`${field}.legacy`, 'must be true or false');
    // SuiteCRM 8 serves the V8 API under /legacy: given in the URL or by the flag.
    const inUrl = /\/legacy$/i.test(url);
    if (inUrl) url = url.replace(/\/legacy$/i, '');
    return {
      ...base,
      kind: 'suitecrm',
      url,
      legacy: inUrl || raw.legacy === true,
      clientId: text(raw.clientId, `${field}.clientId`, 200),
      clientSecret: crmSecret(raw, field, 'clientSecret', baseDir, env),
      modules: crmModules(raw.modules, `${field}.modules`, SUITECRM_MODULES, ['Contacts', 'Accounts']),
      reconcileEverySeconds: reconcileSeconds(raw.reconcileEverySeconds, `${field}.reconcileEverySeconds`),
    };
  },
  create: (config, deps) => createSuitecrmSource(config, deps),
};

interface Resource {
  id?: unknown;
  type?: unknown;
  attributes?: Record<string, unknown>;
}
interface ListAnswer {
  data?: Resource[];
  meta?: { 'total-pages'?: unknown };
  links?: { next?: unknown };
}

/** The source; `now` is the clock of token expiry and of the reconcile interval (injected by tests). */
export function createSuitecrmSource(
  config: SuitecrmSourceConfig,
  deps: { log: SourceLog; now?: () => number },
): ContactSource {
  const now = deps.now ?? Date.now;
  const where = `suitecrm source "${config.name}"`;
  const client = new SuitecrmClient({
    name: config.name,
    apiBase: suitecrmApiBase(config),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    now,
  });
  /** Account id → name, from the accounts read, for contacts' `company`. */
  const accounts = new Map<string, string>();

  async function list(
    path: string,
    what: string,
  ): Promise<{ rows: Resource[]; next?: string; pages: number }> {
    const answer = (await client.get(path, what)) as ListAnswer;
    if (!Array.isArray(answer?.data)) throw new Error(`${where}: ${what} answered no data list`);
    const next = typeof answer.links?.next === 'string' ? answer.links.next : undefined;
    const pages = Number(answer.meta?.['total-pages'] ?? 0) || 0;
    return { rows: answer.data, next, pages };
  }

  function toRow(m: SuitecrmModule, r: Resource): CrmRow {
    const id = str(r.id);
    const a = r.attributes ?? {};
    const stamp = str(a.date_modified);
    if (!id) throw new Error(`${where}: ${m} answered a record without an id`);
    if (Number.isNaN(Date.parse(stamp)))
      throw new Error(`${where}: ${m} record ${id} has date_modified "${stamp.slice(0, 40)}", not a time`);
    const contact: Contact =
      m === 'Accounts'
        ? { id, kind: 'company', name: str(a.name), phones: phonesOf(a, PHONES[m]) }
        : { id, kind: 'person', name: personName(a.first_name, a.last_name), phones: phonesOf(a, PHONES[m]) };
    if (m === 'Contacts' && str(a.account_id)) {
      contact.companyId = str(a.account_id);
      const company = accounts.get(contact.companyId);
      if (company) contact.company = company;
    }
    if (m === 'Leads' && str(a.account_name)) contact.company = str(a.account_name);
    const owner = str(a.assigned_user_name) || str(a.assigned_user_id);
    if (owner) contact.owner = owner;
    contact.updatedAt = new Date(Date.parse(stamp)).toISOString();
    if (m === 'Accounts') accounts.set(id, contact.name);
    return { id, stamp, contact };
  }

  function module(m: SuitecrmModule): CrmModule {
    let fields = FIELDS[m];
    const listPath = (from: string | undefined, page: number) =>
      `V8/module/${m}?fields[${m}]=${enc(fields.join(','))}` +
      (from === undefined ? '' : `&filter[date_modified][gt]=${enc(from)}`) +
      `&sort=date_modified&page[size]=${SUITECRM_PAGE}&page[number]=${page}`;

    /** The first page of a read; without `assigned_user_name` when this install does not know it. */
    async function firstPage(from: string | undefined) {
      try {
        return await list(listPath(from, 1), `the ${m} list`);
      } catch (err) {
        if (!(err instanceof SuitecrmRefusal && err.status === 400 && fields.includes('assigned_user_name')))
          throw err;
        fields = fields.filter((f) => f !== 'assigned_user_name');
        deps.log.warn(
          { source: config.name, module: m, err: err.message },
          'contacts: suitecrm list refused assigned_user_name; owners are user ids',
        );
        return list(listPath(from, 1), `the ${m} list`);
      }
    }

    return {
      name: m,
      async changes(watermark, emit) {
        // Keyset reads on date_modified: each read starts again shortly before the last minute seen;
        // the page links are followed only while a read cannot move on (a minute with > 100 rows).
        let from = watermark === undefined ? undefined : filterFrom(watermark);
        let page = await firstPage(from);
        let number = 1;
        for (;;) {
          for (const r of page.rows) emit(toRow(m, r));
          if (page.rows.length < SUITECRM_PAGE || (page.pages && number >= page.pages)) return;
          const last = str(page.rows[page.rows.length - 1]?.attributes?.date_modified);
          const start = filterFrom(last);
          if (from === undefined || start > from) {
            from = start;
            number = 1;
            page = await list(listPath(from, 1), `the ${m} list`);
          } else {
            number++;
            page = await list(page.next ?? listPath(from, number), `the ${m} list`);
          }
        }
      },
      async listIds() {
        const ids = new Set<string>();
        for (let number = 1; ; number++) {
          const page = await list(
            `V8/module/${m}?fields[${m}]=id&page[size]=${SUITECRM_PAGE}&page[number]=${number}`,
            `the ${m} id listing`,
          );
          for (const r of page.rows) if (str(r.id)) ids.add(str(r.id));
          if (page.rows.length < SUITECRM_PAGE || (page.pages && number >= page.pages)) return ids;
        }
      },
      async stillThere(ids) {
        const there: string[] = [];
        for (const id of ids) {
          try {
            await client.get(`V8/module/${m}/${encodeURIComponent(id)}?fields[${m}]=id`, `${m} ${id}`);
            there.push(id);
          } catch (err) {
            // A deleted record answers 400 ("… module with id … is not found").
            if (!(err instanceof SuitecrmRefusal && (err.status === 400 || err.status === 404))) throw err;
          }
        }
        return there;
      },
      inOverlap: (stamp, watermark) => stamp.slice(0, 19) >= filterFrom(watermark).slice(0, 19),
      later: (a, b) => (Date.parse(a) >= Date.parse(b) ? a : b),
      forget(ids) {
        if (m === 'Accounts') for (const id of ids) accounts.delete(id);
      },
    };
  }

  // Accounts first: contacts take their company's name from the accounts read.
  const order = SUITECRM_MODULES.filter((m) => config.modules.includes(m)).sort(
    (a, b) => Number(b === 'Accounts') - Number(a === 'Accounts'),
  );
  return createCrmSource({
    name: config.name,
    kind: 'suitecrm',
    intervalSeconds: config.intervalSeconds,
    reconcileEverySeconds: config.reconcileEverySeconds,
    modules: order.map(module),
    log: deps.log,
    now,
  });
}
