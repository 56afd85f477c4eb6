// A typed client of the relay's `/v1/admin/*` routes (relay/README.md "Agents and the admin API").
// Every answer is a Result: refusals and network failures become `_locales` keys (plus the relay's
// own reason and field), so the UI never shows a raw exception. `fetch` is passed in for the tests.
import { isObject } from '../../shared/isObject.ts';
import type {
  AgentBody,
  AgentView,
  Connection,
  ContactSourceList,
  ContactSourceState,
  ImportSummary,
  IssuedToken,
} from '../../shared/wire/adminApi.ts';
import type { JournalEntry, JournalList } from '../../shared/wire/journal.ts';

export type { JournalEntry, JournalList };

export interface AdminError {
  /** `_locales` key of what went wrong. */
  key: string;
  /** The relay's field at fault, e.g. `extensions[1]`. */
  field?: string;
  /** The relay's own words (English), shown as detail. */
  reason?: string;
  status?: number;
  /** A refused CSV import: every bad line. */
  problems?: { line: number; field?: string; reason: string }[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AdminError };

export type { AgentBody, Connection, ContactSourceState, IssuedToken };

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const STATUS_KEYS: Record<number, string> = {
  400: 'adminErrBadRequest',
  401: 'adminErrUnauthorized',
  404: 'adminErrNotFound',
  409: 'adminErrConflict',
  413: 'adminErrTooLarge',
  503: 'adminErrUnavailable',
};

/** The `_locales` key and details of a refusal, from its status and `{error, reason, field}` body. */
export function errorOf(status: number, body: unknown): AdminError {
  const b = isObject(body) ? body : {};
  const field = typeof b.field === 'string' ? b.field : undefined;
  const reason = typeof b.reason === 'string' ? b.reason : undefined;
  let key = STATUS_KEYS[status] ?? 'adminErrServer';
  // The two clashes an admin meets most get their own words.
  if (status === 409 && field === 'user') key = 'adminErrUserTaken';
  else if (status === 409 && field?.startsWith('agentIds')) key = 'adminErrAgentIdTaken';
  else if (status === 400 && field === 'csv') key = 'adminErrCsv';
  const problems = Array.isArray(b.problems) ? (b.problems as AdminError['problems']) : undefined;
  return {
    key,
    status,
    ...(field ? { field } : {}),
    ...(reason ? { reason } : {}),
    ...(problems ? { problems } : {}),
  };
}

export function adminClient(base: string, adminToken: string, fetchFn: Fetch) {
  const call = async <T>(
    method: string,
    path: string,
    opts: { json?: unknown; csv?: string; text?: boolean } = {},
  ): Promise<Result<T>> => {
    const headers: Record<string, string> = { authorization: `Bearer ${adminToken}` };
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.csv !== undefined) {
      headers['content-type'] = 'text/csv; charset=utf-8';
      body = opts.csv;
    }
    let res: Response;
    try {
      res = await fetchFn(`${base}${path}`, { method, headers, body, cache: 'no-store' });
    } catch {
      return { ok: false, error: { key: 'adminErrNetwork' } };
    }
    try {
      if (res.ok && opts.text) return { ok: true, value: (await res.text()) as T };
      const parsed: unknown = await res.json().catch(() => undefined);
      if (!res.ok) return { ok: false, error: errorOf(res.status, parsed) };
      if (parsed === undefined) return { ok: false, error: { key: 'adminErrServer', status: res.status } };
      return { ok: true, value: parsed as T };
    } catch {
      return { ok: false, error: { key: 'adminErrNetwork' } };
    }
  };
  const agentPath = (user: string) => `/v1/admin/agents/${encodeURIComponent(user)}`;
  const pick = <T, K extends keyof T>(r: Result<T>, k: K): Result<T[K]> =>
    r.ok ? { ok: true, value: r.value[k] } : r;

  return {
    async listAgents(): Promise<Result<AgentView[]>> {
      return pick(await call<{ agents: AgentView[] }>('GET', '/v1/admin/agents'), 'agents');
    },
    async addAgent(body: AgentBody): Promise<Result<AgentView>> {
      return pick(await call<{ agent: AgentView }>('POST', '/v1/admin/agents', { json: body }), 'agent');
    },
    async changeAgent(user: string, body: AgentBody): Promise<Result<AgentView>> {
      return pick(await call<{ agent: AgentView }>('PUT', agentPath(user), { json: body }), 'agent');
    },
    removeAgent(user: string): Promise<Result<{ ok: true }>> {
      return call('DELETE', agentPath(user));
    },
    issueToken(user: string, label: string): Promise<Result<IssuedToken>> {
      return call('POST', `${agentPath(user)}/tokens`, { json: label ? { label } : {} });
    },
    /** A one-time code (15 minutes) the agent types in their options page instead of a token. */
    issuePairing(user: string): Promise<Result<{ user: string; code: string; expiresAt: string }>> {
      return call('POST', `${agentPath(user)}/pairing`);
    },
    revokeToken(user: string, tokenId: string): Promise<Result<{ ok: true }>> {
      return call('DELETE', `${agentPath(user)}/tokens/${encodeURIComponent(tokenId)}`);
    },
    async connections(): Promise<Result<Connection[]>> {
      return pick(await call<{ connections: Connection[] }>('GET', '/v1/admin/connections'), 'connections');
    },
    exportCsv(): Promise<Result<string>> {
      return call('GET', '/v1/admin/agents.csv', { text: true });
    },
    importCsv(csv: string, dryRun: boolean): Promise<Result<ImportSummary>> {
      return call('PUT', `/v1/admin/agents.csv${dryRun ? '?dryRun=true' : ''}`, { csv });
    },
    async contactSources(): Promise<Result<ContactSourceState[]>> {
      return pick(await call<ContactSourceList>('GET', '/v1/admin/contact-sources'), 'sources');
    },
    /** Polls one source now; answers its state after the poll. */
    async syncContactSource(name: string): Promise<Result<ContactSourceState[]>> {
      const path = `/v1/admin/contact-sources/${encodeURIComponent(name)}/sync`;
      return pick(await call<ContactSourceList>('POST', path), 'sources');
    },
    /** The call journal: writers, queue and recent records, newest first. */
    journal(): Promise<Result<JournalList>> {
      return call('GET', '/v1/admin/journal?limit=50');
    },
    /** Queues a failed record again, due now. */
    async retryJournal(key: string, writer: string): Promise<Result<JournalEntry>> {
      return pick(
        await call<{ entry: JournalEntry }>('POST', '/v1/admin/journal/retry', { json: { key, writer } }),
        'entry',
      );
    },
  };
}

export type AdminClient = ReturnType<typeof adminClient>;
