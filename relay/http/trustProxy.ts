// `listen.trustProxy`: which proxies may tell the relay the client's address (X-Forwarded-For).
// Behind a reverse proxy every client otherwise has the proxy's address, and the per-address limits
// (failed logins, pairing, waiting sockets) would lock out everyone at once.
import ipaddr from 'ipaddr.js';
import { fail } from './configFields.ts';

/** Fastify's `trustProxy`: false, true (any hop), a hop count, or the proxies' addresses/ranges. */
export type TrustProxy = boolean | number | string[];

export function parseTrustProxy(raw: unknown, field = 'listen.trustProxy'): TrustProxy {
  if (raw === undefined || raw === false) return false;
  if (raw === true) return true;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 1 || raw > 10)
      fail(field, 'as a number is the count of proxy hops, 1 to 10');
    return raw;
  }
  if (!Array.isArray(raw) || raw.length === 0)
    fail(field, 'must be false, true, a number of hops, or a list of proxy addresses or CIDR ranges');
  return raw.map((entry, i) => {
    const ok = typeof entry === 'string' && (ipaddr.isValid(entry) || (entry.includes('/') && isCidr(entry)));
    if (!ok) fail(`${field}[${i}]`, 'must be an IP address or a CIDR range like 10.0.0.0/8');
    return entry as string;
  });
}

function isCidr(text: string): boolean {
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}
