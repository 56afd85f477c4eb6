// The admin's changes to the agent state, as pure functions `state → new state`. Each checks the
// result against the rest of the mapping and throws MappingError (nothing is stored) when it clashes.
// Stores may call a change more than once (Redis retries when another instance wrote meanwhile).
import { randomBytes } from 'node:crypto';
import { type AgentFields, conflict, MAX_AGENTS, MappingError, parseAgentFields } from './agentMapping.ts';
import {
  type AgentState,
  hashToken,
  type StoredAgent,
  type StoredToken,
  type TokenInfo,
} from './agentStore.ts';

/** One token per browser is the expected use; a cap keeps a script gone wrong from piling them up. */
export const MAX_TOKENS_PER_AGENT = 20;

export type Change<R> = (state: AgentState) => { agents: StoredAgent[]; result: R };

function find(state: AgentState, user: string): StoredAgent {
  const agent = state.agents.find((a) => a.user === user);
  if (!agent) throw new MappingError('user', `"${user}" is not an agent`, 404);
  return agent;
}

function others(state: AgentState, user: string): StoredAgent[] {
  return state.agents.filter((a) => a.user !== user);
}

export const addAgent =
  (fields: AgentFields): Change<StoredAgent> =>
  (state) => {
    const problem = conflict(fields, state.agents);
    if (problem) throw problem;
    if (state.agents.length >= MAX_AGENTS)
      throw new MappingError('user', `cannot be added: the relay holds ${MAX_AGENTS} agents already`, 409);
    const agent: StoredAgent = { ...fields, tokens: [] };
    return { agents: [...state.agents, agent], result: agent };
  };

/**
 * Applies `patch` (any of name, extensions, agentIds) to the agent as it is now in the store, so
 * two admins editing different fields at once both keep their change. The user and tokens stay.
 */
export const changeAgent =
  (user: string, patch: Record<string, unknown>): Change<StoredAgent> =>
  (state) => {
    const current = find(state, user);
    if (patch.user !== undefined && patch.user !== user)
      throw new MappingError('user', 'cannot be changed: remove the agent and add it under the new name');
    const { tokens, ...mapping } = current;
    const fields = parseAgentFields({ ...mapping, ...patch, user });
    const problem = conflict(fields, others(state, user));
    if (problem) throw problem;
    const agent: StoredAgent = { ...fields, tokens };
    return { agents: state.agents.map((a) => (a === current ? agent : a)), result: agent };
  };

export const removeAgent =
  (user: string): Change<StoredAgent> =>
  (state) => {
    const current = find(state, user);
    return { agents: others(state, user), result: current };
  };

export interface IssuedToken extends TokenInfo {
  user: string;
  /** The token itself: shown once, never stored. */
  token: string;
}

export const issueToken =
  (user: string, label: string, now: string): Change<IssuedToken> =>
  (state) => {
    const current = find(state, user);
    if (current.tokens.length >= MAX_TOKENS_PER_AGENT)
      throw new MappingError(
        'tokens',
        `must be at most ${MAX_TOKENS_PER_AGENT} per agent: revoke one first`,
        409,
      );
    // 32 random bytes: unguessable, and 43 URL- and header-safe characters.
    const token = randomBytes(32).toString('base64url');
    let id = randomBytes(6).toString('base64url');
    while (current.tokens.some((t) => t.id === id)) id = randomBytes(6).toString('base64url');
    const stored: StoredToken = { id, label, createdAt: now, hash: hashToken(token) };
    const agent = { ...current, tokens: [...current.tokens, stored] };
    return {
      agents: state.agents.map((a) => (a === current ? agent : a)),
      result: { user, id, label, createdAt: now, token },
    };
  };

export const revokeToken =
  (user: string, tokenId: string): Change<TokenInfo> =>
  (state) => {
    const current = find(state, user);
    const token = current.tokens.find((t) => t.id === tokenId);
    if (!token) throw new MappingError('tokenId', `"${tokenId}" is not a token of "${user}"`, 404);
    const agent = { ...current, tokens: current.tokens.filter((t) => t !== token) };
    const { hash: _hash, ...info } = token;
    return { agents: state.agents.map((a) => (a === current ? agent : a)), result: info };
  };

export interface ImportSummary {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

const same = (a: AgentFields, b: AgentFields) =>
  a.name === b.name &&
  a.extensions.join('\n') === b.extensions.join('\n') &&
  a.agentIds.join('\n') === b.agentIds.join('\n');

/**
 * Makes the mapping exactly `rows` (already checked as a whole): agents that stay keep their
 * tokens, agents not in `rows` are removed with theirs.
 */
export const replaceMapping =
  (rows: readonly AgentFields[]): Change<ImportSummary> =>
  (state) => {
    const byUser = new Map(state.agents.map((a) => [a.user, a]));
    const summary: ImportSummary = { added: [], changed: [], removed: [], unchanged: 0 };
    const agents = rows.map((row): StoredAgent => {
      const current = byUser.get(row.user);
      if (!current) summary.added.push(row.user);
      else if (same(current, row)) summary.unchanged += 1;
      else summary.changed.push(row.user);
      return { ...row, tokens: current?.tokens ?? [] };
    });
    const kept = new Set(rows.map((r) => r.user));
    summary.removed = state.agents.filter((a) => !kept.has(a.user)).map((a) => a.user);
    return { agents, result: summary };
  };
