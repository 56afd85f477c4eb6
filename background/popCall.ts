// What happens when a call event arrives: record it in the queue, match the caller against the
// contact cache (live lookup on a miss), and open the CRM tab for its keypress for the best
// candidate; the queue row keeps every candidate so the agent can pick another. Browser access comes
// in as `openUrl` and `lookup`.
import { chooseAction, templateKeyFor, upgradeAction } from '../shared/actions.ts';
import type { CallEvent, CallState } from '../shared/callEvent.ts';
import type { Candidate } from '../shared/match.ts';
import type { MatchCandidate } from '../shared/messages.ts';
import { type NormalizedPhone, normalizePhone } from '../shared/phone.ts';
import { effectiveTemplate, effectiveTemplates } from '../shared/presets.ts';
import type { Settings } from '../shared/settings.ts';
import { buildUrl, templateValues } from '../shared/template.ts';
import { getCall, putCall } from './callQueue.ts';
import { findCandidates, toMatchCandidate } from './contactStore.ts';
import type { Db, StoredCall } from './db.ts';
import type { OpenedTab } from './tabs.ts';

export interface PopDeps {
  db: Db;
  settings: Settings;
  /** Opens the action's tab by the admin's tab and focus policy; rejects when the browser refused. */
  openUrl: (url: string, call: StoredCall) => Promise<OpenedTab | undefined | void>;
  /** Shows the desktop notification for a call that popped; `opened` says where its tab went. */
  notify?: (call: StoredCall, opened?: OpenedTab) => Promise<void>;
  /** The agent's relay user (the connection's welcome): their own contacts rank first. */
  agentUser?: string;
  /**
   * Asks the relay for this E.164 number when the cache has no match, and caches what it finds;
   * resolves false (never rejects) on a timeout or error.
   */
  lookup?: (e164: string) => Promise<boolean>;
  /** Notes when each step finished (the options page's Diagnostics); epoch ms. */
  trace?: (step: 'matched' | 'opened', at: number) => void;
}

// Events after which a call is over, for its duration.
const END_STATES: ReadonlySet<CallState> = new Set(['hangup', 'missed', 'busy']);
// A call sees a handful of events; keep enough ids to recognise any replay of them.
const MAX_EVENT_IDS = 32;

/**
 * How handling one event ended: `popped` a tab opened; `recorded` queued without a pop (not a pop
 * state, or the call popped before); `skipped` it would have popped, but pops are off or a
 * colleague answered; `failed` the pop failed (the call keeps the reason); `replayed` the call had
 * this event already (a reconnect resent it) and nothing changed.
 */
export type Outcome = 'popped' | 'recorded' | 'skipped' | 'failed' | 'replayed';

/** The outcome and the call as it was stored, so no caller has to read it back. */
export interface EventResult {
  outcome: Outcome;
  call: StoredCall;
}

export async function applyEvent(deps: PopDeps, event: CallEvent): Promise<EventResult> {
  const { db, settings } = deps;
  const phone = normalizePhone(event.callerId, settings.defaultRegion);
  // Both reads at once: the pop waits on them, and a new call needs the match anyway.
  const [existing, matches] = await Promise.all([getCall(db, event.callId), match(deps, phone)]);
  if (existing?.eventIds.includes(event.id)) return { outcome: 'replayed', call: existing };
  const call = existing ?? (await newCall(deps, event, phone, matches));
  deps.trace?.('matched', Date.now());
  // A late event (a replayed "ringing" after "hangup") must not move the call back.
  if (!(existing && END_STATES.has(existing.state) && !END_STATES.has(event.state))) call.state = event.state;
  call.source = event.source;
  if (event.answeredBy) call.answeredBy = event.answeredBy;
  if (event.routedBy) call.routedBy = event.routedBy;
  if (event.state === 'answered') call.answeredAt ??= event.at;
  if (END_STATES.has(event.state)) call.endedAt ??= event.at;
  call.keypress = event.keypress || call.keypress;
  call.eventIds = [...call.eventIds, event.id].slice(-MAX_EVENT_IDS);

  let outcome: Outcome = 'recorded';
  if (!call.popped && popsAt(settings, event.state)) {
    // Several agents rang; only the one who answered gets the pop (the rest keep the queue row).
    if (event.answeredBy && deps.agentUser && event.answeredBy !== deps.agentUser) {
      call.skipped = 'elsewhere';
      outcome = 'skipped';
    } else {
      call.action = chooseAction(call.keypress, Boolean(call.contact), settings);
      const result = await openAction(deps, call);
      outcome = result.ok ? 'popped' : 'failed';
      if (result.ok) await deps.notify?.(call, result.opened).catch(() => undefined);
    }
    // Popped, failed or skipped: a call pops at most once, whatever events follow.
    call.popped = true;
  } else if (!call.popped && settings.popOn === 'never' && event.state === 'answered') {
    call.action = chooseAction(call.keypress, Boolean(call.contact), settings);
    call.skipped = 'popOff';
    outcome = 'skipped';
  }
  await putCall(db, call);
  return { outcome, call };
}

