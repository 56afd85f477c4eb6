// Every PBX-facing path, in one table: which format (for per-source restrictions and the error
// shape), which methods, how the body is read and how it is documented in /openapi.json. Each may
// also be reached under the `/t/SECRET/` prefix; the Logo path under any prefix at all.

import { LOGO_PATH_RE } from './adapters/logo.ts';
import { splitPathSecret } from './pbxSecret.ts';
import type { PbxFormat } from './pbxSources.ts';

export type IngestAction =
  | 'logo'
  | 'generic'
  | 'netsantral'
  | 'uis'
  | 'vtiger-cdr'
  | 'vtiger-search'
  | 'vtiger-lookup'
  | 'contact-lookup'
  | 'journal';

export type IngestMethod = 'GET' | 'POST';

export interface IngestRoute {
  action: IngestAction;
  format: PbxFormat;
  methods: readonly IngestMethod[];
  /** Matched against the path after any `/t/SECRET` prefix. */
  match: RegExp;
  /** The path in /openapi.json. */
  doc: string;
  /** `json`: the body must be JSON (Logo, generic). `fields`: JSON, form or XML, or the query. */
  body: 'json' | 'fields';
  /** ParsVT sends `secretkey` among the other parameters, so it may arrive in a form body. */
  bodySecret?: boolean;
  /** Also opened with an agent's token: it is a link on agents' desktops, not only a PBX call. */
  agentToken?: boolean;
}

export const INGEST_ROUTES: readonly IngestRoute[] = [
  {
    action: 'logo',
    format: 'logo',
    methods: ['POST'],
    match: LOGO_PATH_RE,
    doc: '/Default.aspx/IPS_callAnswered',
    body: 'json',
  },
  {
    action: 'generic',
    format: 'generic',
    methods: ['POST'],
    match: /^\/v1\/calls\/?$/,
    doc: '/v1/calls',
    body: 'json',
  },
  {
    action: 'netsantral',
    format: 'netsantral',
    methods: ['GET', 'POST'],
    match: /^\/v1\/pbx\/netsantral\/?$/i,
    doc: '/v1/pbx/netsantral',
    body: 'fields',
  },
  {
    action: 'uis',
    format: 'uis',
    methods: ['POST'],
    match: /^\/v1\/pbx\/uis\/?$/i,
    doc: '/v1/pbx/uis',
    body: 'fields',
  },
  {
    action: 'vtiger-cdr',
    format: 'vtiger',
    methods: ['GET', 'POST'],
    match: /^\/v1\/pbx\/vtiger\/processcdr\/?$/i,
    doc: '/v1/pbx/vtiger/ProcessCDR',
    body: 'fields',
    bodySecret: true,
  },
  {
    action: 'vtiger-search',
    format: 'vtiger',
    methods: ['GET', 'POST'],
    match: /^\/v1\/pbx\/vtiger\/searchpbx\/?$/i,
    doc: '/v1/pbx/vtiger/SearchPBX',
    body: 'fields',
    bodySecret: true,
  },
  {
    action: 'vtiger-lookup',
    format: 'vtiger',
    methods: ['GET'],
    match: /^\/v1\/pbx\/vtiger\/lookup\/?$/i,
    doc: '/v1/pbx/vtiger/Lookup',
    body: 'fields',
    agentToken: true,
  },
  {
    action: 'contact-lookup',
    format: 'threecx',
    methods: ['GET'],
    match: /^\/v1\/lookup\/?$/i,
    doc: '/v1/lookup',
    body: 'fields',
  },
  {
    action: 'journal',
    format: 'threecx',
    methods: ['POST'],
    match: /^\/v1\/pbx\/journal\/?$/i,
    doc: '/v1/pbx/journal',
    body: 'fields',
  },
];

export interface ResolvedRoute {
  route: IngestRoute;
  pathSecret?: string;
  /** False when the path is known but not for this method (answered 405). */
  methodAllowed: boolean;
}

/** The route a request belongs to, or null when the path is none of ours. */
export function resolveRoute(method: string, url: string): ResolvedRoute | null {
  const path = url.split('?', 1)[0] ?? '';
  const { secret, rest } = splitPathSecret(path);
  const route = INGEST_ROUTES.find((r) => r.match.test(rest));
  if (!route) return null;
  const m = method === 'HEAD' ? 'GET' : method;
  return { route, pathSecret: secret, methodAllowed: (route.methods as readonly string[]).includes(m) };
}
