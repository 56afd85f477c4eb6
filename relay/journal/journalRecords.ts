// The records one finished call makes: the call record for every writer, and for a missed call
// the task to call back, owned by the contact's owner (else the extension's agent, else the
// configured fallback user), as RBS CRM does (../shared/reference/003_…txt).
import { createHash } from 'node:crypto';
import type { Contact } from '../../shared/contact.ts';
import { normalizePhone } from '../../shared/phone.ts';
import type { AgentConfig } from '../agents/agentConfig.ts';
import type { JournalCall } from './callTracker.ts';
import type { JournalRecord } from './journalTypes.ts';

export interface RecordContext {
  /** The best contact for the caller's number, if any. */
  contact?: Contact;
  agents: readonly AgentConfig[];
  region: string;
  /** Relay user → the CRM's user id (`journal.crmUsers`): the fallback of an agent's `crmUserId`. */
  crmUsers: Readonly<Record<string, string>>;
  missedCallTasks: boolean;
  fallbackOwner?: string;
}

/** The same key for the same call and record type on every retry, restart and instance. */
export function idempotencyKey(callId: string, source: string, type: JournalRecord['type']): string {
  return `sp-${createHash('sha256').update(`${source}\u0000${callId}\u0000${type}`).digest('hex').slice(0, 32)}`;
}

/**
 * The record's owner. The agent's own `crmUserId` (set where the admin maps extensions to users)
 * wins; `journal.crmUsers` in the config file is only the fallback, kept for relays set up before
 * the mapping had the field. Both hold one id per user and every writer gets the same record, so a
 * relay writing to two CRMs whose user ids differ cannot give each CRM its own owner either way.
 */
function agentRef(user: string | undefined, ctx: RecordContext, extension?: string): JournalRecord['agent'] {
  if (!user) return undefined;
  // hasOwn: a user named `constructor` must not find Object's own property.
  const fallback = Object.hasOwn(ctx.crmUsers, user) ? ctx.crmUsers[user] : undefined;
  const crmUserId = ctx.agents.find((a) => a.user === user)?.crmUserId ?? fallback;
  return { user, ...(crmUserId ? { crmUserId } : {}), ...(extension ? { extension } : {}) };
}

/** The relay agent of an extension (the first one mapped to it). */
function agentOf(extension: string | undefined, ctx: RecordContext): string | undefined {
  if (!extension) return undefined;
  return ctx.agents.find((a) => a.extensions.includes(extension))?.user;
}

export function buildRecords(call: JournalCall, ctx: RecordContext): JournalRecord[] {
  if (call.direction === 'internal') return [];
  const held = call.answeredAt !== undefined;
  const endedAt = call.endedAt ?? call.lastAt;
  const phone = call.callerId ? normalizePhone(call.callerId, ctx.region)?.e164 : undefined;
  const c = ctx.contact;
  const contact: JournalRecord['contact'] = c && {
    id: c.recordId ?? c.id,
    name: c.name,
    kind: c.kind,
    ...(c.companyId !== undefined ? { companyId: c.companyRecordId ?? c.companyId } : {}),
    ...(c.company ? { company: c.company } : {}),
  };
  const answerer = call.answeredBy ?? agentOf(call.answeredExtension, ctx);
  const base = {
    callId: call.callId,
    direction: call.direction === 'outbound' ? ('outbound' as const) : ('inbound' as const),
    status: held ? ('held' as const) : ('missed' as const),
    callerId: call.callerId,
    ...(phone ? { phone } : {}),
    ...(contact ? { contact } : {}),
    startedAt: new Date(call.startedAt).toISOString(),
    ...(held ? { answeredAt: new Date(call.answeredAt as number).toISOString() } : {}),
    endedAt: new Date(endedAt).toISOString(),
    durationSeconds: held ? Math.max(0, Math.round((endedAt - (call.answeredAt as number)) / 1000)) : 0,
    ...(call.recordingUrl ? { recordingUrl: call.recordingUrl } : {}),
    source: call.source,
  };
  const records: JournalRecord[] = [
    {
      type: 'call',
      idempotencyKey: idempotencyKey(call.callId, call.source, 'call'),
      ...base,
      ...(held ? { agent: agentRef(answerer, ctx, call.answeredExtension) } : {}),
    },
  ];
  if (!held && ctx.missedCallTasks) {
    // The contact's owner when that is one of our agents, else the agent of the extension the call
    // came in on (or the first it was routed to), else the admin's fallback user.
    const owner = c?.owner && ctx.agents.some((a) => a.user === c.owner) ? c.owner : undefined;
    const user = owner ?? agentOf(call.extensions[0], ctx) ?? call.routedTo[0] ?? ctx.fallbackOwner;
    const who = c?.name
      ? `${c.name} / ${phone ?? call.callerId}`
      : (phone ?? (call.callerId || 'a withheld number'));
    records.push({
      type: 'task',
      idempotencyKey: idempotencyKey(call.callId, call.source, 'task'),
      ...base,
      ...(user ? { agent: agentRef(user, ctx, call.extensions[0]) } : {}),
      subject: `Missed call from ${who}`,
    });
  }
  return records;
}
