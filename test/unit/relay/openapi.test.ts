// `/openapi.json` is generated from the route schemas: it must list every route the relay serves,
// pass Redocly's recommended rules, and describe the answers the relay really gives.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, describe, expect, it } from 'vitest';
import { INGEST_ROUTES } from '../../../relay/ingest/pbxRouteTable.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, LOGO_SAMPLE, SECRET, tempDir, testConfig } from './helpers.ts';

interface Operation {
  security?: unknown[];
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type Doc = {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

const CSV = `id,kind,name,company_id,company,phones,owner,updated_at
C-1,company,Ege Turizm,,,0212 555 01 00,,2024-06-01T00:00:00Z
P-1,person,Kemal Öztürk,C-1,Ege Turizm,0532 318 44 71,ayse,2024-01-01T00:00:00Z
`;

const dir = tempDir();
afterAll(() => dir.cleanup());
const file = dir.write('contacts.csv', CSV);
const app = buildApp({ config: testConfig({ contacts: { file }, demoCrm: true }), logger: false });
const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as Doc;
const { paths } = doc;

/** The documented operation a concrete URL belongs to (`/v1/admin/agents/ayse` → `…/{user}`). */
function operationFor(method: string, url: string): Operation | undefined {
  const path = url.split('?')[0] as string;
  for (const [template, ops] of Object.entries(paths)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replaceAll('.', '\\.')}$`);
    if (re.test(path)) return ops[method.toLowerCase()];
  }
  return undefined;
}

describe('GET /openapi.json', () => {
  it('serves an OpenAPI 3.1 document', () => {
    expect(doc).toMatchObject({ openapi: '3.1.0', info: { title: 'ScreenPop relay' } });
  });

  it('documents every ingest and lookup route with each of its methods', () => {
    for (const route of INGEST_ROUTES)
      for (const method of route.methods)
        expect(paths[route.doc]?.[method.toLowerCase()], `${method} ${route.doc}`).toBeDefined();
  });

  it('documents the agent, admin and operations routes, each saying who may call it', () => {
    const expected = [
      'get /v1/stream',
      'get /v1/contacts',
      'get /v1/contacts/lookup',
      'get /v1/events',
      'get /v1/sse',
      'post /v1/pair',
      'post /v1/diagnostics/test-call',
      'get /healthz',
      'get /readyz',
      'get /metrics',
      'get /v1/admin/agents',
      'post /v1/admin/agents',
      'get /v1/admin/agents/{user}',
      'put /v1/admin/agents/{user}',
      'delete /v1/admin/agents/{user}',
      'post /v1/admin/agents/{user}/tokens',
      'delete /v1/admin/agents/{user}/tokens/{tokenId}',
      'post /v1/admin/agents/{user}/pairing',
      'get /v1/admin/connections',
      'get /v1/admin/agents.csv',
      'put /v1/admin/agents.csv',
    ];
    for (const name of expected) {
      const [method, path] = name.split(' ') as [string, string];
      const op = paths[path]?.[method];
      expect(op, name).toBeDefined();
      expect(op?.security, `${name} names its security`).toBeDefined();
      if (path.startsWith('/v1/admin/')) expect(op?.security).toEqual([{ adminBearer: [] }]);
    }
  });

  it('documents only paths the relay serves (none answers 404)', async () => {
    for (const [path, methods] of Object.entries(paths))
      for (const method of Object.keys(methods)) {
        const res = await app.inject({ method: method.toUpperCase() as 'GET' | 'POST', url: path });
        expect(res.statusCode, `${method} ${path}`).not.toBe(404);
        expect(res.statusCode, `${method} ${path}`).not.toBe(405);
      }
  });

  it('passes Redocly lint with the recommended rules, without errors', () => {
    const out = join(dir.dir, 'openapi.json');
    writeFileSync(out, JSON.stringify(doc));
    let report: string;
    try {
      report = execFileSync(
        process.execPath,
        ['node_modules/@redocly/cli/bin/cli.js', 'lint', out, '--format=json', '--extends=recommended'],
        {
          encoding: 'utf8',
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      );
    } catch (error) {
      report = String((error as { stdout?: string }).stdout ?? error);
    }
    const parsed = JSON.parse(report.slice(report.indexOf('{'))) as {
      totals: { errors: number };
      problems: { ruleId: string; message: string; severity: string; location: { pointer: string }[] }[];
    };
    const errors = parsed.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors, errors.join('\n')).toEqual([]);
    expect(parsed.totals.errors).toBe(0);
  }, 30_000);
});

describe('every answer matches its documented schema', () => {
  const agent = { authorization: `Bearer ${AYSE_TOKEN}` };
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const requests: {
    method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    url: string;
    headers?: Record<string, string>;
    body?: string;
  }[] = [
    { method: 'GET', url: '/healthz' },
    { method: 'GET', url: '/readyz' },
    { method: 'GET', url: '/v1/contacts', headers: agent },
    { method: 'GET', url: '/v1/contacts?limit=1', headers: agent },
    { method: 'GET', url: '/v1/contacts?limit=0', headers: agent },
    { method: 'GET', url: '/v1/contacts' },
    { method: 'GET', url: '/v1/contacts/lookup?phone=05323184471', headers: agent },
    { method: 'GET', url: '/v1/contacts/lookup', headers: agent },
    { method: 'POST', url: '/v1/diagnostics/test-call', headers: agent },
    {
      method: 'POST',
      url: '/v1/diagnostics/test-call',
      headers: { ...agent, 'content-type': 'application/json' },
      body: '{"keypress":"x"}',
    },
    { method: 'GET', url: '/v1/events?after=x', headers: agent },
    {
      method: 'POST',
      url: '/v1/pair',
      headers: { 'content-type': 'application/json' },
      body: '{"code":"AAAA-AAAA"}',
    },
    { method: 'POST', url: '/v1/pair', headers: { 'content-type': 'application/json' }, body: '{"code":1}' },
    { method: 'GET', url: '/v1/admin/agents', headers: admin },
    { method: 'GET', url: '/v1/admin/agents/ayse', headers: admin },
    { method: 'GET', url: '/v1/admin/agents/nobody', headers: admin },
    {
      method: 'POST',
      url: '/v1/admin/agents',
      headers: admin,
      body: '{"user":"zeynep","extensions":["915"]}',
    },
    {
      method: 'POST',
      url: '/v1/admin/agents',
      headers: admin,
      body: '{"user":"zeynep","extensions":["915"]}',
    },
    { method: 'PUT', url: '/v1/admin/agents/zeynep', headers: admin, body: '{"name":"Zeynep K."}' },
    { method: 'POST', url: '/v1/admin/agents/zeynep/tokens', headers: admin, body: '{"label":"desk 3"}' },
    { method: 'POST', url: '/v1/admin/agents/zeynep/pairing', headers: admin },
    { method: 'GET', url: '/v1/admin/connections', headers: admin },
    { method: 'DELETE', url: '/v1/admin/agents/zeynep/tokens/nope', headers: admin },
    { method: 'DELETE', url: '/v1/admin/agents/zeynep', headers: admin },
    { method: 'GET', url: '/v1/admin/agents', headers: { authorization: 'Bearer wrong-admin-token-0000' } },
    {
      method: 'PUT',
      url: '/v1/admin/agents.csv?dryRun=true',
      headers: { ...admin, 'content-type': 'text/csv' },
      body: 'user,name,extensions,agentIds\nayse,Ayşe,911,\n',
    },
    {
      method: 'PUT',
      url: '/v1/admin/agents.csv?dryRun=true',
      headers: { ...admin, 'content-type': 'text/csv' },
      body: 'user,name,extensions,agentIds\nbad user,,x y,\n',
    },
  ];

  it('for each route, on success and on refusal', async () => {
    const checked: string[] = [];
    for (const r of requests) {
      const res = await app.inject({ method: r.method, url: r.url, headers: r.headers, payload: r.body });
      const name = `${r.method} ${r.url} → ${res.statusCode}`;
      const op = operationFor(r.method, r.url);
      expect(op, `${name}: documented`).toBeDefined();
      const documented = op?.responses[String(res.statusCode)];
      expect(documented, `${name}: status documented (${res.body})`).toBeDefined();
      const schema = documented?.content?.['application/json']?.schema;
      expect(schema, `${name}: JSON schema documented`).toBeDefined();
      const body = res.json();
      const problems = [...Value.Errors(schema as never, body)].map((e) => `${e.instancePath} ${e.message}`);
      expect(problems, `${name}: ${res.body}`).toEqual([]);
      checked.push(name);
    }
    expect(new Set(checked.map((c) => c.split(' → ')[1])).size, 'successes and refusals').toBeGreaterThan(4);
  });

  it('accepts a PBX call and answers as documented', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/logocrm/Default.aspx/IPS_callAnswered',
      headers: { authorization: `Bearer ${SECRET}` },
      payload: LOGO_SAMPLE,
    });
    const schema = paths['/Default.aspx/IPS_callAnswered']?.post?.responses['200']?.content?.[
      'application/json'
    ]?.schema as { $ref?: string };
    const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop() as string] : schema;
    expect([...Value.Errors(resolved as never, res.json())]).toEqual([]);
  });
});
