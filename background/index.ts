// The MV3 service worker's entry: every listener is registered synchronously at top level, so a
// worker woken by an alarm or a message has them before the first event is dispatched.

import type { ActionKind } from '../shared/actions.ts';
import browser from '../shared/browser.ts';
import { isBusy, missedCount } from '../shared/busy.ts';
import type { ConnectionStatus, SyncStatus } from '../shared/messages.ts';
import { t } from '../shared/rpc.ts';
import { defaults, QUEUE_MAX_CALLS, relayBase, type Settings, streamUrl } from '../shared/settings.ts';
import { clearHandled, getCall, listCalls, markHandled, pruneCalls, putCall } from './callQueue.ts';
import { RelayConnection } from './connection.ts';
import { type Db, openDb, type StoredCall } from './db.ts';
import { runTestCall } from './diagnostics.ts';
import { listTraces, traceEvent } from './eventTrace.ts';
import { pendingWork, refreshUnloadMarker } from './guardBrowser.ts';
import { liveLookup } from './lookup.ts';
import { cachedManaged, loadEffectiveSettings, refreshManaged, saveUnderPolicy } from './managedSettings.ts';
import { dispatch, type Handlers, isOwnPage } from './messenger.ts';
import {
  type NotifyApi,
  notificationClicked,
  notificationRecords,
  showCallNotification,
  showPopTab,
} from './notify.ts';
import { applyEvent, openAction, pickCandidate } from './popCall.ts';
import { SETTINGS_KEY } from './settingsStore.ts';
import { lastSyncStatus, recordSyncError, syncContacts } from './sync.ts';
import { type ActionTab, openTab, type TabApi } from './tabs.ts';

const KEEPALIVE_ALARM = 'keepalive';
const SYNC_ALARM = 'contacts-sync';
const CURSOR_KEY = 'cursor';
/** storage.session: the tab the last action opened (tab reuse, pending-work guard). */
const ACTION_TAB_KEY = 'actionTab';

// Per-worker-instance state: rebuilt by `boot()` every time the worker starts.
let booted: Promise<{ db: Db; settings: Settings; connection: RelayConnection | null }> | null = null;
let syncing: Promise<SyncStatus> | null = null;

browser.runtime.onInstalled.addListener(({ reason }) => {
  void boot();
  // A fresh install has nothing to connect to yet: show the admin where to set it up.
  if (reason === 'install') void browser.runtime.openOptionsPage();
});
browser.runtime.onStartup.addListener(() => void boot());
// Host access to the CRM is granted (or taken back) at run time, from the options page.
const onGrantChange = () => void boot().then((s) => refreshUnloadMarker(s.settings.crm.origin));
browser.permissions.onAdded.addListener(onGrantChange);
browser.permissions.onRemoved.addListener(onGrantChange);
browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === SYNC_ALARM) void runSync();
  else void boot().then((s) => s.connection?.ensure());
});
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && SETTINGS_KEY in changes) void restart();
  // The browser re-read the enterprise policy (start-up, or the admin changed it).
  if (area === 'managed') void applyManaged();
});
browser.runtime.onMessage.addListener((message: unknown, sender: { id?: string; url?: string }) => {
  if (!isOwnPage(sender, browser.runtime.id, browser.runtime.getURL(''))) return undefined;
  return dispatch(handlers, message);
});
browser.notifications.onClicked.addListener((id) => void onNotificationClick(id));
// Firefox shows no buttons (and may lack the event).
browser.notifications.onButtonClicked?.addListener((id, index) => void onNotificationClick(id, index));
browser.notifications.onClosed.addListener((id, byUser) => {
  if (byUser) void notificationRecords(browser.storage.session).forget(id);
});

void boot();
// Not awaited by boot: Chrome answers the first policy read only seconds after a browser start.
void applyManaged();

function boot() {
  booted ??= (async () => {
    const db = await openDb();
    const policy = await cachedManaged(browser.storage.session);
    const { settings, errors, policyErrors } = await loadEffectiveSettings(browser.storage.local, policy);
    if (errors.length) console.warn('ScreenPop: stored settings had bad fields, defaults used', errors);
    if (policyErrors.length) console.warn('ScreenPop: policy values ignored', policyErrors);
    await ensureAlarms(settings);
    void refreshUnloadMarker(settings.crm.origin);
    const connection = connect(db, settings);
    if (connection) void runSync();
    return { db, settings, connection };
  })();
  return booted;
}

/** Reads the policy afresh; one that differs from what the worker booted with restarts it. */
async function applyManaged(): Promise<Record<string, unknown>> {
  const { policy, changed } = await refreshManaged(browser.storage.managed, browser.storage.session);
  if (changed) void restart();
  return policy;
}

async function restart(): Promise<void> {
  const previous = booted;
  booted = null;
  (await previous)?.connection?.stop();
  await boot();
}

