// The call journal on the wire: the admin's view of the outbox (`/v1/admin/journal`) and an
// agent's view of their own calls (`/v1/journal/status`): was each call logged in the CRM?
import { type Static, Type } from 'typebox';

export const JOURNAL_STATUSES = ['pending', 'written', 'dead'] as const;
export const JournalStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('written'),
  Type.Literal('dead'),
]);

export const JournalEntry = Type.Object({
  key: Type.String({ description: "The record's idempotency key (the same on every retry)." }),
  writer: Type.String(),
  callId: Type.String(),
  type: Type.Union([Type.Literal('call'), Type.Literal('task')]),
  status: JournalStatus,
  callStatus: Type.Union([Type.Literal('held'), Type.Literal('missed')]),
  callerId: Type.String(),
  contactName: Type.Optional(Type.String()),
  attempts: Type.Integer(),
  lastError: Type.Optional(Type.String()),
  crmId: Type.Optional(Type.String()),
  createdAt: Type.String({ description: 'ISO time the record was queued.' }),
  doneAt: Type.Optional(Type.String()),
  nextAt: Type.Optional(Type.String({ description: 'Pending: ISO time of the next attempt.' })),
});
export type JournalEntry = Static<typeof JournalEntry>;

export const JournalList = Type.Object({
  configured: Type.Boolean({ description: 'False when the relay has no `journal` section.' }),
  writers: Type.Array(Type.Object({ name: Type.String(), kind: Type.String() })),
  pending: Type.Integer(),
  dead: Type.Integer(),
  oldestPendingSeconds: Type.Optional(Type.Number()),
  entries: Type.Array(JournalEntry),
});
export type JournalList = Static<typeof JournalList>;

export const JournalRetryBody = Type.Object({
  key: Type.String({ maxLength: 100 }),
  writer: Type.String({ maxLength: 32 }),
});

/** Per call: `written` once every record of it is in every CRM, `dead` when one failed for good. */
export const CallJournalState = Type.Object({
  state: JournalStatus,
  reason: Type.Optional(Type.String()),
});
export type CallJournalState = Static<typeof CallJournalState>;

export const CallJournalStatus = Type.Object({
  calls: Type.Record(Type.String(), CallJournalState),
});
export type CallJournalStatus = Static<typeof CallJournalStatus>;
