// The desktop notification a popped call shows: who is calling, their company and how the number
// matched, plus (Chrome) two buttons for the next most useful actions. Its id names the call, so a
// click still finds it after the worker restarted. Browser access comes in as `NotifyApi` and
// `ClickDeps`, so this is tested without a browser.
import { type ActionKind, templateKeyFor } from '../shared/actions.ts';
import { effectiveTemplates } from '../shared/presets.ts';
import type { Settings } from '../shared/settings.ts';
import { buildUrl, templateValues } from '../shared/template.ts';
import type { StoredCall } from './db.ts';
import type { ActionTab, OpenedTab } from './tabs.ts';

const NOTIFICATION_PREFIX = 'call:';
/** Chrome shows at most two buttons. */
const MAX_BUTTONS = 2;
// Chrome cuts long text anyway; a bounded string keeps a bad contact record from filling the screen.
const MAX_TEXT = 200;

export type Translate = (key: string, substitutions?: string | string[]) => string;

/** The options `notifications.create` takes: plain text only, the browser renders no markup. */
export interface CallNotificationOptions {
  type: 'basic';
  iconUrl: string;
  title: string;
  message: string;
  contextMessage?: string;
  buttons?: { title: string }[];
  requireInteraction?: boolean;
}

/** What the worker keeps per notification (storage.session) to act on a click. */
export interface NotificationRecord {
  callId: string;
  /** The action each button opens, by button index. */
  actions: ActionKind[];
  options: CallNotificationOptions;
}

export interface NotifyApi {
  create(id: string, options: CallNotificationOptions): Promise<string>;
  iconUrl: string;
  /** False in Firefox, which has no buttons and no `requireInteraction`. */
  rich: boolean;
  t: Translate;
  remember(id: string, record: NotificationRecord): Promise<void>;
}

export function notificationId(call: Pick<StoredCall, 'id'>): string {
  return `${NOTIFICATION_PREFIX}${call.id}`;
}

/** The queue id a notification belongs to, or null for a notification that is not a call's. */
export function callIdOf(notificationId: string): string | null {
  return notificationId.startsWith(NOTIFICATION_PREFIX) && notificationId.length > NOTIFICATION_PREFIX.length
    ? notificationId.slice(NOTIFICATION_PREFIX.length)
    : null;
}

/** "Don't steal focus" opens the pop in the background: the notification is then the only sign. */
function shouldNotify(settings: Pick<Settings, 'notifications' | 'focusPolicy'>): boolean {
  return settings.notifications || settings.focusPolicy === 'keep';
}

// Most useful first. A known caller's card says who it is; then the usual reasons to call. An
// unknown caller can only be added or looked up.
const KNOWN_ORDER: readonly ActionKind[] = ['card', 'ticket', 'quote', 'search'];
const UNKNOWN_ORDER: readonly ActionKind[] = ['newContact', 'search'];

/**
 * The actions the buttons offer: the most useful ones other than the one the pop opened, and only
 * those whose template fills to a URL on the CRM for this call (never an unconfigured template).
 */
