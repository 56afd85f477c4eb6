// The persistent agent state (extension ↔ user mapping and agent tokens) and the interface of the
// stores that keep it: memory (tests), a JSON file (embedded mode) or Redis (several instances).
// Tokens are kept only as SHA-256 hashes, so a copied state file or Redis dump holds no usable token.
import { createHash, randomBytes } from 'node:crypto';
import {
  type AgentFields,
  checkMapping,
  MappingError,
  parseAgentFields,
  parseLabel,
} from '../../shared/agentMapping.ts';
import { isObject } from '../../shared/isObject.ts';

export interface TokenInfo {
  /** Short random id, safe to show and log; names the token in the revoke URL. */
  id: string;
  label: string;
  createdAt: string;
}

export interface StoredToken extends TokenInfo {
  /** SHA-256 of the token, lowercase hex. */
  hash: string;
}

/** A one-time pairing code the admin issued; redeemed (once, before it expires) for a token. */
export interface StoredPairing {
  /** SHA-256 of the normalised code, lowercase hex. */
  hash: string;
  createdAt: string;
  expiresAt: string;
}

export interface StoredAgent extends AgentFields {
  tokens: StoredToken[];
  pairings?: StoredPairing[];
}

export interface AgentState {
  version: 1;
  /** Grows by one with every change, so a reader can tell a stale snapshot from a newer one. */
  rev: number;
  /**
   * Random, set when a store is seeded. A re-seeded store (its file or key deleted) starts again
   * at rev 1, so a reader takes a snapshot of another epoch whatever its rev.
   */
  epoch: string;
  agents: StoredAgent[];
}

/** The state of a store that was never seeded; only a bare store (tests) starts from it. */
export const EMPTY_STATE: AgentState = { version: 1, rev: 0, epoch: '', agents: [] };

export interface AgentStore {
  /** Where the state lives, for log lines (a path or a Redis key, never a credential). */
  readonly where: string;
  /** The stored state, or null when nothing was ever stored. */
  load(): Promise<AgentState | null>;
  /**
   * Stores `state` only if nothing is stored yet (two instances may start at once); returns what
   * is stored afterwards and whether it was this call that stored it.
   */
  create(state: AgentState): Promise<{ state: AgentState; created: boolean }>;
  /**
   * Applies `change` to the newest stored state and stores the result (rev + 1), atomically
   * with respect to other writers. A throw from `change` stores nothing.
   */
  update(change: (state: AgentState) => AgentState): Promise<AgentState>;
  /** Calls `listener` when another writer (another relay instance) changed the state. */
  watch(listener: () => void): () => void;
  close(): Promise<void>;
}

