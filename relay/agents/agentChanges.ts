// The admin's changes to the agent state, as pure functions `state → new state`. Each checks the
// result against the rest of the mapping and throws MappingError (nothing is stored) when it clashes.
// Stores may call a change more than once (a shared store retries when another instance wrote meanwhile).
import { randomBytes } from 'node:crypto';
import {
  type AgentFields,
  conflict,
  MAX_AGENTS,
  MappingError,
  parseAgentFields,
} from '../../shared/agentMapping.ts';
import {
  type AgentState,
  hashToken,
  type StoredAgent,
  type StoredPairing,
  type StoredToken,
  type TokenInfo,
} from '../store/agentStore.ts';

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
    const { tokens, pairings, ...mapping } = current;
    const fields = parseAgentFields({ ...mapping, ...patch, user });
    const problem = conflict(fields, others(state, user));
    if (problem) throw problem;
    const agent: StoredAgent = { ...fields, tokens, ...(pairings ? { pairings } : {}) };
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
  a.agentIds.join('\n') === b.agentIds.join('\n') &&
  a.crmUserId === b.crmUserId;

/**
 * Makes the mapping exactly `rows` (already checked as a whole): agents that stay keep their
 * tokens, agents not in `rows` are removed with theirs. With `keepCrmUserIds` (a CSV from before
 * the `crm_user_id` column) an agent that stays keeps its CRM user id, so importing an old
 * spreadsheet does not silently take every call record's owner away.
 */
export const replaceMapping =
  (rows: readonly AgentFields[], options: { keepCrmUserIds?: boolean } = {}): Change<ImportSummary> =>
  (state) => {
    const byUser = new Map(state.agents.map((a) => [a.user, a]));
    const summary: ImportSummary = { added: [], changed: [], removed: [], unchanged: 0 };
    const agents = rows.map((given): StoredAgent => {
      const current = byUser.get(given.user);
      const kept = options.keepCrmUserIds && current?.crmUserId;
      const row: AgentFields = kept ? { ...given, crmUserId: kept } : given;
      if (!current) summary.added.push(row.user);
      else if (same(current, row)) summary.unchanged += 1;
      else summary.changed.push(row.user);
      return { ...row, tokens: current?.tokens ?? [] };
    });
    const kept = new Set(rows.map((r) => r.user));
    summary.removed = state.agents.filter((a) => !kept.has(a.user)).map((a) => a.user);
    return { agents, result: summary };
  };

/** How long a pairing code works, and how many may wait per agent. */
export const PAIRING_TTL_MS = 15 * 60 * 1000;
export const MAX_PAIRINGS_PER_AGENT = 5;
// No 0/O, 1/I/L: a code is read aloud or typed from a screen.
const PAIRING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** The code as stored and compared: upper case, without spaces or dashes. */
export function normalizePairingCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export interface IssuedPairing {
  user: string;
  /** `XXXX-XXXX`: shown once to the admin, who gives it to the agent. */
  code: string;
  expiresAt: string;
}

const live = (pairings: readonly StoredPairing[] | undefined, nowMs: number) =>
  (pairings ?? []).filter((p) => Date.parse(p.expiresAt) > nowMs);

export const issuePairing =
  (user: string, now: string): Change<IssuedPairing> =>
  (state) => {
    const current = find(state, user);
    const nowMs = Date.parse(now);
    const waiting = live(current.pairings, nowMs);
    if (waiting.length >= MAX_PAIRINGS_PER_AGENT)
      throw new MappingError('pairings', `must be at most ${MAX_PAIRINGS_PER_AGENT} waiting per agent`, 409);
    const bytes = randomBytes(8);
    const raw = [...bytes].map((b) => PAIRING_ALPHABET[b % PAIRING_ALPHABET.length]).join('');
    const expiresAt = new Date(nowMs + PAIRING_TTL_MS).toISOString();
    const pairing: StoredPairing = { hash: hashToken(raw), createdAt: now, expiresAt };
    const agent: StoredAgent = { ...current, pairings: [...waiting, pairing] };
    return {
      agents: state.agents.map((a) => (a === current ? agent : a)),
      result: { user, code: `${raw.slice(0, 4)}-${raw.slice(4)}`, expiresAt },
    };
  };

/**
 * Trades a pairing code for a new agent token, once: the code is removed in the same change, so a
 * second redeem (or another relay instance racing this one) finds nothing.
 */
export const redeemPairing =
  (code: string, now: string): Change<IssuedToken> =>
  (state) => {
    const hash = hashToken(normalizePairingCode(code));
    const nowMs = Date.parse(now);
    const owner = state.agents.find((a) => live(a.pairings, nowMs).some((p) => p.hash === hash));
    if (!owner) throw new MappingError('code', 'is not a valid pairing code, or it expired or was used', 404);
    const rest = live(owner.pairings, nowMs).filter((p) => p.hash !== hash);
    const withoutCode: StoredAgent = { ...owner, pairings: rest };
    const { agents, result } = issueToken(
      owner.user,
      `paired ${now.slice(0, 10)}`,
      now,
    )({
      ...state,
      agents: state.agents.map((a) => (a === owner ? withoutCode : a)),
    });
    return { agents, result };
  };