async function ensureAlarms(settings: Settings): Promise<void> {
  // 30 s is the shortest period Chrome allows; it revives a worker the browser stopped.
  if (!(await browser.alarms.get(KEEPALIVE_ALARM)))
    browser.alarms.create(KEEPALIVE_ALARM, { periodInMinutes: 0.5 });
  // Re-created only when the admin changed the interval, so a restart does not postpone it.
  const sync = await browser.alarms.get(SYNC_ALARM);
  const minutes = settings.contactSyncMinutes;
  if (sync?.periodInMinutes !== minutes) browser.alarms.create(SYNC_ALARM, { periodInMinutes: minutes });
}

function connect(db: Db, settings: Settings): RelayConnection | null {
  const url = streamUrl(settings.relayUrl);
  if (!url || !settings.agentToken) {
    publishStatus({ state: 'unconfigured' });
    return null;
  }
  // The cursor belongs to one relay and token; another pair starts from that relay's "now".
  const cursorOwner = `${url} ${settings.agentToken}`;
  const connection = new RelayConnection({
    url,
    token: settings.agentToken,
    openSocket: (u) => new WebSocket(u),
    loadCursor: async () => {
      const { [CURSOR_KEY]: stored } = await browser.storage.local.get(CURSOR_KEY);
      const c = stored as { owner: string; cursor: string } | undefined;
      return c?.owner === cursorOwner ? c.cursor : '';
    },
    saveCursor: (cursor) => browser.storage.local.set({ [CURSOR_KEY]: { owner: cursorOwner, cursor } }),
    onEvent: async (event) => {
      // Timed for the options page's Diagnostics: received now, recorded once applied.
      const outcome = await traceEvent(db, event, (trace) =>
        applyEvent({ ...popDeps(db, settings, connection), trace }, event),
      );
      if (outcome === 'replayed') return;
      // Per event, so the admin's caps hold without a schedule; it only touches what it removes.
      await pruneCalls(db, settings.queue);
      await bumpQueue();
      await updateBadge(db, connection.current.user);
    },
    onStatus: publishStatus,
    log: (msg, extra) => console.info(`ScreenPop: ${msg}`, extra ?? ''),
  });
  connection.ensure();
  return connection;
}

function popDeps(db: Db, settings: Settings, connection: RelayConnection | null) {
  const base = relayBase(settings.relayUrl);
  return {
    db,
    settings,
    openUrl: (url: string, call: StoredCall) => openUrl(settings, url, call),
    agentUser: connection?.current.user,
    notify: (call: StoredCall) => notifyCall(settings, call),
    lookup: base
      ? (e164: string) =>
          liveLookup(
            {
              db,
              fetch: (input, init) => fetch(input, init),
              relayBase: base,
              token: settings.agentToken,
              region: settings.defaultRegion,
            },
            e164,
          )
      : undefined,
  };
}

const tabApi: TabApi = {
  create: (props) => browser.tabs.create(props),
  update: (tabId, props) => browser.tabs.update(tabId, props),
  get: (tabId) => browser.tabs.get(tabId),
  createWindow: (props) => browser.windows.create(props),
  focusWindow: async (windowId) => {
    await browser.windows.update(windowId, { focused: true });
  },
};

export async function lastActionTab(): Promise<ActionTab | undefined> {
  const { [ACTION_TAB_KEY]: tab } = await browser.storage.session.get(ACTION_TAB_KEY);
  return tab as ActionTab | undefined;
}

async function openUrl(settings: Settings, url: string, call: StoredCall): Promise<void> {
  const previous = await lastActionTab();
  const opened = await openTab(tabApi, url, { ...settings, previous });
  if (opened.tabId === undefined) return;
  const tab: ActionTab = {
    tabId: opened.tabId,
    windowId: opened.windowId,
    url,
    callId: call.callId,
    at: new Date().toISOString(),
  };
  await browser.storage.session.set({ [ACTION_TAB_KEY]: tab });
}

async function notifyCall(settings: Settings, call: StoredCall): Promise<void> {
  const api: NotifyApi = {
    create: (id, options) => browser.notifications.create(id, options),
    // Chrome creates nothing without an icon.
    iconUrl: browser.runtime.getURL('icons/icon128.png'),
    // Only Firefox has getBrowserInfo, and it has no buttons or requireInteraction.
    rich: !('getBrowserInfo' in browser.runtime),
    t,
    remember: notificationRecords(browser.storage.session).remember,
  };
  await showCallNotification(api, call, settings);
}

/** A click on a call's notification (or one of its buttons): the agent's explicit choice. */
async function onNotificationClick(id: string, button?: number): Promise<void> {
  const records = notificationRecords(browser.storage.session);
  await notificationClicked(
    {
      ...records,
      clear: async (nid) => void (await browser.notifications.clear(nid)),
      resume: async (callId) => {
        const { settings } = await boot();
        const popTab = {
          lastActionTab,
          getTab: (tabId: number) => browser.tabs.get(tabId),
          show: async (tabId: number, windowId?: number) => {
            await tabApi.update(tabId, { active: true });
            if (windowId !== undefined) await tabApi.focusWindow(windowId);
          },
        };
        if (!(await showPopTab(popTab, callId, settings.crm.origin))) await openCallAction(callId);
      },
      openAction: openCallAction,
    },
    id,
    button,
  );
}

