// The admin API's route schemas: the request shapes are validated before a handler runs and every
// route is documented in `/openapi.json`. The payloads are the wire contract in
// shared/wire/adminApi.ts, which the options page's admin client uses as its types.
import { Type } from 'typebox';
import {
  AgentBody,
  AgentList,
  ConnectionList,
  CsvProblems,
  ImportSummary,
  IssuedPairing,
  IssuedToken,
  OneAgent,
  TokenRequest,
  UserName,
} from '../../shared/wire/adminApi.ts';
import { Ok } from '../../shared/wire/common.ts';
import { ADMIN_AUTH, refusals } from '../http/routeDocs.ts';
import { TOKEN_ID_RE } from '../store/agentStore.ts';

const UserParams = Type.Object({ user: UserName });
const TokenParams = Type.Object({
  user: UserName,
  tokenId: Type.String({ pattern: TOKEN_ID_RE.source, description: 'the id from the token list' }),
});

function route<T extends object>(operationId: string, summary: string, schema: T) {
  return { operationId, summary, tags: ['admin'], security: ADMIN_AUTH, ...schema };
}

export const ADMIN_ROUTE_SCHEMAS = {
  list: route('listAgents', 'Every agent with its mapping and token ids', {
    response: { 200: AgentList, ...refusals(401) },
  }),
  get: route('getAgent', 'One agent', {
    params: UserParams,
    response: { 200: OneAgent, ...refusals(400, 401, 404) },
  }),
  add: route('addAgent', 'Add an agent (no token yet: issue one, or a pairing code)', {
    body: AgentBody,
    response: { 201: OneAgent, ...refusals(400, 401, 409, 503) },
  }),
  change: route(
    'changeAgent',
    "Change an agent's name, extensions or agent ids; its open connections reconnect",
    {
      params: UserParams,
      body: AgentBody,
      response: { 200: OneAgent, ...refusals(400, 401, 404, 409, 503) },
    },
  ),
  remove: route('removeAgent', 'Remove an agent; its tokens stop working at once', {
    params: UserParams,
    response: { 200: Ok, ...refusals(400, 401, 404, 503) },
  }),
  issueToken: route('issueToken', 'Issue a new agent token (shown once)', {
    params: UserParams,
    body: TokenRequest,
    response: { 201: IssuedToken, ...refusals(400, 401, 404, 409, 503) },
  }),
  issuePairing: route(
    'issuePairing',
    'Issue a one-time pairing code (15 minutes) the agent trades for a token',
    {
      params: UserParams,
      response: { 201: IssuedPairing, ...refusals(400, 401, 404, 409, 503) },
    },
  ),
  revokeToken: route('revokeToken', 'Revoke one token; connections using it close', {
    params: TokenParams,
    response: { 200: Ok, ...refusals(400, 401, 404, 503) },
  }),
  connections: route(
    'listConnections',
    'Who is connected, over which transport, and the last event each was sent',
    {
      response: { 200: ConnectionList, ...refusals(401) },
    },
  ),
  exportCsv: route('exportAgents', 'The mapping as CSV (cells that a spreadsheet would run are escaped)', {
    produces: ['text/csv'],
    response: { 200: Type.String({ description: 'text/csv' }), ...refusals(401) },
  }),
  importCsv: route(
    'importAgents',
    'Replace the mapping from CSV (Content-Type: text/csv); `dryRun=true` only reports',
    {
      querystring: Type.Object({
        dryRun: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
      }),
      consumes: ['text/csv'],
      body: Type.String({ description: 'the CSV text, as exported' }),
      response: { 200: ImportSummary, 400: CsvProblems, ...refusals(401, 409, 413, 503) },
    },
  ),
};