/** A stored state that cannot be read or written; the message names the file or key and the field. */
export class StateError extends Error {
  override name = 'StateError';
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The first state of a new store: the config file's agents, their tokens hashed. */
export function seedState(agents: readonly (AgentFields & { token: string })[], now: string): AgentState {
  return {
    version: 1,
    rev: 1,
    epoch: randomBytes(8).toString('hex'),
    agents: agents.map((a, i) => ({
      user: a.user,
      name: a.name,
      extensions: [...a.extensions],
      agentIds: [...a.agentIds],
      ...(a.crmUserId ? { crmUserId: a.crmUserId } : {}),
      tokens: [{ id: `config${i}`, label: 'config file', createdAt: now, hash: hashToken(a.token) }],
    })),
  };
}

const HASH_RE = /^[0-9a-f]{64}$/;
export const TOKEN_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;

function parseToken(raw: unknown, field: string): StoredToken {
  if (!isObject(raw)) throw new MappingError(field, 'must be an object');
  if (typeof raw.id !== 'string' || !TOKEN_ID_RE.test(raw.id))
    throw new MappingError(`${field}.id`, `must match ${TOKEN_ID_RE}`);
  if (typeof raw.hash !== 'string' || !HASH_RE.test(raw.hash))
    throw new MappingError(`${field}.hash`, 'must be 64 lowercase hex digits');
  if (typeof raw.createdAt !== 'string' || Number.isNaN(Date.parse(raw.createdAt)))
    throw new MappingError(`${field}.createdAt`, 'must be an ISO date');
  return {
    id: raw.id,
    label: parseLabel(raw.label, `${field}.label`),
    createdAt: raw.createdAt,
    hash: raw.hash,
  };
}

/**
 * Checks a stored state as strictly as admin input: a hand-edited or damaged file must stop
 * start-up with the field at fault, not serve a half-understood mapping.
 */
export function parseState(raw: unknown): AgentState {
  if (!isObject(raw)) throw new MappingError('(root)', 'must be an object');
  if (raw.version !== 1) throw new MappingError('version', 'must be 1');
  if (typeof raw.rev !== 'number' || !Number.isSafeInteger(raw.rev) || raw.rev < 0)
    throw new MappingError('rev', 'must be a whole number');
  if (!Array.isArray(raw.agents)) throw new MappingError('agents', 'must be an array');
  const agents = raw.agents.map((a, i): StoredAgent => {
    const field = `agents[${i}]`;
    if (!isObject(a)) throw new MappingError(field, 'must be an object');
    const { tokens, pairings, ...rest } = a;
    const fields = parseAgentFields(rest, { field });
    if (!Array.isArray(tokens)) throw new MappingError(`${field}.tokens`, 'must be an array');
    const parsed: StoredAgent = {
      ...fields,
      tokens: tokens.map((t, j) => parseToken(t, `${field}.tokens[${j}]`)),
    };
    if (pairings !== undefined) parsed.pairings = parsePairings(pairings, `${field}.pairings`);
    return parsed;
  });
  checkMapping(agents, (i) => `agents[${i}]`);
  const epoch = raw.epoch ?? '';
  if (typeof epoch !== 'string' || !/^[0-9a-f]{0,32}$/.test(epoch))
    throw new MappingError('epoch', 'must be up to 32 lowercase hex digits');
  return { version: 1, rev: raw.rev, epoch, agents };
}

function parsePairings(raw: unknown, field: string): StoredPairing[] {
  if (!Array.isArray(raw)) throw new MappingError(field, 'must be an array');
  return raw.map((p, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(p)) throw new MappingError(at, 'must be an object');
    if (typeof p.hash !== 'string' || !HASH_RE.test(p.hash))
      throw new MappingError(`${at}.hash`, 'must be 64 lowercase hex digits');
    for (const key of ['createdAt', 'expiresAt'] as const)
      if (typeof p[key] !== 'string' || Number.isNaN(Date.parse(p[key] as string)))
        throw new MappingError(`${at}.${key}`, 'must be an ISO date');
    return { hash: p.hash, createdAt: p.createdAt as string, expiresAt: p.expiresAt as string };
  });
}

/** Runs async jobs one after another: a read-modify-write must not interleave with another. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => {});
    return result;
  }
}

/** Keeps the state in memory only: the default of `buildApp` and of tests. */
export class MemoryAgentStore implements AgentStore {
  readonly where = 'memory';
  private state: AgentState | null;

  constructor(initial: AgentState | null = null) {
    this.state = initial;
  }

  async load(): Promise<AgentState | null> {
    return this.state;
  }

  async create(state: AgentState): Promise<{ state: AgentState; created: boolean }> {
    if (this.state) return { state: this.state, created: false };
    this.state = state;
    return { state, created: true };
  }

  async update(change: (state: AgentState) => AgentState): Promise<AgentState> {
    const next = change(this.state ?? EMPTY_STATE);
    this.state = { ...next, rev: (this.state?.rev ?? 0) + 1 };
    return this.state;
  }

  watch(): () => void {
    return () => {};
  }

  async close(): Promise<void> {}
}
