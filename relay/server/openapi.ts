// The relay's HTTP API as an OpenAPI 3.1 document, served at GET /openapi.json. Kept as a typed
// object beside the code, and a test checks that every ingest route of ingestRoutes.ts is in it.
import type { FastifyInstance } from 'fastify';
import { CALL_STATES } from '../../shared/callEvent.ts';
import { BODY_LIMIT } from '../http/httpErrors.ts';
import { VTIGER_EVENTS } from '../ingest/adapters/vtiger.ts';
import { SIGNATURE_WINDOW_S } from '../ingest/signature.ts';

type Schema = Record<string, unknown>;

const str = (description?: string): Schema =>
  description ? { type: 'string', description } : { type: 'string' };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const idOrNumber = (description: string): Schema => ({ type: ['string', 'number'], description });
type ObjectSchema = Schema & { properties: Record<string, Schema> };
const object = (properties: Record<string, Schema>, required: string[] = []): ObjectSchema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
});
const json = (schema: Schema) => ({ 'application/json': { schema } });
/** The body types the fields routes accept: they read JSON, form data or flat XML alike. */
const anyFields = (schema: Schema) => ({
  'application/json': { schema },
  'application/x-www-form-urlencoded': { schema },
  'application/xml': { schema },
});
const queryParams = (schema: ObjectSchema, required: string[] = []) =>
  Object.entries(schema.properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema: s,
  }));

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: ERROR_TEXT[code] ?? 'refused', content: json(ref('Error')) },
    ]),
  );
const ERROR_TEXT: Record<number, string> = {
  400: 'bad input; `field` names the field at fault',
  401: 'missing or wrong PBX secret, or a bad or stale HMAC signature',
  403: 'the source may not post from this address or in this format',
  404: 'not found',
  413: `body over ${BODY_LIMIT} bytes`,
  415: 'multipart body or a charset other than UTF-8',
  429: 'the source is over its rate; see Retry-After',
};
const PBX_ERRORS = errors(400, 401, 403, 413, 415, 429);
const PBX_SECURITY = [{ pbxBearer: [] }, { pbxQueryToken: [] }, { pbxSecretKey: [] }];
const HMAC_PARAMS = [
  {
    name: 'X-ScreenPop-Timestamp',
    in: 'header',
    required: false,
    schema: str('unix seconds; required with hmacSecret'),
  },
  {
    name: 'X-ScreenPop-Signature',
    in: 'header',
    required: false,
    schema: str('`sha256=` + hex HMAC-SHA256 of `timestamp + "." + raw body`; required with hmacSecret'),
  },
];
const ok = (schema: Schema, description = 'accepted') => ({ '200': { description, content: json(schema) } });

const NETSANTRAL = object(
  {
    arayan_no: str('caller'),
    aranan_no: str('called number'),
    santral_no: str('PBX number'),
    arama_id: idOrNumber('call id'),
    tus_bilgisi: str('key pressed (one key → keypress; longer: a customer number, not kept)'),
  },
  ['arama_id', 'arayan_no'],
);
const VTIGER_CDR = object(
  {
    secretkey: str('PBX secret (also accepted in the query or as a header)'),
    agent: str('extension'),
    phone: str('customer number'),
    direction: { enum: ['inbound', 'incoming', 'outbound', 'outgoing', 'internal'] },
    event: { enum: Object.keys(VTIGER_EVENTS) },
    call_id: str(),
    duration: str('seconds'),
    billduration: str('seconds'),
    gateway: str(),
    linename: str(),
    recordingurl: str('http(s) URL'),
    starttime: str('ISO 8601'),
    endtime: str('ISO 8601'),
  },
  ['agent', 'phone', 'direction', 'event', 'call_id'],
);
const PHONE_QUERY = object({ phone: str('the number to look up, any format') });