/**
 * Opens a call's action (or `action` instead) and records it in the queue, in front whatever the
 * focus policy: only an explicit click calls this, so the pending-work guard does not ask again.
 */
async function openCallAction(id: string, action?: ActionKind): Promise<void> {
  const { db, settings, connection } = await boot();
  const call = await getCall(db, id);
  if (!call) return;
  if (action) call.action = action;
  await openAction(popDeps(db, { ...settings, focusPolicy: 'focus' }, connection), call);
  await putCall(db, call);
  await bumpQueue();
}

function publishStatus(status: ConnectionStatus): void {
  void browser.storage.session.set({ connection: status });
}

/** Red while the agent is on a call; the number of missed calls in the queue. */
async function updateBadge(db: Db, user: string | undefined): Promise<void> {
  // The whole queue (pruning keeps it within the caps): a missed call further down still counts.
  const calls = await listCalls(db, QUEUE_MAX_CALLS.max);
  const missed = missedCount(calls);
  const busy = isBusy(calls, user);
  await Promise.all([
    browser.action.setBadgeBackgroundColor({ color: busy ? '#cf222e' : '#57606a' }),
    // An empty badge is not drawn at all: while busy it shows a dot so the red is visible.
    browser.action.setBadgeText({ text: missed ? String(missed) : busy ? '●' : '' }),
  ]);
}

async function bumpQueue(): Promise<void> {
  await browser.storage.session.set({ queueRev: Date.now() });
}

function runSync(): Promise<SyncStatus> {
  syncing ??= (async () => {
    const { db, settings } = await boot();
    const base = relayBase(settings.relayUrl);
    try {
      if (!base || !settings.agentToken) return await lastSyncStatus(db);
      return await syncContacts({
        db,
        fetch: (input, init) => fetch(input, init),
        relayBase: base,
        token: settings.agentToken,
        region: settings.defaultRegion,
      });
    } catch (err) {
      return await recordSyncError(db, err instanceof Error ? err.message : String(err));
    } finally {
      syncing = null;
    }
  })();
  return syncing;
}

const handlers: Handlers = {
  'settings.get': async () => loadEffectiveSettings(browser.storage.local, await applyManaged()),
  // Locked fields keep the policy's values whatever the page sent (the sync interval, which the
  // main form does not carry, keeps the stored one).
  'settings.save': async ({ settings }) =>
    saveUnderPolicy(browser.storage.local, settings, await applyManaged()),
  'calls.list': async () => {
    const { db, settings } = await boot();
    return { calls: await listCalls(db, settings.queue.maxCalls) };
  },
  'calls.resume': async ({ id, force }) => {
    const { db, settings } = await boot();
    const call = await getCall(db, id);
    if (!call) return { ok: false, error: 'errCallNotFound' };
    const pending = force ? null : await pendingWork(await lastActionTab(), settings.crm.origin);
    if (pending) return { ok: false, pending };
    const result = await openAction(popDeps(db, settings, null), call);
    await putCall(db, call);
    await bumpQueue();
    return { ...result, url: call.url };
  },
  'calls.pick': async ({ id, contactId, force }) => {
    const { db, settings, connection } = await boot();
    const call = await getCall(db, id);
    if (!call) return { ok: false, error: 'errCallNotFound' };
    const pending = force ? null : await pendingWork(await lastActionTab(), settings.crm.origin);
    if (pending) return { ok: false, pending };
    const result = await pickCandidate(popDeps(db, settings, connection), call, contactId);
    await putCall(db, call);
    await bumpQueue();
    return { ...result, url: call.url };
  },
  'calls.goToPending': async ({ tabId }) => {
    try {
      const tab = await browser.tabs.update(tabId, { active: true });
      if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true });
      return { ok: true };
    } catch {
      return { ok: false };
    }
  },
  'calls.markHandled': async ({ ids, handled }) => {
    const { db, connection } = await boot();
    await markHandled(db, ids, handled);
    await bumpQueue();
    await updateBadge(db, connection?.current.user);
    return { ok: true };
  },
  'calls.clearHandled': async () => {
    const { db } = await boot();
    const removed = await clearHandled(db);
    await bumpQueue();
    return { removed };
  },
  'status.get': async () => {
    const { db, connection } = await boot();
    return {
      connection: connection?.current ?? { state: 'unconfigured' },
      sync: await lastSyncStatus(db),
    };
  },
  'contacts.sync': async () => runSync(),
  'diagnostics.testCall': async () => {
    const { db, settings } = await boot();
    return runTestCall({
      db,
      fetch: (input, init) => fetch(input, init),
      relayBase: relayBase(settings.relayUrl),
      token: settings.agentToken,
    });
  },
  'diagnostics.events': async () => ({ events: await listTraces((await boot()).db) }),
};
