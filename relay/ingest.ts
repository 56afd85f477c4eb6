// PBX webhooks in: one POST route for every format, because the Logo path must work under any
// prefix (a PBX already set up for Logo CRM is pointed at the relay unchanged) and the secret may
// come as a `/t/SECRET/` path prefix, before the format-specific part of the path.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdapterResult } from './adapters/fields.ts';
import { genericAdapter } from './adapters/generic.ts';
import { LOGO_PATH_RE, logoAdapter } from './adapters/logo.ts';
import { bearerToken, checkPbxSecret, splitPathSecret } from './auth.ts';
import type { CallPipeline } from './callPipeline.ts';
import type { Clock } from './clock.ts';
import { BODY_LIMIT, badRequest, notFound, unauthorized } from './httpErrors.ts';

export interface IngestOptions {
  secret: string;
  pipeline: CallPipeline;
  clock: Clock;
}

interface IngestRoute {
  adapter: (raw: unknown) => AdapterResult;
  pathSecret?: string;
}

/** Which adapter a POST path belongs to, or null when it is none of ours. */
export function resolveIngest(url: string): IngestRoute | null {
  const path = url.split('?', 1)[0] ?? '';
  const { secret, rest } = splitPathSecret(path);
  if (/^\/v1\/calls\/?$/.test(rest)) return { adapter: genericAdapter, pathSecret: secret };
  if (LOGO_PATH_RE.test(rest)) return { adapter: logoAdapter, pathSecret: secret };
  return null;
}

export function registerIngest(app: FastifyInstance, options: IngestOptions): void {
  // Bodies are read as text whatever the content type: PBXs send JSON as text/plain, with a
  // charset, or with no content type at all.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
    done(null, body);
  });

  // Auth runs before the body is read, so an unauthenticated sender cannot make us buffer 64 KiB.
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const route = resolveIngest(request.url);
    if (!route) return notFound(request, reply);
    const query = request.query as Record<string, unknown>;
    const auth = checkPbxSecret(
      [
        route.pathSecret,
        bearerToken(request.headers.authorization),
        typeof query.token === 'string' ? query.token : undefined,
      ],
      options.secret,
    );
    if (!auth.ok) {
      request.log.warn({ reason: auth.reason }, 'PBX request refused');
      return unauthorized(reply, auth.reason);
    }
  };

  app.post('/*', { onRequest: authenticate }, async (request, reply) => {
    const route = resolveIngest(request.url);
    if (!route) return notFound(request, reply);
    const text = typeof request.body === 'string' ? request.body.replace(/^\uFEFF/, '') : '';
    if (!text.trim()) return badRequest(reply, 'body is empty: expected a JSON object');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return badRequest(reply, 'body is not valid JSON');
    }
    const result = route.adapter(raw);
    if (!result.ok) {
      request.log.info({ reason: result.reason, field: result.field }, 'PBX event refused');
      return badRequest(reply, result.reason, result.field);
    }
    const { event } = await options.pipeline.accept({
      ...result.event,
      at: new Date(options.clock.now()).toISOString(),
    });
    // The caller's number is personal data and stays out of the log; the ids correlate with the PBX.
    request.log.info(
      {
        id: event.id,
        callId: event.callId,
        state: event.state,
        extension: event.extension,
        source: event.source,
      },
      'call accepted',
    );
    // `d` because Logo CRM's callers expect an ASP.NET page-method answer.
    return { ok: true, id: event.id, d: 'OK' };
  });
}
