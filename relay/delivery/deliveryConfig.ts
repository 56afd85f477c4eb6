// The config section `delivery` (connection limit, long-poll wait, web origins), parsed by the
// feature that uses it.
import { fail, integer, object } from '../http/configFields.ts';

export interface DeliveryConfig {
  /** Open connections (WebSocket, SSE, held long-polls) per agent on one relay instance. */
  maxConnectionsPerAgent: number;
  /** How long a long-poll is held when nothing is waiting, in ms. */
  longPollMs: number;
  /** Web origins (`https://crm.example.com`) that may open `/v1/stream` besides extension pages. */
  allowedOrigins: string[];
}

export const DEFAULT_MAX_CONNECTIONS_PER_AGENT = 5;
export const DEFAULT_DELIVERY: DeliveryConfig = {
  maxConnectionsPerAgent: DEFAULT_MAX_CONNECTIONS_PER_AGENT,
  longPollMs: 25_000,
  allowedOrigins: [],
};

/** `delivery: { maxConnectionsPerAgent?, longPollMs?, allowedOrigins? }`. */
export function parseDeliveryConfig(raw: unknown): DeliveryConfig {
  if (raw === undefined) return { ...DEFAULT_DELIVERY, allowedOrigins: [] };
  const d = object(raw, 'delivery');
  for (const key of Object.keys(d))
    if (!(key in DEFAULT_DELIVERY)) fail(`delivery.${key}`, 'is not a known field');
  return {
    maxConnectionsPerAgent:
      d.maxConnectionsPerAgent === undefined
        ? DEFAULT_DELIVERY.maxConnectionsPerAgent
        : integer(d.maxConnectionsPerAgent, 'delivery.maxConnectionsPerAgent', 1, 1000),
    longPollMs:
      d.longPollMs === undefined
        ? DEFAULT_DELIVERY.longPollMs
        : integer(d.longPollMs, 'delivery.longPollMs', 100, 60_000),
    allowedOrigins: d.allowedOrigins === undefined ? [] : origins(d.allowedOrigins),
  };
}

function origins(raw: unknown): string[] {
  const field = 'delivery.allowedOrigins';
  if (!Array.isArray(raw)) fail(field, 'must be a list of origins like "https://crm.example.com"');
  return raw.map((value, i) => {
    let url: URL | undefined;
    try {
      url = typeof value === 'string' ? new URL(value) : undefined;
    } catch {}
    // An origin is scheme, host and port only; a path or a trailing slash never matches a browser's.
    if (!url || url.origin === 'null' || url.origin !== value)
      fail(`${field}[${i}]`, 'must be an origin: scheme://host[:port], no path or trailing slash');
    return url.origin;
  });
}