function buttonActions(call: StoredCall, settings: Pick<Settings, 'crm'>): ActionKind[] {
  const { crm } = settings;
  const templates = effectiveTemplates(crm);
  const values = templateValues(call);
  const order = call.contact ? KNOWN_ORDER : UNKNOWN_ORDER;
  return order
    .filter((action) => action !== call.action)
    .filter((action) => {
      const key = templateKeyFor(action, call.contact?.kind, templates);
      return buildUrl(templates[key], values, crm.origin).ok;
    })
    .slice(0, MAX_BUTTONS);
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT - 1)}…` : flat;
}

/** The notification for a popped call; `rich` adds the buttons and keeps it up under 'keep'. */
export function callNotification(
  call: StoredCall,
  settings: Pick<Settings, 'crm' | 'focusPolicy'>,
  t: Translate,
  opts: { iconUrl: string; rich: boolean; pendingKept?: boolean },
): { options: CallNotificationOptions; actions: ActionKind[] } {
  const number = clip(call.national ?? call.callerId);
  const contact = call.contact;
  const lines: string[] = [];
  if (contact) {
    if (contact.kind === 'person' && contact.company) lines.push(clip(contact.company));
    const best = call.candidates?.find((c) => c.id === contact.id) ?? call.candidates?.[0];
    if (best) lines.push(t('notifMatchedBy', t(`match_${best.reason}`)));
    const others = (call.candidates?.length ?? 1) - 1;
    if (others > 0) lines.push(t('notifOtherMatches', String(others)));
  } else lines.push(t('notifNoMatch'));
  // The reuse policy would have replaced the pop tab, but it held unsaved work: say why a new tab.
  if (opts.pendingKept) lines.push(t('notifPendingKept'));
  const options: CallNotificationOptions = {
    type: 'basic',
    iconUrl: opts.iconUrl,
    title: contact ? clip(contact.name) || number : number,
    message: lines.join('\n'),
  };
  if (contact) options.contextMessage = number;
  const actions = opts.rich ? buttonActions(call, settings) : [];
  if (actions.length) options.buttons = actions.map((a) => ({ title: t(`notifAction_${a}`) }));
  // In the background the pop is easy to miss: keep the notification until the agent acts on it.
  if (opts.rich && settings.focusPolicy === 'keep') options.requireInteraction = true;
  return { options, actions };
}

/** Shows the call's notification when the settings ask for one; a refused rich form retries plain. */
export async function showCallNotification(
  api: NotifyApi,
  call: StoredCall,
  settings: Pick<Settings, 'crm' | 'focusPolicy' | 'notifications'>,
  opened?: OpenedTab,
): Promise<boolean> {
  const pendingKept = Boolean(opened?.pendingKept);
  // A new tab where the agent expected the pop tab reused is explained even with notifications off.
  if (!shouldNotify(settings) && !pendingKept) return false;
  const id = notificationId(call);
  let built = callNotification(call, settings, api.t, { iconUrl: api.iconUrl, rich: api.rich, pendingKept });
  try {
    await api.create(id, built.options);
  } catch (err) {
    // A browser without buttons (Firefox) rejects the options outright; the basic form still shows.
    if (!api.rich) throw err;
    built = callNotification(call, settings, api.t, { iconUrl: api.iconUrl, rich: false, pendingKept });
    await api.create(id, built.options);
  }
  await api.remember(id, { callId: call.id, actions: built.actions, options: built.options });
  return true;
}

/** The part of `storage.session` the records need. */
export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

const RECORD_PREFIX = 'notification:';

/** Records kept in `storage.session`: they outlive a worker restart, not the browser. */
export function notificationRecords(area: SessionArea) {
  return {
    remember: (id: string, record: NotificationRecord) => area.set({ [RECORD_PREFIX + id]: record }),
    recall: async (id: string) =>
      (await area.get(RECORD_PREFIX + id))[RECORD_PREFIX + id] as NotificationRecord | undefined,
    forget: (id: string) => area.remove(RECORD_PREFIX + id),
  };
}

export interface ClickDeps {
  clear(id: string): Promise<void>;
  recall(id: string): Promise<NotificationRecord | undefined>;
  forget(id: string): Promise<void>;
  /** Brings the call back in front: its pop tab if still open, else its action opened again. */
  resume(callId: string): Promise<unknown>;
  /** Opens another action for the call and records it in the queue. */
  openAction(callId: string, action: ActionKind): Promise<unknown>;
}

/** A click on the notification (no `button`) or on one of its buttons. */
export async function notificationClicked(deps: ClickDeps, id: string, button?: number): Promise<void> {
  const callId = callIdOf(id);
  if (!callId) return;
  const record = button === undefined ? undefined : await deps.recall(id);
  await deps.clear(id);
  await deps.forget(id);
  const action = button === undefined ? undefined : record?.actions[button];
  if (action) await deps.openAction(callId, action);
  // A button whose record was lost (the browser restarted) still brings the call back.
  else await deps.resume(callId);
}

export interface PopTabApi {
  lastActionTab(): Promise<ActionTab | undefined>;
  /** Rejects when the tab is gone. */
  getTab(tabId: number): Promise<{ url?: string; windowId?: number }>;
  /** Activates the tab and focuses its window. */
  show(tabId: number, windowId?: number): Promise<void>;
}

/**
 * Brings the call's pop tab to the front when it is still open on the CRM (opened in the background
 * under 'keep', or behind other tabs since): opening the action again would duplicate it, or reload
 * it over what the agent typed. False when there is no such tab.
 */
export async function showPopTab(api: PopTabApi, callId: string, crmOrigin: string): Promise<boolean> {
  const last = await api.lastActionTab();
  if (!last || last.callId !== callId) return false;
  try {
    const tab = await api.getTab(last.tabId);
    if (!tab.url || originOf(tab.url) !== crmOrigin) return false;
    await api.show(last.tabId, tab.windowId ?? last.windowId);
    return true;
  } catch {
    return false;
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
