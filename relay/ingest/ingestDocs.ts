// The PBX routes in OpenAPI 3.1, for `/openapi.json` (server/openApi.ts). They are listed by hand
// because they are served by one catch-all (the Logo path works under any prefix, every path under
// `/t/SECRET/`) and each format's adapter checks its own body, naming the field; a test checks that
// every route of pbxRouteTable.ts is here. Every other route's documentation comes from its schema.
import { CALL_STATES } from '../../shared/callEvent.ts';
import { ErrorBody } from '../../shared/wire/common.ts';
import { BODY_LIMIT } from '../http/httpErrors.ts';
import { VTIGER_EVENTS } from './adapters/vtiger.ts';

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

export const PBX_SECURITY_SCHEMES = {
  pbxBearer: { type: 'http', scheme: 'bearer', description: 'a PBX source secret' },
  pbxQueryToken: { type: 'apiKey', in: 'query', name: 'token' },
  pbxSecretKey: {
    type: 'apiKey',
    in: 'query',
    name: 'secretkey',
    description: 'ParsVT style; also in a form body',
  },
  agentBearer: { type: 'http', scheme: 'bearer', description: 'an agent token' },
};

export const PBX_SCHEMAS = {
  Error: ErrorBody,
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
};

const PATHS = {
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
    post: route('3CX call journaling: a finished call (hangup, or missed when hangup_cause is notAnswered)', {
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
    }),
  },
};

/** The PBX paths, each operation named (`pbxPostV1Calls`) so generated clients get stable names. */
export const PBX_PATHS = Object.fromEntries(
  Object.entries(PATHS).map(([path, methods]) => [
    path,
    Object.fromEntries(
      Object.entries(methods as Record<string, Schema>).map(([method, op]) => [
        method,
        {
          operationId: `pbx-${method}${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`,
          tags: ['pbx'],
          ...op,
        },
      ]),
    ),
  ]),
);
