// The config section `limits`: how long the relay waits for a client and how many connections and
// failed logins it takes before it says no. The defaults hold for a call centre of a few hundred
// agents behind one NAT address; every one can be changed, and the README lists them.
import { fail, integer, object } from './configFields.ts';

export interface Limits {
  /** Whole request (headers and body) must arrive within this; else 408 and the socket closes. */
  requestTimeoutMs: number;
  /** Request headers must arrive within this. */
  headersTimeoutMs: number;
  /** A socket with no traffic either way for this long is closed (longer than a long-poll wait). */
  idleTimeoutMs: number;
  /** Open TCP connections to this relay, all clients together. */
  maxConnections: number;
  /** Open TCP connections from one address (the TCP peer: a proxy counts as one address). */
  maxConnectionsPerAddress: number;
  /** WebSockets that have not said hello yet, all clients together and from one client address. */
  maxPendingStreams: number;
  maxPendingStreamsPerAddress: number;
  /** Failed logins (PBX secret, agent token, admin token) a minute from one client address. */
  failedAuthPerAddressPerMinute: number;
  /** Failed logins a minute of one kind from all addresses together (a spread-out guesser). */
  failedAuthPerMinute: number;
  /** Pairing attempts a minute: from one address, all together; tokens issued per agent an hour. */
  pairingPerAddressPerMinute: number;
  pairingPerMinute: number;
  pairingPerAgentPerHour: number;
}

export const DEFAULT_LIMITS: Limits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 1_000,
  maxPendingStreams: 500,
  maxPendingStreamsPerAddress: 20,
  failedAuthPerAddressPerMinute: 20,
  failedAuthPerMinute: 300,
  pairingPerAddressPerMinute: 10,
  pairingPerMinute: 60,
  pairingPerAgentPerHour: 10,
};

const RANGES: Record<keyof Limits, [number, number]> = {
  requestTimeoutMs: [100, 600_000],
  headersTimeoutMs: [100, 600_000],
  idleTimeoutMs: [1_000, 3_600_000],
  maxConnections: [1, 1_000_000],
  maxConnectionsPerAddress: [1, 1_000_000],
  maxPendingStreams: [1, 1_000_000],
  maxPendingStreamsPerAddress: [1, 1_000_000],
  failedAuthPerAddressPerMinute: [1, 100_000],
  failedAuthPerMinute: [1, 1_000_000],
  pairingPerAddressPerMinute: [1, 10_000],
  pairingPerMinute: [1, 100_000],
  pairingPerAgentPerHour: [1, 10_000],
};

/** `limits: {…}`; `longPollMs` is the delivery wait the idle timeout must outlast. */
export function parseLimits(raw: unknown, longPollMs: number): Limits {
  if (raw === undefined) return checked({ ...DEFAULT_LIMITS }, longPollMs, false);
  const l = object(raw, 'limits');
  const out = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(l)) {
    const range = RANGES[key as keyof Limits];
    if (!range) fail(`limits.${key}`, 'is not a known field');
    out[key as keyof Limits] = integer(value, `limits.${key}`, range[0], range[1]);
  }
  return checked(out, longPollMs, 'idleTimeoutMs' in l);
}

function checked(limits: Limits, longPollMs: number, idleGiven: boolean): Limits {
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    fail('limits.headersTimeoutMs', `must not exceed limits.requestTimeoutMs (${limits.requestTimeoutMs})`);
  // A held long-poll sends nothing until it answers: the idle timer must not cut it first.
  const minIdle = longPollMs + 1_000;
  if (limits.idleTimeoutMs < minIdle) {
    if (idleGiven) fail('limits.idleTimeoutMs', `must be at least delivery.longPollMs + 1000 (${minIdle})`);
    limits.idleTimeoutMs = minIdle;
  }
  if (limits.maxConnectionsPerAddress > limits.maxConnections)
    limits.maxConnectionsPerAddress = limits.maxConnections;
  return limits;
}
