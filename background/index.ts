// The MV3 service worker's entry: every listener is registered synchronously at top level, so a
// worker woken by an alarm or a message has them before the first event is dispatched.
import browser from '../shared/browser.ts';
import { isBusy, missedCount } from '../shared/busy.ts';
import type { ConnectionStatus, SyncStatus } from '../shared/messages.ts';
import { defaults, keepStoredSyncMinutes, relayBase, type Settings, streamUrl } from '../shared/settings.ts';
import { getCall, listCalls, putCall } from './callQueue.ts';
import { RelayConnection } from './connection.ts';
import { type Db, openDb } from './db.ts';
import { liveLookup } from './lookup.ts';
import { dispatch, type Handlers, isOwnPage } from './messenger.ts';
import { applyEvent, openAction, pickCandidate } from './popCall.ts';
import { loadSettings, SETTINGS_KEY, saveSettings } from './settingsStore.ts';
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
browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === SYNC_ALARM) void runSync();
  else void boot().then((s) => s.connection?.ensure());
});
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && SETTINGS_KEY in changes) void restart();
});
browser.runtime.onMessage.addListener((message: unknown, sender: { id?: string; url?: string }) => {
  if (!isOwnPage(sender, browser.runtime.id, browser.runtime.getURL(''))) return undefined;
  return dispatch(handlers, message);
});

void boot();

function boot() {
  booted ??= (async () => {
    const db = await openDb();
    const { settings, errors } = await loadSettings(browser.storage.local);
    if (errors.length) console.warn('ScreenPop: stored settings had bad fields, defaults used', errors);
    await ensureAlarms(settings);
    const connection = connect(db, settings);
    if (connection) void runSync();
    return { db, settings, connection };
  })();
  return booted;
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
      const outcome = await applyEvent(popDeps(db, settings, connection), event);
      if (outcome === 'replayed') return;
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
    openUrl,
    agentUser: connection?.current.user,
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

async function openUrl(url: string): Promise<void> {
  let tab: { windowId?: number };
  try {
    tab = await browser.tabs.create({ url, active: true });
  } catch {
    // No normal window is open (the agent closed the last one): a pop must still appear.
    await browser.windows.create({ url, focused: true });
    return;
  }
  if (tab.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true });
}

function publishStatus(status: ConnectionStatus): void {
  void browser.storage.session.set({ connection: status });
}

/** Red while the agent is on a call; the number of missed calls in the queue. */
async function updateBadge(db: Db, user: string | undefined): Promise<void> {
  const calls = await listCalls(db, 100);
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
  'settings.get': async () => loadSettings(browser.storage.local),
  'settings.save': async ({ settings }) =>
    saveSettings(
      browser.storage.local,
      keepStoredSyncMinutes(settings, (await loadSettings(browser.storage.local)).settings),
    ),
  'calls.list': async () => ({ calls: await listCalls((await boot()).db) }),
  'calls.resume': async ({ id }) => {
    const { db, settings } = await boot();
    const call = await getCall(db, id);
    if (!call) return { ok: false, error: 'errCallNotFound' };
    const result = await openAction({ db, settings, openUrl }, call);
    await putCall(db, call);
    await bumpQueue();
    return { ...result, url: call.url };
  },
  'calls.pick': async ({ id, contactId }) => {
    const { db, settings, connection } = await boot();
    const call = await getCall(db, id);
    if (!call) return { ok: false, error: 'errCallNotFound' };
    const result = await pickCandidate(popDeps(db, settings, connection), call, contactId);
    await putCall(db, call);
    await bumpQueue();
    return { ...result, url: call.url };
  },
  'status.get': async () => {
    const { db, connection } = await boot();
    return {
      connection: connection?.current ?? { state: 'unconfigured' },
      sync: await lastSyncStatus(db),
    };
  },
  'contacts.sync': async () => runSync(),
};
