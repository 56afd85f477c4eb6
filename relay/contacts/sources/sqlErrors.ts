// Driver errors (pg, mysql2) turned into messages an admin can act on: which source, what went
// wrong, and the database's own words, never the URL's password.
import type { DatabaseUrl } from './sqlUrl.ts';

interface DriverError {
  message?: string;
  code?: string;
  errno?: number;
  sqlMessage?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', '57P01', '57P02', '57P03']);
const LOST_MESSAGES =
  /connection terminated|terminating connection|not queryable|connection is closed|closed state/i;

export type SqlStage = 'connect' | 'query';

/** A message naming the source for `error` thrown by the driver while `stage`. */
export function describeSqlError(
  source: string,
  url: DatabaseUrl,
  error: unknown,
  stage: SqlStage,
  statementTimeoutMs: number,
): string {
  const e = (error ?? {}) as DriverError;
  const said = url.scrub(String(e.sqlMessage || e.message || error)).slice(0, 500);
  const where = `${url.dialect === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB'} at ${url.host}`;
  const prefix = `sql source "${source}":`;
  const code = e.code ?? '';

  if (
    code === '28P01' ||
    code === '28000' ||
    e.errno === 1045 ||
    e.errno === 1044 ||
    (stage === 'connect' && /SASL|password/i.test(said))
  )
    return `${prefix} ${where} refused the login of user "${url.user}" (${said}); check the user and password in the URL`;
  if (code === '3D000' || e.errno === 1049)
    return `${prefix} ${where} has no database "${url.database}" (${said})`;
  if (NETWORK_CODES.has(code))
    return `${prefix} cannot reach ${where} (${code}); check the host and port, and that the database runs`;
  if (stage === 'connect' && (code === 'ETIMEDOUT' || /timeout/i.test(said)))
    return `${prefix} no answer from ${where} while connecting (${said})`;
  if (
    code === '57014' ||
    e.errno === 1969 ||
    e.errno === 3024 ||
    code === 'PROTOCOL_SEQUENCE_TIMEOUT' ||
    /query read timeout/i.test(said)
  )
    return `${prefix} the query ran longer than statementTimeoutMs (${statementTimeoutMs} ms) and was cancelled (${said}); add an index on updated_at or raise statementTimeoutMs`;
  if (code === '25006' || e.errno === 1792)
    return `${prefix} the query tried to write, and the source's session is read-only (${said})`;
  if (LOST_CODES.has(code) || e.errno === 1927 || LOST_MESSAGES.test(said))
    return `${prefix} lost the connection to ${where} during the poll (${said}); the next poll reconnects`;
  if (stage === 'connect') return `${prefix} cannot connect to ${where} (${said})`;
  return `${prefix} the query failed: ${said}`;
}
