// The config file's `agents[]`: each agent's mapping and a token. They only seed a new agent store
// (agentSetup.ts); after that the store is the source of truth and the admin API changes it.

import { type AgentFields, MappingError, parseCrmUserId } from '../../shared/agentMapping.ts';
import { EXTENSION_PATTERN, ID_PATTERN } from '../../shared/callEvent.ts';
import { fail, ids, object, secret, text } from '../http/configFields.ts';

/** One agent: the mapping plus the token it connects with. Also what the directory answers. */
export interface AgentConfig extends AgentFields {
  token: string;
}

/** The shared check of a CRM user id, its refusal worded as a config problem. */
function crmUserId(v: unknown, field: string): string | undefined {
  try {
    return parseCrmUserId(v, field);
  } catch (error) {
    if (error instanceof MappingError) fail(error.field, error.reason);
    throw error;
  }
}

function agent(v: unknown, field: string): AgentConfig {
  const a = object(v, field);
  const user = text(a.user, `${field}.user`, 64);
  if (!ID_PATTERN.test(user)) fail(`${field}.user`, `must match ${ID_PATTERN}`);
  const extensions =
    a.extensions === undefined ? [] : ids(a.extensions, `${field}.extensions`, EXTENSION_PATTERN);
  const agentIds = a.agentIds === undefined ? [] : ids(a.agentIds, `${field}.agentIds`, ID_PATTERN);
  // An agent mapped to nothing would connect fine and never hear a call: say so now.
  if (!extensions.length && !agentIds.length) fail(field, 'must have at least one of extensions or agentIds');
  const crm = crmUserId(a.crmUserId, `${field}.crmUserId`);
  return {
    user,
    name: text(a.name ?? user, `${field}.name`, 200),
    extensions,
    agentIds,
    ...(crm ? { crmUserId: crm } : {}),
    token: secret(a.token, `${field}.token`),
  };
}

/** Validates `agents` (required): each agent, and no user twice. */
export function parseAgentsConfig(raw: unknown): AgentConfig[] {
  if (!Array.isArray(raw)) fail('agents', 'must be an array');
  const agents = raw.map((a, i) => agent(a, `agents[${i}]`));
  const users = new Set<string>();
  agents.forEach((a, i) => {
    if (users.has(a.user)) fail(`agents[${i}].user`, `"${a.user}" is used by another agent`);
    users.add(a.user);
  });
  return agents;
}
