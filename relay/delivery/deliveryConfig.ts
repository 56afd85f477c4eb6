// The config section `delivery` (connection limit, long-poll wait), parsed by the feature that uses it.
import { fail, integer, object } from '../http/configFields.ts';

export interface DeliveryConfig {
  /** Open connections (WebSocket, SSE, held long-polls) per agent on one relay instance. */
  maxConnectionsPerAgent: number;
  /** How long a long-poll is held when nothing is waiting, in ms. */
  longPollMs: number;
}

export const DEFAULT_MAX_CONNECTIONS_PER_AGENT = 5;
export const DEFAULT_DELIVERY: DeliveryConfig = {
  maxConnectionsPerAgent: DEFAULT_MAX_CONNECTIONS_PER_AGENT,
  longPollMs: 25_000,
};

/** `delivery: { maxConnectionsPerAgent?, longPollMs? }`. */
export function parseDeliveryConfig(raw: unknown): DeliveryConfig {
  if (raw === undefined) return { ...DEFAULT_DELIVERY };
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
  };
}
