// The relay's JSON config. Every problem names the field at fault, because the person reading the
// message is an admin editing that file by hand.
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type AgentConfig, parseAgentsConfig } from '../agents/agentConfig.ts';
import type { ContactsSource } from '../contacts/contactSources.ts';
import { parseSources, type SourceConfig } from '../contacts/sources/sourceRegistry.ts';
import { type DeliveryConfig, parseDeliveryConfig } from '../delivery/deliveryConfig.ts';
import { ConfigError, fail, integer, object, secret, text } from '../http/configFields.ts';
import { type Limits, parseLimits } from '../http/limits.ts';
import { parseTrustProxy, type TrustProxy } from '../http/trustProxy.ts';
import { type IngestConfig, parseIngestConfig } from '../ingest/pbxSources.ts';
import { type JournalSettings, parseJournal } from '../journal/journalConfig.ts';
import { parseStoreConfig, STORE_FIELDS, type StoreSettings } from '../store/storeConfig.ts';

export type { AgentConfig };
export { ConfigError };

export interface RelayConfig {
  listen: { host: string; port: number; trustProxy: TrustProxy };
  pbx: { secret: string };
  /** PBX sources (secrets, formats, HMAC, IPs, rates), adapter options and CRM links: relay/pbxSources.ts. */
  ingest: IngestConfig;
  adminToken: string;
  agents: AgentConfig[];
  /** The contacts CSV/JSON file or a directory of them (absolute), or null when the relay serves no contacts. */
  contacts: ContactsSource | null;
  /** `contacts.sources`: files, SQL databases and CRM APIs polled on their own intervals; null when not used. */
  contactSources: SourceConfig[] | null;
  /** `journal`: calls written back into the CRM; null when not configured. */
  journal: JournalSettings | null;
  /**
   * Absolute path of the JSON file holding the agents (mapping and token hashes) in embedded mode.
   * `agents` above only seed it when it does not exist yet; after that it is the source of truth.
   */
  demoCrm: boolean;
  /** Where calls, agents and sessions are kept (parsed by store/storeConfig.ts). */
  store: StoreSettings;
  /** Connection limit and long-poll wait (relay/deliveryConfig.ts); absent = defaults. */
  delivery?: DeliveryConfig;
  /** Timeouts and caps against clients that hold connections or guess credentials (http/limits.ts). */
  limits: Limits;
}

const TOP_LEVEL = new Set<string>([
  ...STORE_FIELDS,
  '$schema',
  'listen',
  'pbx',
  'crm',
  'adminToken',
  'agents',
  'contacts',
  'demoCrm',
  'journal',
  'delivery',
  'limits',
]);

/** Validates a parsed config. `baseDir` is the config file's directory (contacts.file is relative to it). */
export function parseConfig(
  raw: unknown,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): RelayConfig {
  const c = object(raw, '(root)');
  for (const key of Object.keys(c)) if (!TOP_LEVEL.has(key)) fail(key, 'is not a known field');

  const listen = c.listen === undefined ? {} : object(c.listen, 'listen');
  for (const key of Object.keys(listen))
    if (!['host', 'port', 'trustProxy'].includes(key)) fail(`listen.${key}`, 'is not a known field');
  const delivery = parseDeliveryConfig(c.delivery);
  const pbx = object(c.pbx, 'pbx');
  const { ingest, secret: pbxSecret } = parseIngestConfig(pbx, c.crm, fail);
  const agents = parseAgentsConfig(c.agents);
  const config: RelayConfig = {
    listen: {
      host: listen.host === undefined ? '127.0.0.1' : text(listen.host, 'listen.host', 255),
      port: listen.port === undefined ? 8787 : integer(listen.port, 'listen.port', 0, 65535),
      trustProxy: parseTrustProxy(listen.trustProxy),
    },
    pbx: { secret: pbxSecret },
    ingest,
    adminToken: secret(c.adminToken, 'adminToken'),
    agents,
    contacts: null,
    contactSources: null,
    journal: null,
    demoCrm: false,
    store: parseStoreConfig(c, baseDir),
    delivery,
    limits: parseLimits(c.limits, delivery.longPollMs),
  };
  if (c.contacts !== undefined) {
    const contacts = object(c.contacts, 'contacts');
    if (contacts.sources !== undefined) {
      if (contacts.file !== undefined || contacts.dir !== undefined)
        fail('contacts', 'must have either sources or file/dir, not both');
      config.contactSources = parseSources(contacts.sources, baseDir, env);
    } else if ((contacts.file === undefined) === (contacts.dir === undefined))
      fail('contacts', 'must have exactly one of file or dir, or a list of sources');
    else
      config.contacts =
        contacts.dir === undefined
          ? { file: resolve(baseDir, text(contacts.file, 'contacts.file', 4096)) }
          : { dir: resolve(baseDir, text(contacts.dir, 'contacts.dir', 4096)) };
  }
  if (c.journal !== undefined) config.journal = parseJournal(c.journal, baseDir, env);
  if (c.demoCrm !== undefined) {
    if (typeof c.demoCrm !== 'boolean') fail('demoCrm', 'must be true or false');
    config.demoCrm = c.demoCrm;
  }

  // One secret per role: a leaked agent token must never pass as the PBX secret, and tokens
  // identify the agent, so two agents cannot share one.
  const seen = new Map<string, string>(ingest.sources.map((s) => [s.secret, s.field]));
  const adminClash = seen.get(config.adminToken);
  if (adminClash) fail('adminToken', `must differ from ${adminClash}`);
  seen.set(config.adminToken, 'adminToken');
  agents.forEach((a, i) => {
    const other = seen.get(a.token);
    if (other) fail(`agents[${i}].token`, `must differ from ${other}`);
    seen.set(a.token, `agents[${i}].token`);
  });
  return config;
}

/** Reads, parses and validates the config file; throws ConfigError with a message for the admin. */
export function loadConfig(file: string): RelayConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`config: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`config: ${path} is not valid JSON (${(error as Error).message})`);
  }
  const config = parseConfig(raw, dirname(path));
  if (config.contacts) {
    const [field, path] =
      config.contacts.file !== undefined
        ? ['contacts.file', config.contacts.file]
        : ['contacts.dir', config.contacts.dir];
    try {
      accessSync(path, constants.R_OK);
    } catch (error) {
      fail(field, `cannot be read: ${path} (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  return config;
}
