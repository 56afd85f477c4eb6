// The MV3 service worker's entry: every listener is registered synchronously at top level, so a
// worker woken by an alarm or a message has them before the first event is dispatched. What each
// message does is in handlers.ts; this file wires the worker's state together.
import type { ActionKind } from '../shared/actions.ts';
import type { SyncStatus } from '../shared/messages.ts';
import browser from '../shared/platform/browser.ts';
import { relayBase, type Settings, streamUrl } from '../shared/settings.ts';
import { openUrl } from './browserTabs.ts';
import { getCall, pruneCalls, putCall } from './callQueue.ts';
import { RelayConnection } from './connection.ts';
import { type Db, openDb, type StoredCall } from './db.ts';
import { traceEvent } from './eventTrace.ts';
import { refreshUnloadMarker } from './guardBrowser.ts';
import { createHandlers } from './handlers.ts';
import { liveLookup } from './lookup.ts';
import { cachedManaged, loadEffectiveSettings, refreshManaged } from './managedSettings.ts';
import { dispatch, isOwnPage } from './messenger.ts';
import { forgetNotification, notifyCall, onNotificationClick } from './notifyBrowser.ts';
import { applyEvent, openAction, type PopDeps } from './popCall.ts';
import { bumpQueue, publishStatus, updateBadge } from './queueSignals.ts';
import { SETTINGS_KEY } from './settingsStore.ts';
import { lastSyncStatus, recordSyncError, syncContacts } from './sync.ts';

const KEEPALIVE_ALARM = 'keepalive';
const SYNC_ALARM = 'contacts-sync';
const CURSOR_KEY = 'cursor';

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
const clicks = {
  crmOrigin: async () => (await boot()).settings.crm.origin,
  openCallAction,
};
browser.notifications.onClicked.addListener((id) => void onNotificationClick(clicks, id));
// Firefox shows no buttons (and may lack the event).
browser.notifications.onButtonClicked?.addListener(
  (id, index) => void onNotificationClick(clicks, id, index),
);
browser.notifications.onClosed.addListener((id, byUser) => {
  if (byUser) void forgetNotification(id);
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

function popDeps(db: Db, settings: Settings, connection: RelayConnection | null): PopDeps {
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

const handlers = createHandlers({ boot, applyManaged, popDeps, runSync });
