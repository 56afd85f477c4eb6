// CORS on @fastify/cors. The extension's service worker and pages fetch the relay cross-origin
// without a host permission for it, so the relay must allow them by CORS. Only extension origins
// are reflected (never `*`): a web page in the agent's browser must not read contacts even if it
// somehow holds a token. Which routes answer CORS, with which methods and headers, is this table.
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const EXTENSION_ORIGIN_RE = /^(chrome-extension|moz-extension):\/\/[A-Za-z0-9-]{1,64}$/;

/** The request's Origin when it is a browser extension's, else null. */
export function extensionOrigin(origin: string | undefined): string | null {
  return origin && EXTENSION_ORIGIN_RE.test(origin) ? origin : null;
}

interface CorsRule {
  /** A path, or a prefix ending in `/`. */
  path: string;
  methods: string[];
  headers: string[];
  expose?: string[];
}

/** Routes the extension calls, and what their preflights allow. */
const RULES: readonly CorsRule[] = [
  { path: '/healthz', methods: ['GET'], headers: ['Authorization'] },
  { path: '/v1/contacts', methods: ['GET'], headers: ['Authorization'] },
  { path: '/v1/contacts/lookup', methods: ['GET'], headers: ['Authorization'] },
  { path: '/v1/events', methods: ['GET'], headers: ['Authorization'] },
  { path: '/v1/sse', methods: ['GET'], headers: ['Authorization'] },
  { path: '/v1/pair', methods: ['POST'], headers: ['Content-Type'] },
  { path: '/v1/diagnostics/test-call', methods: ['POST'], headers: ['Authorization', 'Content-Type'] },
  { path: '/v1/journal/status', methods: ['GET'], headers: ['Authorization'] },
  // The options page's admin section: JSON bodies, and the CSV export's file name.
  {
    path: '/v1/admin/',
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    headers: ['Authorization', 'Content-Type'],
    expose: ['Content-Disposition'],
  },
];

function ruleFor(url: string): CorsRule | undefined {
  const path = url.split('?', 1)[0] ?? '';
  return RULES.find((r) => (r.path.endsWith('/') ? path.startsWith(r.path) : path === r.path));
}

const reflectExtensions: FastifyCorsOptions['origin'] = (origin, callback) =>
  callback(null, extensionOrigin(origin) !== null);

function optionsFor(request: FastifyRequest): FastifyCorsOptions {
  const rule = ruleFor(request.url);
  if (!rule) return { origin: false };
  return {
    origin: reflectExtensions,
    methods: [...rule.methods, 'OPTIONS'],
    allowedHeaders: rule.headers,
    exposedHeaders: rule.expose ?? null,
    maxAge: 600,
    // A preflight without the CORS headers is answered 204 like any other, only without allowances.
    strictPreflight: false,
  } as FastifyCorsOptions;
}

export function registerCors(app: FastifyInstance): void {
  app.register(cors, {
    hook: 'onRequest',
    delegator: (request, callback) => callback(null, optionsFor(request as FastifyRequest)),
  });
}
