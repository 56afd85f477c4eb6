// The PBX side of the config: who may post (sources, each with its secret, formats, signing key,
// addresses and rate); the adapters' own options are in pbxOptions.ts. `pbx.secret` stays what it
// always was: the source named `default`, allowed every format.
import { ID_PATTERN } from '../../shared/callEvent.ts';
import { isObject } from '../../shared/isObject.ts';
import { isRegion } from '../../shared/phone.ts';
import { DEFAULT_RATE_PER_MINUTE } from '../http/rateLimit.ts';
import { parseCidr } from './ipAllow.ts';
import {
  type CrmLinks,
  type Fail,
  known,
  list,
  type NetsantralOptions,
  parseCrm,
  parseNetsantral,
  parseUis,
} from './pbxOptions.ts';

export { type CrmLinks, type NetsantralOptions, numberKey } from './pbxOptions.ts';

export const FORMATS = ['logo', 'generic', 'netsantral', 'uis', 'vtiger', 'threecx'] as const;
export type PbxFormat = (typeof FORMATS)[number];

/** Who hears this source's calls (relay/ingest/ownerRouting.ts). */
export interface SourceRouting {
  /** `extension`: the extension's (and agent id's) agents, as always; `owner`: the caller's owner first. */
  mode: 'extension' | 'owner';
  /** With `owner`: the users who hear a call that names no extension and whose caller has no owner. */
  teamAgents: string[];
}

export const ROUTING_MODES = ['extension', 'owner'] as const;

export interface PbxSource {
  name: string;
  secret: string;
  /** The config field holding the secret, for messages such as "must differ from pbx.sources[1].secret". */
  field: string;
  /** Formats this source may post; null means all. */
  formats: PbxFormat[] | null;
  hmacSecret?: string;
  /** CIDRs the source may post from; null means anywhere. */
  allowIps: string[] | null;
  ratePerMinute: number;
  routing: SourceRouting;
}

export interface IngestConfig {
  /** Never empty; the `default` source (pbx.secret) comes first when it exists. */
  sources: PbxSource[];
  /** Region for reading national numbers (`0533…`) in lookups. */
  defaultRegion: string;
  netsantral: NetsantralOptions;
  uis: { fallbackExtensions: string[] };
  crm: CrmLinks | null;
}

const SECRET_RE = /^[\x21-\x7e]{16,256}$/;
const PBX_KEYS = new Set([
  'secret',
  'formats',
  'hmacSecret',
  'allowIps',
  'ratePerMinute',
  'sources',
  'defaultRegion',
  'netsantral',
  'uis',
  'routing',
  'teamAgents',
]);
const SOURCE_KEYS = new Set([
  'name',
  'secret',
  'formats',
  'hmacSecret',
  'allowIps',
  'ratePerMinute',
  'routing',
  'teamAgents',
]);

function secret(v: unknown, field: string, fail: Fail): string {
  if (typeof v !== 'string' || v.length < 16) fail(field, 'must be a string of at least 16 characters');
  if (!SECRET_RE.test(v)) fail(field, 'must be at most 256 printable ASCII characters without spaces');
  return v;
}

function source(
  o: Record<string, unknown>,
  name: string,
  field: string,
  secretField: string,
  fail: Fail,
): PbxSource {
  const s: PbxSource = {
    name,
    secret: secret(o.secret, secretField, fail),
    field: secretField,
    formats: null,
    allowIps: null,
    ratePerMinute: DEFAULT_RATE_PER_MINUTE,
    routing: { mode: 'extension', teamAgents: [] },
  };
  if (o.formats !== undefined)
    s.formats = list(
      o.formats,
      `${field}.formats`,
      fail,
      (f) => (FORMATS as readonly string[]).includes(f),
      `one of ${FORMATS.join(', ')}`,
    ) as PbxFormat[];
  if (o.hmacSecret !== undefined) s.hmacSecret = secret(o.hmacSecret, `${field}.hmacSecret`, fail);
  if (o.allowIps !== undefined)
    s.allowIps = list(
      o.allowIps,
      `${field}.allowIps`,
      fail,
      (c) => parseCidr(c) !== null,
      'an IPv4 or IPv6 address or CIDR such as 10.0.0.0/8 or ::1/128',
    );
  if (o.ratePerMinute !== undefined) {
    const r = o.ratePerMinute;
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 1 || r > 1_000_000)
      fail(`${field}.ratePerMinute`, 'must be an integer from 1 to 1000000');
    s.ratePerMinute = r;
  }
  if (o.routing !== undefined) {
    if (typeof o.routing !== 'string' || !(ROUTING_MODES as readonly string[]).includes(o.routing))
      fail(`${field}.routing`, `must be one of ${ROUTING_MODES.join(', ')}`);
    s.routing.mode = o.routing as SourceRouting['mode'];
  }
  if (o.teamAgents !== undefined)
    s.routing.teamAgents = list(
      o.teamAgents,
      `${field}.teamAgents`,
      fail,
      (u) => ID_PATTERN.test(u),
      `an agent's user matching ${ID_PATTERN}`,
    );
  if (s.routing.teamAgents.length && s.routing.mode !== 'owner')
    fail(`${field}.teamAgents`, 'applies only with "routing": "owner"');
  return s;
}

/** Validates `pbx` (already known to be an object) and `crm`; `fail` is the config's error reporter. */
export function parseIngestConfig(
  pbx: Record<string, unknown>,
  crmRaw: unknown,
  fail: Fail,
): { ingest: IngestConfig; secret: string } {
  known(pbx, PBX_KEYS, 'pbx', fail);
  const sources: PbxSource[] = [];
  const hasSources = Array.isArray(pbx.sources) && pbx.sources.length > 0;
  // pbx.secret may be left out only when named sources take its place.
  if (pbx.secret !== undefined || !hasSources)
    sources.push(source(pbx, 'default', 'pbx', 'pbx.secret', fail));
  if (pbx.sources !== undefined) {
    if (!Array.isArray(pbx.sources)) fail('pbx.sources', 'must be an array');
    pbx.sources.forEach((raw, i) => {
      const field = `pbx.sources[${i}]`;
      if (!isObject(raw)) fail(field, 'must be an object');
      known(raw, SOURCE_KEYS, field, fail);
      if (typeof raw.name !== 'string' || !ID_PATTERN.test(raw.name))
        fail(`${field}.name`, `must be a string matching ${ID_PATTERN}`);
      if (sources.some((s) => s.name === raw.name))
        fail(`${field}.name`, `"${raw.name}" is used by another source (default is pbx.secret's)`);
      const s = source(raw, raw.name, field, `${field}.secret`, fail);
      const clash = sources.find((other) => other.secret === s.secret);
      if (clash) fail(s.field, `must differ from ${clash.field}`);
      sources.push(s);
    });
  }
  const region = pbx.defaultRegion ?? 'TR';
  if (typeof region !== 'string' || !isRegion(region))
    fail('pbx.defaultRegion', 'must be a two-letter country code such as TR or DE');
  const ingest: IngestConfig = {
    sources,
    defaultRegion: region,
    netsantral: parseNetsantral(pbx.netsantral, region, fail),
    uis: parseUis(pbx.uis, fail),
    crm: parseCrm(crmRaw, fail),
  };
  return { ingest, secret: (sources[0] as PbxSource).secret };
}
