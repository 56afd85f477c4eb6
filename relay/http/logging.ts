// Structured JSON logs (fastify's pino) that never contain a secret: PBXs may carry the secret in
// the URL (`?token=…`, `/t/SECRET/…`), and log files travel further than config files.
import type { FastifyServerOptions } from 'fastify';

export interface LogOptions {
  level?: string;
  /** Where JSON lines go; stdout when absent. */
  stream?: { write(line: string): void };
}

const REDACTED = '[redacted]';
const SECRET_QUERY_RE = /(^|&)(token|secret|secretkey|access_token)=[^&#]*/gi;

/** The URL with the `/t/SECRET/` segment and secret-bearing query values replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const safePath = path.replace(/^\/t\/[^/]*/, `/t/${REDACTED}`);
  if (q < 0) return safePath;
  return `${safePath}?${url.slice(q + 1).replace(SECRET_QUERY_RE, `$1$2=${REDACTED}`)}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
  host?: string;
}

/** Replaces fastify's default request serializer; headers are left out on purpose (Authorization). */
export function serializeRequest(req: LoggedRequest) {
  return { method: req.method, url: redactUrl(req.url ?? ''), host: req.host, remoteAddress: req.ip };
}

export function loggerOptions(options: LogOptions | false): FastifyServerOptions['logger'] {
  if (options === false) return false;
  return {
    level: options.level ?? 'info',
    ...(options.stream ? { stream: options.stream } : {}),
    serializers: { req: serializeRequest },
    // Second line of defence, for anything that logs headers or a message object by mistake.
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token', 'secret', '*.secret'],
      censor: REDACTED,
    },
  };
}
