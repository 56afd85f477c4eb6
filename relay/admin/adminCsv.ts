// The mapping as CSV, for admins who keep it in a spreadsheet: columns
// `user,name,extensions,agentIds,crm_user_id`, lists separated by `;`. An import is all or nothing,
// so it reports every bad line at once. The export escapes cells a spreadsheet would run as formulas
// (a leading `'`); the import removes that escape again, so an export imports unchanged (extensions
// like `+90…` included). `crm_user_id` came later: a file without that column still imports and
// leaves the stored CRM user ids alone, while an empty cell in it clears the agent's id.

import { type AgentFields, MAX_AGENTS, MappingError, parseAgentFields } from '../../shared/agentMapping.ts';
import type { AgentView } from '../agents/agentDirectory.ts';
import { parseCsv, toCsv, unescapeFormula } from '../http/csv.ts';

export const CSV_COLUMNS = ['user', 'name', 'extensions', 'agentIds', 'crm_user_id'] as const;
type Column = (typeof CSV_COLUMNS)[number];

export interface LineProblem {
  line: number;
  field?: string;
  reason: string;
}

export type CsvImport =
  | {
      ok: true;
      rows: AgentFields[];
      /** Whether the file has the `crm_user_id` column; without it, the stored ids stay as they are. */
      crmUserIds: boolean;
    }
  | { ok: false; problems: LineProblem[] };

export function agentsToCsv(agents: readonly AgentView[]): string {
  return toCsv([
    CSV_COLUMNS,
    ...agents.map((a) => [a.user, a.name, a.extensions.join(';'), a.agentIds.join(';'), a.crmUserId ?? '']),
  ]);
}

const list = (value: string) =>
  value
    .split(';')
    .map((v) => v.trim())
    .filter(Boolean);

/** Which column index holds what; a problem when the header is not ours. */
function readHeader(fields: string[]): Map<Column, number> | LineProblem {
  const byName = new Map<string, Column>(CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const columns = new Map<Column, number>();
  for (const [i, raw] of fields.entries()) {
    const name = raw.trim();
    const column = byName.get(name.toLowerCase());
    if (!column)
      return { line: 1, reason: `column "${name.slice(0, 40)}" is not one of ${CSV_COLUMNS.join(', ')}` };
    if (columns.has(column)) return { line: 1, reason: `column ${column} appears twice` };
    columns.set(column, i);
  }
  if (!columns.has('user'))
    return { line: 1, reason: `the first line must name the columns (${CSV_COLUMNS.join(',')})` };
  return columns;
}

export function csvToAgents(text: string): CsvImport {
  const parsed = parseCsv(text);
  if (parsed.errors.length) return { ok: false, problems: parsed.errors };
  const [header, ...records] = parsed.records;
  if (!header) return { ok: false, problems: [{ line: 1, reason: 'the file is empty' }] };
  const columns = readHeader(header.fields);
  if (!(columns instanceof Map)) return { ok: false, problems: [columns] };
  // An empty import would remove every agent: far more likely a wrong file than the intent.
  if (!records.length) return { ok: false, problems: [{ line: 2, reason: 'the file has no agents' }] };
  if (records.length > MAX_AGENTS)
    return { ok: false, problems: [{ line: 1, reason: `the file has more than ${MAX_AGENTS} agents` }] };

  const problems: LineProblem[] = [];
  const rows: AgentFields[] = [];
  const userLine = new Map<string, number>();
  const idOwner = new Map<string, { user: string; line: number }>();
  for (const { line, fields } of records) {
    if (fields.length > columns.size) {
      problems.push({ line, reason: `has ${fields.length} fields, the header ${columns.size}` });
      continue;
    }
    const get = (c: Column) => {
      const i = columns.get(c);
      return i === undefined ? '' : unescapeFormula(fields[i] ?? '');
    };
    let row: AgentFields;
    try {
      row = parseAgentFields({
        user: get('user'),
        ...(get('name').trim() ? { name: get('name') } : {}),
        extensions: list(get('extensions')),
        agentIds: list(get('agentIds')),
        crmUserId: get('crm_user_id'),
      });
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      // Named as the column the admin sees in the spreadsheet.
      const field = error.field === 'crmUserId' ? 'crm_user_id' : error.field;
      problems.push({ line, field, reason: `${field} ${error.reason}` });
      continue;
    }
    const seenAt = userLine.get(row.user);
    if (seenAt !== undefined) {
      problems.push({ line, field: 'user', reason: `user "${row.user}" is also on line ${seenAt}` });
      continue;
    }
    userLine.set(row.user, line);
    const clash = row.agentIds.find((id) => idOwner.has(id));
    if (clash !== undefined) {
      const owner = idOwner.get(clash);
      problems.push({
        line,
        field: 'agentIds',
        reason: `agent id "${clash}" already belongs to "${owner?.user}" on line ${owner?.line}`,
      });
      continue;
    }
    for (const id of row.agentIds) idOwner.set(id, { user: row.user, line });
    rows.push(row);
  }
  return problems.length
    ? { ok: false, problems }
    : { ok: true, rows, crmUserIds: columns.has('crm_user_id') };
}