function route(summary: string, extra: Schema): Schema {
  return { summary, security: PBX_SECURITY, parameters: HMAC_PARAMS, ...extra };
}

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'ScreenPop relay',
    version: '1',
    description:
      'PBX webhooks and lookups in, call events out to agents. Every PBX path may also be called under a `/t/{secret}/` prefix. ' +
      `Sources with an hmacSecret must sign every request; timestamps more than ${SIGNATURE_WINDOW_S} s off are refused.`,
  },
  components: {
    securitySchemes: {
      pbxBearer: { type: 'http', scheme: 'bearer', description: 'a PBX source secret' },
      pbxQueryToken: { type: 'apiKey', in: 'query', name: 'token' },
      pbxSecretKey: {
        type: 'apiKey',
        in: 'query',
        name: 'secretkey',
        description: 'ParsVT style; also in a form body',
      },
      agentBearer: { type: 'http', scheme: 'bearer', description: 'an agent token' },
    },
    schemas: {
      Error: object({ error: str(), reason: str(), field: str() }, ['error', 'reason']),
      Accepted: object({
        ok: { const: true },
        id: str('event id'),
        ids: { type: 'array', items: str() },
        d: { const: 'OK' },
      }),
      NewCall: object(
        {
          callId: str(),
          state: { enum: [...CALL_STATES] },
          extension: str(),
          callerId: str('may be empty for a withheld number'),
          agentId: str(),
          dialed: str(),
          keypress: str(),
          direction: { enum: ['inbound', 'outbound', 'internal'] },
          recordingUrl: str(),
        },
        ['callId', 'state', 'extension', 'callerId'],
      ),
    },
  },
  paths: {
    '/Default.aspx/IPS_callAnswered': {
      post: route('Logo CRM IP-PBX call answered (under any path prefix, e.g. /logocrm/Default.aspx/…)', {
        requestBody: {
          content: json(
            object(
              { callUniqueId: str(), extension: str(), agentId: str(), callerId: str(), keypress: str() },
              ['callUniqueId', 'callerId'],
            ),
          ),
        },
        responses: { ...ok(ref('Accepted')), ...PBX_ERRORS },
      }),
    },
    '/v1/calls': {
      post: route('Our own call event (generic PBXs)', {
        requestBody: { content: json(ref('NewCall')) },
        responses: { ...ok(ref('Accepted')), ...PBX_ERRORS },
      }),
    },
    '/v1/pbx/netsantral': Object.fromEntries(
      ['get', 'post'].map((method) => [
        method,
        route('Netsantral custom integration step (a ringing call); answers how to route it', {
          parameters: [
            ...HMAC_PARAMS,
            { name: 'extension', in: 'query', schema: str('pop on this extension (alias: dahili)') },
            ...(method === 'get' ? queryParams(NETSANTRAL) : []),
          ],
          ...(method === 'post' ? { requestBody: { content: anyFields(NETSANTRAL) } } : {}),
          responses: {
            ...ok(
              object({
                status: { const: 'success' },
                result: str('e.g. extensions, or the configured default'),
                redirect: str(),
                data: str('text to speech'),
              }),
            ),
            ...PBX_ERRORS,
          },
        }),
      ]),
    ),
    '/v1/pbx/uis': {
      post: route('UIS call-leg webhook', {
        requestBody: {
          content: json(
            object(
              {
                from_number: idOrNumber('caller'),
                diversion: idOrNumber('virtual number'),
                direction: str('in/out'),
                call_id: idOrNumber('call session id'),
                user_extension: { type: ['string', 'number', 'null'] },
                call_state: { enum: ['RINGING', 'ANSWERED', 'HANGUP', 'MISSED'] },
                call_record_url: str(),
              },
              ['call_id', 'call_state', 'from_number'],
            ),
          ),
        },
        responses: { ...ok(ref('Accepted')), ...PBX_ERRORS },
      }),
    },
    '/v1/pbx/vtiger/ProcessCDR': {
      get: route('ParsVT ProcessCDR by GET', {
        parameters: [...HMAC_PARAMS, ...queryParams(VTIGER_CDR)],
        responses: { ...ok(object({ success: { const: true }, result: str('event id') })), ...PBX_ERRORS },
      }),
      post: route('ParsVT ProcessCDR by form POST', {
        requestBody: { content: anyFields(VTIGER_CDR) },
        responses: { ...ok(object({ success: { const: true }, result: str('event id') })), ...PBX_ERRORS },
      }),
    },
    '/v1/pbx/vtiger/SearchPBX': {
      get: route('ParsVT SearchPBX: the contact with this phone', {
        parameters: [...HMAC_PARAMS, ...queryParams(PHONE_QUERY, ['phone'])],
        responses: {
          ...ok(
            object({
              result: object({
                id: str(),
                name: str(),
                phone: str(),
                url: str(),
                module: str(),
                businessphone: str(),
                mobile: str(),
                email: str(),
                company: str(),
              }),
            }),
            'found',
          ),
          ...PBX_ERRORS,
          ...errors(404),
        },
      }),
      post: route('ParsVT SearchPBX by form POST', {
        requestBody: { content: anyFields(PHONE_QUERY) },
        responses: { ...ok(object({ result: object({}) }), 'found'), ...PBX_ERRORS, ...errors(404) },
      }),
    },
    '/v1/pbx/vtiger/Lookup': {
      get: {
        ...route('ParsVT Lookup: redirect to the CRM card, else to a CRM search', {
          parameters: [...HMAC_PARAMS, ...queryParams(PHONE_QUERY, ['phone'])],
        }),
        security: [...PBX_SECURITY, { agentBearer: [] }],
        responses: {
          '302': {
            description: 'Location: the card (crm.cardUrl) or search (crm.searchUrl), always on crm.origin',
          },
          ...PBX_ERRORS,
          ...errors(404),
        },
      },
    },
    '/v1/lookup': {
      get: route('3CX / Propstack contact lookup', {
        parameters: [
          ...HMAC_PARAMS,
          ...queryParams(object({ phone: str(), phone_number: str('alias of phone') })),
        ],
        responses: {
          ...ok(
            object({
              id: str(),
              first_name: str(),
              last_name: str(),
              name: str(),
              company: str(),
              email: str(),
              url: str(),
              phones: object({ office: str(), mobile: str(), mobile2: str() }),
              data: object({}, []),
            }),
            'found',
          ),
          ...PBX_ERRORS,
          ...errors(404),
        },
      }),
    },
    '/v1/pbx/journal': {
      post: route(
        '3CX call journaling: a finished call (hangup, or missed when hangup_cause is notAnswered)',
        {
          requestBody: {
            content: anyFields(
              object(
                {
                  duration: str('seconds or mm:ss'),
                  direction: { enum: ['in', 'out'] },
                  from: str(),
                  to: str(),
                  hangup_cause: str(),
                  call_id: str('optional'),
                },
                ['direction', 'from', 'to'],
              ),
            ),
          },
          responses: { ...ok(ref('Accepted')), ...PBX_ERRORS },
        },
      ),
    },
    '/v1/stream': {
      get: {
        summary: 'Agent WebSocket: hello {token, after} first, then call events (see relay/README.md)',
        responses: {
          '101': { description: 'switching protocols' },
          '426': { description: 'not a WebSocket request', content: json(ref('Error')) },
        },
      },
    },
    '/v1/contacts': {
      get: {
        summary: 'Contacts page for the extension cache',
        security: [{ agentBearer: [] }],
        parameters: queryParams(object({ after: str('cursor'), limit: str('1–5000') })),
        responses: { '200': { description: 'ContactPage (shared/contact.ts)' }, ...errors(400, 401) },
      },
    },
    '/v1/contacts/lookup': {
      get: {
        summary: 'Live lookup on a cache miss: every contact with this E.164 number',
        security: [{ agentBearer: [] }],
        parameters: queryParams(object({ phone: str('the caller number, any format') })),
        responses: {
          '200': { description: 'ContactLookup {contacts} (shared/contact.ts)' },
          ...errors(400, 401),
        },
      },
    },
    '/v1/diagnostics/test-call': {
      post: {
        summary:
          "Diagnostics: an answered test call (source `test`, callId `TEST-…`) to the calling agent's first extension, through the same pipeline as a PBX's; at most 10 a minute per agent",
        security: [{ agentBearer: [] }],
        requestBody: {
          required: false,
          content: json(
            object({ callerId: str('default: a sample number'), keypress: str('one digit, * or #') }),
          ),
        },
        responses: {
          '200': {
            description: 'accepted',
            content: json(
              object({ ok: { const: true }, id: str('event id'), callId: str(), at: str('ISO time') }, [
                'ok',
                'id',
                'callId',
                'at',
              ]),
            ),
          },
          ...errors(400, 401, 429),
        },
      },
    },
    '/v1/pair': {
      post: {
        summary:
          'Trade a one-time pairing code (issued by POST /v1/admin/agents/{user}/pairing, valid 15 minutes) for a new agent token; 10 tries a minute per address',
        requestBody: {
          required: true,
          content: json(object({ code: str('XXXX-XXXX, any case') }, ['code'])),
        },
        responses: {
          '200': {
            description: 'the new agent token, shown once',
            content: json(
              object({ token: str(), user: str(), name: str(), tokenId: str() }, ['token', 'user']),
            ),
          },
          ...errors(400, 404, 429),
        },
      },
    },
    '/v1/events': {
      get: {
        summary: 'Long-poll fallback: events after the cursor, waiting up to 25 s',
        security: [{ agentBearer: [] }],
        parameters: queryParams(object({ after: str('the last event id') })),
        responses: { '200': { description: '{events, cursor, resync}' }, ...errors(400, 401) },
      },
    },
    '/v1/sse': {
      get: {
        summary: 'Server-sent events; resume with Last-Event-ID',
        security: [{ agentBearer: [] }],
        responses: {
          '200': { description: 'text/event-stream of welcome, resync and call events' },
          ...errors(401),
        },
      },
    },
    '/readyz': {
      get: {
        summary: 'Readiness (Redis reachable in Redis mode)',
        responses: { '200': { description: 'ready' } },
      },
    },
    '/healthz': {
      get: {
        summary: 'Liveness',
        responses: { '200': { description: 'alive', content: json(object({ ok: { const: true } })) } },
      },
    },
    '/metrics': {
      get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text exposition format' } } },
    },
    '/openapi.json': {
      get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
    },
  },
} as const;

export function registerOpenApi(app: FastifyInstance): void {
  app.get('/openapi.json', async () => OPENAPI);
}
