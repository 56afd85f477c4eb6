// Validation of one agent's mapping (user, name, extensions, agent ids, CRM user id), shared by the admin API,
// the CSV import, the stored state and the options page (which checks as the admin types). Every
// problem names the field at fault. Several agents may share an extension (a ring group); an
// agent id is one person's PBX login (it follows them when hot-desking), so it belongs to one agent.
import { EXTENSION_PATTERN, ID_PATTERN } from './callEvent.ts';
import { UNSAFE_TEXT_RE, UNSAFE_TEXT_REASON } from './fieldRules.ts';

export interface AgentFields {
  user: string;
  name: string;
  extensions: string[];
  agentIds: string[];
  /**
   * The agent's user id in the CRM (vtiger `19x5` or `5`, a SuiteCRM UUID): the owner of the call
   * records the journal writes for this agent. Absent when not set.
   */
  crmUserId?: string;
}

export const MAX_AGENTS = 10_000;
export const MAX_IDS_PER_AGENT = 100;
export const MAX_NAME = 200;
export const MAX_LABEL = 100;
export const MAX_CRM_USER_ID = 100;
/** The ids the CRMs we write to use (vtiger `19x5`, SuiteCRM UUIDs, e-mail-like logins). */
export const CRM_USER_ID_PATTERN = /^[A-Za-z0-9._:@-]+$/;
const FIELDS = new Set(['user', 'name', 'extensions', 'agentIds', 'crmUserId']);
// Names and labels end up in CSV files, log lines and the options page (shared/fieldRules.ts).
export const CONTROL_RE = UNSAFE_TEXT_RE;
/** Every secret: the PBX secret, the admin token, an agent token in the config file. */
export const SECRET_PATTERN = /^[\x21-\x7e]{16,256}$/;

/** A refused mapping. `status` is 400 for bad input, 404 for an unknown user, 409 for a clash. */
export class MappingError extends Error {
  override name = 'MappingError';
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(`${field} ${reason}`);
  }
}

function text(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || !v.trim()) throw new MappingError(field, 'must be a non-empty string');
  if (v.length > max) throw new MappingError(field, `must be at most ${max} characters`);
  if (CONTROL_RE.test(v)) throw new MappingError(field, UNSAFE_TEXT_REASON);
  return v.trim();
}

function ids(v: unknown, field: string, pattern: RegExp): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new MappingError(field, 'must be an array of strings');
  if (v.length > MAX_IDS_PER_AGENT)
    throw new MappingError(field, `must have at most ${MAX_IDS_PER_AGENT} items`);
  const seen = new Set<string>();
  return v.map((item, i) => {
    if (typeof item !== 'string' || !pattern.test(item))
      throw new MappingError(`${field}[${i}]`, `must be a string matching ${pattern}`);
    if (seen.has(item)) throw new MappingError(`${field}[${i}]`, `"${item}" is listed twice`);
    seen.add(item);
    return item;
  });
}

export function parseUser(v: unknown, field = 'user'): string {
  const user = text(v, field, 64);
  if (!ID_PATTERN.test(user)) throw new MappingError(field, `must match ${ID_PATTERN}`);
  return user;
}

/** A token label: free text for the admin ("Chrome on desk 12"), empty when not given. */
export function parseLabel(v: unknown, field = 'label'): string {
  if (v === undefined || v === '') return '';
  if (typeof v !== 'string') throw new MappingError(field, 'must be a string');
  if (v.length > MAX_LABEL) throw new MappingError(field, `must be at most ${MAX_LABEL} characters`);
  if (CONTROL_RE.test(v)) throw new MappingError(field, UNSAFE_TEXT_REASON);
  return v.trim();
}

/**
 * A CRM user id, or undefined when none is given. An empty string (an emptied form field or CSV
 * cell) means "no id", so sending one clears a stored id.
 */
export function parseCrmUserId(v: unknown, field = 'crmUserId'): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new MappingError(field, 'must be a string');
  if (CONTROL_RE.test(v)) throw new MappingError(field, UNSAFE_TEXT_REASON);
  const id = v.trim();
  if (!id) return undefined;
  if (id.length > MAX_CRM_USER_ID)
    throw new MappingError(field, `must be at most ${MAX_CRM_USER_ID} characters`);
  if (!CRM_USER_ID_PATTERN.test(id))
    throw new MappingError(field, 'must hold only letters, digits and . _ : @ -');
  return id;
}

export interface ParseOptions {
  /** Prefix of field names in messages, e.g. `agents[3]`; none for an API body. */
  field?: string;
}

/** One agent's mapping from untrusted JSON; unknown fields are refused so typos do not pass silently. */
export function parseAgentFields(raw: unknown, options: ParseOptions = {}): AgentFields {
  const at = (name: string) => (options.field ? `${options.field}.${name}` : name);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new MappingError(options.field ?? '(body)', 'must be a JSON object');
  const a = raw as Record<string, unknown>;
  for (const key of Object.keys(a))
    if (!FIELDS.has(key))
      throw new MappingError(
        at(key),
        key === 'token' || key === 'tokens'
          ? 'cannot be set here: issue tokens with POST /v1/admin/agents/:user/tokens'
          : 'is not a known field',
      );
  const user = parseUser(a.user, at('user'));
  const extensions = ids(a.extensions, at('extensions'), EXTENSION_PATTERN);
  const agentIds = ids(a.agentIds, at('agentIds'), ID_PATTERN);
  // An agent mapped to nothing would connect fine and never hear a call: say so now.
  if (!extensions.length && !agentIds.length)
    throw new MappingError(at('extensions'), 'or agentIds must name at least one extension or agent id');
  const crmUserId = parseCrmUserId(a.crmUserId, at('crmUserId'));
  return {
    user,
    name: text(a.name ?? user, at('name'), MAX_NAME),
    extensions,
    agentIds,
    ...(crmUserId ? { crmUserId } : {}),
  };
}

/**
 * Why `agent` cannot join `others` (the rest of the mapping), or null. Field names are relative to
 * the agent, e.g. `agentIds[1]`.
 */
export function conflict(agent: AgentFields, others: readonly AgentFields[]): MappingError | null {
  for (const other of others) {
    if (other.user === agent.user) return new MappingError('user', `"${agent.user}" already exists`, 409);
    const i = agent.agentIds.findIndex((id) => other.agentIds.includes(id));
    if (i >= 0)
      return new MappingError(
        `agentIds[${i}]`,
        `"${agent.agentIds[i]}" already belongs to agent "${other.user}"`,
        409,
      );
  }
  return null;
}

/** Checks a whole mapping (a loaded state, an import); `fieldOf(i)` names the i-th agent in messages. */
export function checkMapping(agents: readonly AgentFields[], fieldOf: (i: number) => string): void {
  if (agents.length > MAX_AGENTS) throw new MappingError('agents', `must have at most ${MAX_AGENTS} agents`);
  // Linear, with maps, because a state may hold thousands of agents.
  const users = new Set<string>();
  const owners = new Map<string, string>();
  agents.forEach((agent, i) => {
    if (users.has(agent.user))
      throw new MappingError(`${fieldOf(i)}.user`, `"${agent.user}" already exists`, 409);
    users.add(agent.user);
    agent.agentIds.forEach((id, j) => {
      const owner = owners.get(id);
      if (owner !== undefined)
        throw new MappingError(
          `${fieldOf(i)}.agentIds[${j}]`,
          `"${id}" already belongs to agent "${owner}"`,
          409,
        );
      owners.set(id, agent.user);
    });
  });
}
