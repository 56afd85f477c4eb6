// Pure helpers of the options page's Admin section: the relay's mapping rules (shared/agentMapping.ts)
// checked where they are typed, lists as an admin types them, and the words for an import's summary.
// No browser or network here, so all of it is unit-tested.
import {
  CONTROL_RE,
  CRM_USER_ID_PATTERN,
  MAX_CRM_USER_ID,
  MAX_IDS_PER_AGENT,
  MAX_LABEL,
  MAX_NAME,
  SECRET_PATTERN,
} from '../../shared/agentMapping.ts';
import { EXTENSION_PATTERN, ID_PATTERN } from '../../shared/callEvent.ts';
import type { AgentView, ImportSummary, TokenInfo } from '../../shared/wire/adminApi.ts';

/** The relay's own limits and rules, from the code the relay checks with. */
export const USER_PATTERN = ID_PATTERN;
export const MAX_IDS = MAX_IDS_PER_AGENT;
export { MAX_CRM_USER_ID, MAX_LABEL, MAX_NAME };
export const ADMIN_TOKEN_PATTERN = SECRET_PATTERN;

export type { AgentView, TokenInfo };

/** A form's text per field, as typed. */
export interface AgentDraft {
  user: string;
  name: string;
  extensions: string;
  agentIds: string;
  crmUserId: string;
}

export type DraftField = keyof AgentDraft;

/** A message to show beside a field: a `_locales` key and its substitutions. */
export interface FieldProblem {
  key: string;
  subs?: string[];
}

export type DraftErrors = Partial<Record<DraftField, FieldProblem>>;

export const EMPTY_DRAFT: AgentDraft = { user: '', name: '', extensions: '', agentIds: '', crmUserId: '' };

/** A typed list: items separated by commas, semicolons or spaces (as pasted from a spreadsheet). */
export function parseList(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

export function draftFromAgent(agent: AgentView): AgentDraft {
  return {
    user: agent.user,
    name: agent.name,
    extensions: agent.extensions.join(', '),
    agentIds: agent.agentIds.join(', '),
    crmUserId: agent.crmUserId ?? '',
  };
}

/**
 * The admin API body of a draft (`user` is left out on a change: it cannot change). Empty optional
 * fields are left out; a change sends their empty values itself (MappingTable.tsx).
 */
export function draftToBody(draft: AgentDraft): {
  user: string;
  name?: string;
  extensions: string[];
  agentIds: string[];
  crmUserId?: string;
} {
  const name = draft.name.trim();
  const crmUserId = draft.crmUserId.trim();
  return {
    user: draft.user.trim(),
    ...(name ? { name } : {}),
    extensions: parseList(draft.extensions),
    agentIds: parseList(draft.agentIds),
    ...(crmUserId ? { crmUserId } : {}),
  };
}

function listProblem(items: string[], pattern: RegExp, badKey: string): FieldProblem | undefined {
  if (items.length > MAX_IDS) return { key: 'adminErrTooMany', subs: [String(MAX_IDS)] };
  const seen = new Set<string>();
  for (const item of items) {
    if (!pattern.test(item)) return { key: badKey, subs: [item] };
    if (seen.has(item)) return { key: 'adminErrTwice', subs: [item] };
    seen.add(item);
  }
  return undefined;
}

/**
 * Every problem of a draft, one per field, with the relay's rules. `users` are the agents already in
 * the table, so adding one twice is caught before asking the relay.
 */
export function validateDraft(
  draft: AgentDraft,
  opts: { isNew: boolean; users?: readonly string[] },
): DraftErrors {
  const errors: DraftErrors = {};
  const user = draft.user.trim();
  if (opts.isNew) {
    if (!user) errors.user = { key: 'adminErrUserEmpty' };
    else if (!USER_PATTERN.test(user)) errors.user = { key: 'adminErrUser' };
    else if (opts.users?.includes(user)) errors.user = { key: 'adminErrUserExists', subs: [user] };
  }
  if (draft.name.length > MAX_NAME || CONTROL_RE.test(draft.name))
    errors.name = { key: 'adminErrName', subs: [String(MAX_NAME)] };
  const extensions = parseList(draft.extensions);
  const agentIds = parseList(draft.agentIds);
  const ext = listProblem(extensions, EXTENSION_PATTERN, 'adminErrExtension');
  if (ext) errors.extensions = ext;
  const ids = listProblem(agentIds, ID_PATTERN, 'adminErrAgentId');
  if (ids) errors.agentIds = ids;
  // The relay's check (shared/agentMapping.ts parseCrmUserId): control characters before trimming.
  const crmUserId = draft.crmUserId.trim();
  if (
    CONTROL_RE.test(draft.crmUserId) ||
    crmUserId.length > MAX_CRM_USER_ID ||
    (crmUserId && !CRM_USER_ID_PATTERN.test(crmUserId))
  )
    errors.crmUserId = { key: 'adminErrCrmUserId', subs: [String(MAX_CRM_USER_ID)] };
  // An agent mapped to nothing would connect and never hear a call.
  if (!extensions.length && !agentIds.length) errors.extensions = { key: 'adminErrNeedOne' };
  return errors;
}

export function hasErrors(errors: object): boolean {
  return Object.keys(errors).length > 0;
}

/** A token label's problem, if any. */
export function validateLabel(label: string): FieldProblem | undefined {
  if (label.length > MAX_LABEL || CONTROL_RE.test(label))
    return { key: 'adminErrLabel', subs: [String(MAX_LABEL)] };
  return undefined;
}

/** The admin token's problem, if any (the relay's rule for secrets). */
export function validateAdminToken(token: string): FieldProblem | undefined {
  if (!token.trim()) return { key: 'adminErrTokenEmpty' };
  if (!ADMIN_TOKEN_PATTERN.test(token.trim())) return { key: 'adminErrTokenFormat' };
  return undefined;
}

/**
 * The form field a relay refusal names: `extensions[2]`, `agents[3].agentIds[0]` and `agentIds`
 * all sit beside the agent ids or extensions input; unknown names have no field.
 */
export function draftFieldOf(field: string | undefined): DraftField | undefined {
  const last = field
    ?.split('.')
    .pop()
    ?.replace(/\[\d+\]$/, '');
  return last === 'user' ||
    last === 'name' ||
    last === 'extensions' ||
    last === 'agentIds' ||
    last === 'crmUserId'
    ? last
    : undefined;
}

export type { ImportSummary };

export function importChanges(s: ImportSummary): number {
  return s.added.length + s.changed.length + s.removed.length;
}

/** Users to list in a summary line: the first `max`, then how many more. */
export function shortList(users: readonly string[], max = 10): { shown: string[]; more: number } {
  return { shown: users.slice(0, max), more: Math.max(0, users.length - max) };
}

/** Agents sorted by user, the order the table shows and the tests read. */
export function sortAgents(agents: readonly AgentView[]): AgentView[] {
  return [...agents].sort((a, b) => a.user.localeCompare(b.user));
}

/** A CSV file is read only up to the relay's body limit. */
export const MAX_CSV_BYTES = 1024 * 1024;
export const CSV_FILE_NAME = 'agents.csv';
