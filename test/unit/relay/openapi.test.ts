import { describe, expect, it } from 'vitest';
import { INGEST_ROUTES } from '../../../relay/ingest/pbxRouteTable.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { OPENAPI } from '../../../relay/server/openapi.ts';
import { testConfig } from './helpers.ts';

const paths = OPENAPI.paths as Record<string, Record<string, unknown>>;

describe('GET /openapi.json', () => {
  const app = buildApp({ config: testConfig(), logger: false });

  it('serves an OpenAPI 3.1 document', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ openapi: '3.1.0', info: { title: 'ScreenPop relay' } });
  });

  it('documents every ingest and lookup route with each of its methods', () => {
    for (const route of INGEST_ROUTES)
      for (const method of route.methods)
        expect(paths[route.doc]?.[method.toLowerCase()], `${method} ${route.doc}`).toBeDefined();
  });

  it('documents the agent routes', () => {
    for (const path of [
      '/v1/stream',
      '/v1/contacts',
      '/v1/contacts/lookup',
      '/v1/events',
      '/v1/sse',
      '/healthz',
      '/readyz',
    ])
      expect(paths[path]?.get, path).toBeDefined();
  });

  it('documents only paths the relay serves (none answers 404)', async () => {
    for (const [path, methods] of Object.entries(paths))
      for (const method of Object.keys(methods)) {
        const res = await app.inject({ method: method.toUpperCase() as 'GET' | 'POST', url: path });
        expect(res.statusCode, `${method} ${path}`).not.toBe(404);
        expect(res.statusCode, `${method} ${path}`).not.toBe(405);
      }
  });

  it('has every $ref resolve', () => {
    const schemas = OPENAPI.components.schemas as Record<string, unknown>;
    const refs = JSON.stringify(OPENAPI).match(/#\/components\/schemas\/\w+/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(schemas[ref.split('/').pop() as string], ref).toBeDefined();
  });
});
