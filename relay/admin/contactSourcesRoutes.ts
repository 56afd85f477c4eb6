// `/v1/admin/contact-sources`: each contact source's state (last success, contacts, changes,
// deletions, last error) for the options page's Admin section, and "sync now" for one source,
// so an admin who just fixed a row in the CRM need not wait for the next poll.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ContactSourceList } from '../../shared/wire/adminApi.ts';
import type { SourceSet } from '../contacts/sources/sourceSet.ts';
import { sendError } from '../http/httpErrors.ts';
import { ADMIN_AUTH, refusals } from '../http/routeDocs.ts';
import { adminAuth } from './adminAuth.ts';

const SCHEMAS = {
  list: {
    operationId: 'listContactSources',
    summary: 'Each contact source and its state (empty without `contacts.sources`)',
    tags: ['admin'],
    security: ADMIN_AUTH,
    response: { 200: ContactSourceList, ...refusals(401) },
  },
  sync: {
    operationId: 'syncContactSource',
    summary: 'Poll one contact source now; answers its state after the poll',
    tags: ['admin'],
    security: ADMIN_AUTH,
    params: Type.Object({
      name: Type.String({ maxLength: 32, description: 'the source name from the config' }),
    }),
    response: { 200: ContactSourceList, ...refusals(400, 401, 404) },
  },
};

export function registerContactSourcesRoutes(
  app: FastifyInstance,
  options: { adminToken: string; sources: SourceSet | null },
): void {
  const { sources } = options;
  app.register(async (scope) => {
    scope.addHook('onRequest', adminAuth(options.adminToken));
    scope.get('/v1/admin/contact-sources', { schema: SCHEMAS.list }, async () => ({
      sources: sources?.states() ?? [],
    }));
    scope.post('/v1/admin/contact-sources/:name/sync', { schema: SCHEMAS.sync }, async (request, reply) => {
      const { name } = request.params as { name: string };
      if (!sources?.has(name))
        return sendError(reply, 404, {
          error: 'not-found',
          reason: `no contact source named "${name}"`,
          field: 'name',
        });
      request.log.info({ who: 'admin', action: 'contacts.sync', source: name }, 'admin change');
      return { sources: await sources.syncNow(name) };
    });
  });
}