/**
 * Whether an event in `state` pops (once per call). "On ringing" means as early as the PBX tells:
 * a call whose ringing was never reported (Logo CRM only says "answered") pops on its answer.
 */
function popsAt(settings: Settings, state: CallState): boolean {
  if (settings.popOn === 'never') return false;
  if (settings.popOn === 'ringing') return state === 'ringing' || state === 'answered';
  return state === 'answered';
}

function match(deps: PopDeps, phone: NormalizedPhone | null): Promise<Candidate[]> {
  if (!phone) return Promise.resolve([]);
  return findCandidates(deps.db, phone, deps.settings.defaultRegion, deps.agentUser);
}

async function newCall(
  deps: PopDeps,
  event: CallEvent,
  phone: NormalizedPhone | null,
  cached: Candidate[],
): Promise<StoredCall> {
  let matches = cached;
  // A contact created minutes ago is not in the cache yet; only a new call asks the relay.
  if (phone && !matches.length && deps.lookup && (await deps.lookup(phone.e164)))
    matches = await match(deps, phone);
  const candidates = matches.map(toMatchCandidate);
  const best = candidates[0];
  return {
    id: event.callId,
    callId: event.callId,
    state: event.state,
    at: event.at,
    callerId: event.callerId,
    national: phone?.national,
    phone: phone?.e164,
    extension: event.extension,
    agentId: event.agentId,
    keypress: event.keypress,
    contact: best && contactOf(best),
    candidates: candidates.length ? candidates : undefined,
    action: null,
    eventIds: [],
    popped: false,
  };
}

function contactOf(c: MatchCandidate) {
  return { id: c.id, kind: c.kind, name: c.name, companyId: c.companyId, company: c.company };
}

/**
 * The agent picked another of the call's candidates: it becomes the call's contact and its action
 * opens (a call that had no contact now opens the keypress action, not "unknown").
 */
export async function pickCandidate(
  deps: PopDeps,
  call: StoredCall,
  contactId: string,
): Promise<{ ok: boolean; error?: string }> {
  const picked = call.candidates?.find((c) => c.id === contactId);
  if (!picked) return { ok: false, error: 'errCandidateNotFound' };
  call.contact = contactOf(picked);
  // The agent asked for this contact: a keypress mapped to no pop (or to a search) opens its card.
  const action = chooseAction(call.keypress, true, deps.settings);
  call.action = action === null || action === 'search' || action === 'newContact' ? 'card' : action;
  return openAction(deps, call);
}

/** Opens the call's action; records the URL or the reason nothing was opened on `call`. */
export async function openAction(
  deps: PopDeps,
  call: StoredCall,
): Promise<{ ok: boolean; error?: string; opened?: OpenedTab }> {
  call.url = undefined;
  call.error = undefined;
  call.action = upgradeAction(call.action);
  // Resuming a call that was never popped (pops off, a keypress mapped to none) opens its best
  // action now: the agent clicked it.
  call.action ??= chooseAction(call.keypress, Boolean(call.contact), deps.settings);
  if (!call.action) {
    call.error = 'errNoAction';
    return { ok: false, error: call.error };
  }
  const { crm } = deps.settings;
  const key = templateKeyFor(call.action, call.contact?.kind, effectiveTemplates(crm));
  const built = buildUrl(effectiveTemplate(crm, key), templateValues(call), crm.origin);
  if (!built.ok) {
    call.error = built.error;
    return { ok: false, error: call.error };
  }
  try {
    const opened = (await deps.openUrl(built.url, call)) || undefined;
    deps.trace?.('opened', Date.now());
    call.url = built.url;
    return opened ? { ok: true, opened } : { ok: true };
  } catch {
    call.error = 'errTabFailed';
    return { ok: false, error: call.error };
  }
}
