// `/v1/admin/*`: the extension ↔ user mapping and agent tokens, changed without a restart, and who
// is connected. Every change is stored before it is answered, and logged (without token values) as
// a structured `admin change` line for the audit trail.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MappingError, parseAgentFields, parseLabel, parseUser } from '../../shared/agentMapping.ts';
import {
  addAgent,
  changeAgent,
  issuePairing,
  issueToken,
  removeAgent,
  replaceMapping,
  revokeToken,
} from '../agents/agentChanges.ts';
import type { ManagedAgentDirectory } from '../agents/agentDirectory.ts';
import type { Clock } from '../http/clock.ts';
import { errorHandler, sendError } from '../http/httpErrors.ts';
import { StateError, TOKEN_ID_RE } from '../store/agentStore.ts';
import type { Presence } from '../store/presence.ts';
import { adminAuth } from './adminAuth.ts';
import { agentsToCsv, csvToAgents } from './adminCsv.ts';
import { ADMIN_ROUTE_SCHEMAS as S } from './adminSchemas.ts';

export interface AdminRoutesOptions {
  adminToken: string;
  agents: ManagedAgentDirectory;
  presence: Presence;
  clock: Clock;
}

/** A CSV of thousands of agents is larger than the relay's usual 64 KiB body limit. */
export const CSV_BODY_LIMIT = 1024 * 1024;

const ERROR_NAMES = { 400: 'bad-request', 404: 'not-found', 409: 'conflict' } as const;

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof MappingError)
    return sendError(reply, error.status, {
      error: ERROR_NAMES[error.status],
      reason: error.message,
      field: error.field,
    });
  if (error instanceof StateError) {
    request.log.error({ err: error }, 'admin: change not stored');
    return sendError(reply, 503, {
      error: 'unavailable',
      reason: `the change was not stored: ${error.message}`,
    });
  }
  return errorHandler(error, request, reply);
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new MappingError('(body)', 'must be a JSON object');
  return body as Record<string, unknown>;
}

function userParam(request: FastifyRequest): string {
  return parseUser((request.params as { user?: unknown }).user, 'user');
}

export function registerAdminRoutes(app: FastifyInstance, options: AdminRoutesOptions): void {
  const { agents } = options;
  const now = () => new Date(options.clock.now()).toISOString();
  const audit = (request: FastifyRequest, action: string, details: Record<string, unknown>) =>
    request.log.info({ who: 'admin', action, ...details }, 'admin change');

  app.register(async (scope) => {
    scope.addHook('onRequest', adminAuth(options.adminToken));
    scope.setErrorHandler(handleError);
    scope.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    // Clients that always send `Content-Type: application/json` (also on a DELETE or a token
    // request without a body) get an empty body taken as no body instead of a 400.
    const json = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
      body === '' ? done(null, undefined) : json(request, String(body), done),
    );
    // A change without a body (a token without a label) is checked as an empty object.
    scope.addHook('preValidation', async (request) => {
      if (request.body === undefined || request.body === null) request.body = {};
    });

    scope.get('/v1/admin/agents', { schema: S.list }, async () => ({ agents: agents.views() }));

    scope.get('/v1/admin/agents/:user', { schema: S.get }, async (request) => {
      const user = userParam(request);
      const agent = agents.view(user);
      if (!agent) throw new MappingError('user', `"${user}" is not an agent`, 404);
      return { agent };
    });

    scope.post('/v1/admin/agents', { schema: S.add }, async (request, reply) => {
      const fields = parseAgentFields(objectBody(request.body));
      await agents.apply(addAgent(fields));
      audit(request, 'agent.add', { user: fields.user });
      return reply.code(201).send({ agent: agents.view(fields.user) });
    });

    scope.put('/v1/admin/agents/:user', { schema: S.change }, async (request) => {
      const user = userParam(request);
      await agents.apply(changeAgent(user, objectBody(request.body)));
      audit(request, 'agent.change', { user });
      return { agent: agents.view(user) };
    });

    scope.delete('/v1/admin/agents/:user', { schema: S.remove }, async (request) => {
      const user = userParam(request);
      const removed = await agents.apply(removeAgent(user));
      audit(request, 'agent.remove', { user, tokensRevoked: removed.tokens.length });
      return { ok: true };
    });

    scope.post('/v1/admin/agents/:user/tokens', { schema: S.issueToken }, async (request, reply) => {
      const user = userParam(request);
      const { label, ...rest } = objectBody(request.body);
      const unknown = Object.keys(rest)[0];
      if (unknown !== undefined) throw new MappingError(unknown, 'is not a known field');
      const issued = await agents.apply(issueToken(user, parseLabel(label), now()));
      audit(request, 'token.issue', { user, tokenId: issued.id });
      // The only time the token is ever shown: keep it out of every cache.
      return reply.code(201).header('Cache-Control', 'no-store').send(issued);
    });

    scope.post('/v1/admin/agents/:user/pairing', { schema: S.issuePairing }, async (request, reply) => {
      const user = userParam(request);
      const issued = await agents.apply(issuePairing(user, now()));
      audit(request, 'pairing.issue', { user, expiresAt: issued.expiresAt });
      return reply.code(201).header('Cache-Control', 'no-store').send(issued);
    });

    scope.delete('/v1/admin/agents/:user/tokens/:tokenId', { schema: S.revokeToken }, async (request) => {
      const user = userParam(request);
      const { tokenId } = request.params as { tokenId: string };
      if (!TOKEN_ID_RE.test(tokenId)) throw new MappingError('tokenId', `must match ${TOKEN_ID_RE}`);
      await agents.apply(revokeToken(user, tokenId));
      audit(request, 'token.revoke', { user, tokenId });
      return { ok: true };
    });

    scope.get('/v1/admin/connections', { schema: S.connections }, async () => {
      const { presence } = options;
      const sessions = presence.listAll ? await presence.listAll() : presence.list();
      const connections = sessions
        .map((s) => ({ ...s, name: agents.view(s.user)?.name ?? null }))
        .sort((a, b) => a.user.localeCompare(b.user) || a.connectedAt.localeCompare(b.connectedAt));
      return { connections };
    });

    scope.get('/v1/admin/agents.csv', { schema: S.exportCsv }, async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', 'attachment; filename="agents.csv"')
        .send(agentsToCsv(agents.views())),
    );

    scope.put(
      '/v1/admin/agents.csv',
      { bodyLimit: CSV_BODY_LIMIT, schema: S.importCsv },
      async (request, reply) => {
        if (typeof request.body !== 'string')
          throw new MappingError('(body)', 'must be the CSV text, sent as Content-Type: text/csv');
        const parsed = csvToAgents(request.body);
        if (!parsed.ok)
          return reply.code(400).send({
            error: 'bad-request',
            reason: `${parsed.problems.length} line(s) are wrong; nothing was imported`,
            field: 'csv',
            problems: parsed.problems,
          });
        const dryRun = (request.query as { dryRun?: string }).dryRun === 'true';
        const change = replaceMapping(parsed.rows, { keepCrmUserIds: !parsed.crmUserIds });
        const summary = dryRun ? agents.preview(change) : await agents.apply(change);
        if (!dryRun) audit(request, 'agents.import', { ...summary });
        return { ok: true, dryRun, ...summary };
      },
    );
  });
}
