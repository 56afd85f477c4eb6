// The admin API (`/v1/admin/*`, admin token as Bearer): the relay validates and documents its routes
// with these schemas, and the options page's admin client uses the types derived from them.
import { type Static, Type } from 'typebox';
import { MAX_CRM_USER_ID, MAX_IDS_PER_AGENT, MAX_LABEL, MAX_NAME } from '../agentMapping.ts';
import { EXTENSION_PATTERN, ID_PATTERN } from '../callEvent.ts';
import { Nullable, patterned } from './common.ts';

/** A user name (the agent's relay login), in a path or a body. */
export const UserName = patterned(ID_PATTERN, { description: 'letters, digits and . _ : @ - (at most 64)' });

/**
 * An agent's mapping as the admin sends it. The shape only: the mapping rules (no duplicates, at
 * least one extension or agent id, an agent id belongs to one agent) are shared/agentMapping.ts's,
 * so the refusal names the field in the same words as the config file and a CSV import.
 */
export const AgentBody = Type.Object(
  {
    user: Type.Optional(Type.String()),
    name: Type.Optional(Type.String({ maxLength: MAX_NAME })),
    extensions: Type.Optional(Type.Array(patterned(EXTENSION_PATTERN), { maxItems: MAX_IDS_PER_AGENT })),
    agentIds: Type.Optional(Type.Array(patterned(ID_PATTERN), { maxItems: MAX_IDS_PER_AGENT })),
    crmUserId: Type.Optional(
      Type.String({
        maxLength: MAX_CRM_USER_ID,
        description:
          "The agent's user id in the CRM (vtiger `19x5`, a SuiteCRM UUID), owner of the call records the journal writes: letters, digits and . _ : @ - (at most 100); an empty string clears it.",
      }),
    ),
  },
  { title: 'AgentBody' },
);
export type AgentBody = Static<typeof AgentBody>;

export const TokenInfo = Type.Object(
  {
    id: Type.String({ description: 'Short random id, safe to show and log; names the token when revoking.' }),
    label: Type.String(),
    createdAt: Type.String(),
  },
  { title: 'TokenInfo' },
);
export type TokenInfo = Static<typeof TokenInfo>;

/** One agent as the admin API shows it: never a token or a hash. */
export const AgentView = Type.Object(
  {
    user: Type.String(),
    name: Type.String(),
    extensions: Type.Array(Type.String()),
    agentIds: Type.Array(Type.String()),
    crmUserId: Type.Optional(Type.String({ description: 'Absent when not set.' })),
    tokens: Type.Array(TokenInfo),
  },
  { title: 'AgentView' },
);
export type AgentView = Static<typeof AgentView>;

export const AgentList = Type.Object({ agents: Type.Array(AgentView) });
export const OneAgent = Type.Object({ agent: AgentView });

export const TokenRequest = Type.Object({
  label: Type.Optional(Type.String({ maxLength: MAX_LABEL, description: 'e.g. "Chrome on desk 12"' })),
});

/** A new agent token: the only time it is ever shown. */
export const IssuedToken = Type.Object(
  {
    user: Type.String(),
    id: Type.String(),
    label: Type.String(),
    createdAt: Type.String(),
    token: Type.String({ description: 'The token itself: shown once, never stored.' }),
  },
  { title: 'IssuedToken' },
);
export type IssuedToken = Static<typeof IssuedToken>;

export const IssuedPairing = Type.Object(
  {
    user: Type.String(),
    code: Type.String({ description: '`XXXX-XXXX`: shown once to the admin, who gives it to the agent.' }),
    expiresAt: Type.String(),
  },
  { title: 'IssuedPairing' },
);
export type IssuedPairing = Static<typeof IssuedPairing>;

/** An open agent connection, on this relay instance or (Redis) any. */
export const Connection = Type.Object(
  {
    id: Type.String(),
    user: Type.String(),
    name: Nullable(Type.String({ description: 'null when the agent was removed meanwhile' })),
    transport: Type.Union([Type.Literal('ws'), Type.Literal('longpoll'), Type.Literal('sse')]),
    connectedAt: Type.String(),
    remoteAddress: Type.Optional(Type.String()),
    lastEventId: Type.Optional(Type.String()),
    lastEventAt: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String({ description: 'The relay instance holding the connection.' })),
  },
  { title: 'Connection' },
);
export type Connection = Static<typeof Connection>;
export const ConnectionList = Type.Object({ connections: Type.Array(Connection) });

/** What a CSV import changed (or, as a dry run, would change). */
export const ImportSummary = Type.Object(
  {
    ok: Type.Literal(true),
    dryRun: Type.Boolean(),
    added: Type.Array(Type.String()),
    changed: Type.Array(Type.String()),
    removed: Type.Array(Type.String()),
    unchanged: Type.Integer({ minimum: 0 }),
  },
  { title: 'ImportSummary' },
);
export type ImportSummary = Static<typeof ImportSummary>;

/** A refused CSV import: every bad line, nothing imported. */
export const CsvProblems = Type.Object(
  {
    error: Type.String(),
    reason: Type.String(),
    field: Type.String(),
    problems: Type.Array(
      Type.Object({ line: Type.Integer(), field: Type.Optional(Type.String()), reason: Type.String() }),
    ),
  },
  { title: 'CsvProblems' },
);
export type CsvProblems = Static<typeof CsvProblems>;

/** `GET /v1/admin/contact-sources`, and the answer of `POST …/:name/sync`: each source's state. */
export const ContactSourceState = Type.Object(
  {
    name: Type.String(),
    kind: Type.String({ description: 'file, sql, vtiger or suitecrm' }),
    ok: Type.Boolean({ description: 'false until a poll succeeded, and while the last poll failed' }),
    contacts: Type.Integer({ minimum: 0, description: 'contacts this source holds now' }),
    changes: Type.Integer({ minimum: 0, description: 'contacts changed since the relay started' }),
    deletions: Type.Integer({ minimum: 0, description: 'contacts deleted since the relay started' }),
    lastSuccessAt: Type.Optional(Type.String()),
    lastError: Type.Optional(Type.String({ description: 'why the last poll failed (no secrets)' })),
    lastErrorAt: Type.Optional(Type.String()),
  },
  { title: 'ContactSourceState' },
);
export type ContactSourceState = Static<typeof ContactSourceState>;
export const ContactSourceList = Type.Object({ sources: Type.Array(ContactSourceState) });
export type ContactSourceList = Static<typeof ContactSourceList>;
