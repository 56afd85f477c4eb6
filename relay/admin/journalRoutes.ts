// The call journal over HTTP: `/v1/admin/journal` lists recent writes and failures with the
// outbox's state and `/v1/admin/journal/retry` puts a failed record back in the queue (admin
// token); `/v1/journal/status?callId=…` tells an agent whether their calls were logged in the CRM
// (agent token: only calls that reached one of the agent's extensions, agent ids or the agent).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  type CallJournalState,
  CallJournalStatus,
  type JournalEntry,
  JournalList,
  JournalRetryBody,
  JournalStatus,
} from '../../shared/wire/journal.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import { agentOf, requireAgent } from '../agents/agentRequest.ts';
import { sendError } from '../http/httpErrors.ts';
import { ADMIN_AUTH, AGENT_AUTH, refusals } from '../http/routeDocs.ts';
import type { Journal } from '../journal/journal.ts';
import type { JournalRecord } from '../journal/journalTypes.ts';
import type { OutboxEntry, OutboxStatus } from '../store/journalStore.ts';
import { adminAuth } from './adminAuth.ts';

const iso = (ms: number) => new Date(ms).toISOString();

function view(e: OutboxEntry): JournalEntry {
  const record = e.record as JournalRecord;
  return {
    key: e.key,
    writer: e.writer,
    callId: e.callId,
    type: record.type,
    status: e.status,
    callStatus: record.status,
    callerId: record.callerId,
    ...(record.contact ? { contactName: record.contact.name } : {}),
    attempts: e.attempts,
    ...(e.lastError ? { lastError: e.lastError } : {}),
    ...(e.crmId ? { crmId: e.crmId } : {}),
    createdAt: iso(e.createdAt),
    ...(e.doneAt ? { doneAt: iso(e.doneAt) } : {}),
    ...(e.status === 'pending' ? { nextAt: iso(e.nextAt) } : {}),
  };
}

const SCHEMAS = {
  list: {
    operationId: 'listJournal',
    summary: 'The call journal: queued, failed and recent records, newest first',
    tags: ['admin'],
    security: ADMIN_AUTH,
    querystring: Type.Object({
      status: Type.Optional(JournalStatus),
      // Query strings are text (the validator does not coerce): digits, read below.
      limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: '1–500, default 100' })),
    }),
    response: { 200: JournalList, ...refusals(400, 401) },
  },
  retry: {
    operationId: 'retryJournal',
    summary: 'Queue a failed record again, due now',
    tags: ['admin'],
    security: ADMIN_AUTH,
    body: JournalRetryBody,
    response: { 200: Type.Object({ entry: Type.Any() }), ...refusals(400, 401, 404) },
  },
  status: {
    operationId: 'callJournalStatus',
    summary: "Whether the agent's calls were logged in the CRM",
    tags: ['agent'],
    security: AGENT_AUTH,
    querystring: Type.Object({
      callId: Type.Union([
        Type.String({ maxLength: 64 }),
        Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }),
      ]),
    }),
    response: { 200: CallJournalStatus, ...refusals(400, 401) },
  },
};

export function registerJournalRoutes(
  app: FastifyInstance,
  options: { adminToken: string; journal: Journal | null; agents: AgentDirectory },
): void {
  const { journal } = options;
  app.register(async (scope) => {
    scope.addHook('onRequest', adminAuth(options.adminToken));
    scope.get('/v1/admin/journal', { schema: SCHEMAS.list }, async (request) => {
      const q = request.query as { status?: OutboxStatus; limit?: string };
      const limit = Math.min(500, Number(q.limit ?? 100));
      if (!journal) return { configured: false, writers: [], pending: 0, dead: 0, entries: [] };
      const stats = await journal.stats();
      return {
        configured: true,
        writers: journal.writers.map((w) => ({ name: w.name, kind: w.kind })),
        pending: stats.pending,
        dead: stats.dead,
        ...(stats.oldestPendingAt === undefined
          ? {}
          : { oldestPendingSeconds: Math.max(0, (Date.now() - stats.oldestPendingAt) / 1000) }),
        entries: (await journal.list({ ...(q.status ? { status: q.status } : {}), limit })).map(view),
      };
    });
    scope.post('/v1/admin/journal/retry', { schema: SCHEMAS.retry }, async (request, reply) => {
      const { key, writer } = request.body as { key: string; writer: string };
      const entry = await journal?.retry(key, writer);
      if (!entry)
        return sendError(reply, 404, {
          error: 'not-found',
          reason: `no record ${key} for writer "${writer}"`,
          field: 'key',
        });
      request.log.info({ who: 'admin', action: 'journal.retry', key, writer }, 'admin change');
      return { entry: view(entry) };
    });
  });
  app.register(async (scope) => {
    scope.get(
      '/v1/journal/status',
      { onRequest: requireAgent(options.agents), schema: SCHEMAS.status },
      async (request) => {
        const agent = agentOf(request);
        const raw = (request.query as { callId: string | string[] }).callId;
        const ids = [...new Set(Array.isArray(raw) ? raw : [raw])];
        const calls: Record<string, CallJournalState> = {};
        if (!journal) return { calls };
        for (const callId of ids) {
          const tracked = await journal.call(callId);
          const mine =
            tracked &&
            (tracked.extensions.some((x) => agent.extensions.includes(x)) ||
              tracked.agentIds.some((x) => agent.agentIds.includes(x)) ||
              tracked.routedTo.includes(agent.user));
          if (!mine) continue;
          const entries = await journal.list({ callIds: [callId], limit: 50 });
          if (!entries.length) {
            calls[callId] = { state: 'pending' };
            continue;
          }
          const dead = entries.find((e) => e.status === 'dead');
          // Writers name themselves in their messages ("vtiger writer \"vt\": …").
          if (dead) calls[callId] = { state: 'dead', reason: dead.lastError ?? `${dead.writer}: failed` };
          else if (entries.every((e) => e.status === 'written')) calls[callId] = { state: 'written' };
          else {
            const waiting = entries.find((e) => e.status === 'pending' && e.lastError);
            calls[callId] = {
              state: 'pending',
              ...(waiting?.lastError ? { reason: waiting.lastError } : {}),
            };
          }
        }
        return { calls };
      },
    );
  });
}
