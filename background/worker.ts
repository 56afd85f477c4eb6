// The service worker, wired: `createWorker` takes every browser-facing piece as `WorkerDeps` and
// registers the listeners synchronously, so a worker woken by an alarm or a message has them
// before the first event is dispatched. What happens to a call is popCall.ts; what each message
// does is handlers.ts; the link to the relay is connection.ts.
import type { ActionKind } from '../shared/actions.ts';
import type { CallEvent } from '../shared/callEvent.ts';
import type { ConnectionStatus, PendingWork, SyncStatus } from '../shared/messages.ts';
import { TRANSPORT_KINDS } from '../shared/messages.ts';
import { relayBase, type Settings, streamUrl } from '../shared/settings.ts';
import { getCall, pruneCalls, putCall } from './callQueue.ts';
import { RelayConnection } from './connection.ts';
import type { Db, StoredCall } from './db.ts';
import { errorMessage, traceEvent } from './eventTrace.ts';
import { createHandlers, type WorkerState } from './handlers.ts';
import { liveLookup } from './lookup.ts';
import {
  cachedManaged,
  loadEffectiveSettings,
  type ManagedAreaLike,
  refreshManaged,
} from './managedSettings.ts';
import { dispatch, isOwnPage } from './messenger.ts';
import { addNote, noteResync, recordFailedEvent } from './notes.ts';
import type { ClickContext } from './notifyBrowser.ts';
import { applyEvent, openAction, type PopDeps } from './popCall.ts';
import { SETTINGS_KEY, type StorageAreaLike } from './settingsStore.ts';
import { lastSyncStatus, recordSyncError, syncContacts } from './sync.ts';
import type { ActionTab, OpenedTab } from './tabs.ts';
import { longPollTransport, type SocketLike, sseTransport, webSocketTransport } from './transports.ts';

interface Listenable<A extends unknown[]> {
  addListener(fn: (...args: A) => unknown): void;
}

/** The browser as the worker uses it (webextension-polyfill's `browser` satisfies it). */
export interface WorkerBrowser {
  runtime: {
    id: string;
    getURL(path: string): string;
    openOptionsPage(): Promise<void>;
    onInstalled: Listenable<[{ reason: string }]>;
    onStartup: Listenable<[]>;
    onMessage: Listenable<[unknown, { id?: string; url?: string }]>;
  };
  permissions: { onAdded: Listenable<[unknown]>; onRemoved: Listenable<[unknown]> };
  alarms: {
    get(name: string): Promise<{ periodInMinutes?: number } | undefined>;
    create(name: string, info: { periodInMinutes: number }): void | Promise<void>;
    onAlarm: Listenable<[{ name: string }]>;
  };
  storage: {
    local: StorageAreaLike;
    session: StorageAreaLike;
    managed?: ManagedAreaLike;
    onChanged: Listenable<[Record<string, unknown>, string]>;
  };
  notifications: {
    onClicked: Listenable<[string]>;
    onButtonClicked?: Listenable<[string, number]>;
    onClosed: Listenable<[string, boolean]>;
  };
}

export interface WorkerDeps {
  browser: WorkerBrowser;
  openDb(): Promise<Db>;
  fetch: typeof fetch;
  openSocket(url: string): SocketLike;
  tabs: {
    /** Opens by the tab and focus policy; `pendingKept` when the reused tab held unsaved work. */
    openUrl(settings: Settings, url: string, call: StoredCall): Promise<OpenedTab>;
    lastActionTab(): Promise<ActionTab | undefined>;
    focusTab(tabId: number): Promise<boolean>;
    pendingWork(tab: ActionTab | undefined, crmOrigin: string): Promise<PendingWork | null>;
    refreshUnloadMarker(crmOrigin: string): Promise<unknown>;
  };
  notifications: {
    notifyCall(settings: Settings, call: StoredCall, opened?: OpenedTab): Promise<void>;
    onClick(ctx: ClickContext, id: string, button?: number): Promise<void>;
    forget(id: string): Promise<void>;
  };
  signals: {
    publishStatus(status: ConnectionStatus): void;
    bumpQueue(): Promise<void>;
    updateBadge(db: Db, user: string | undefined): Promise<void>;
  };
  log?: Pick<Console, 'info' | 'warn'>;
  now?: () => Date;
  /** The keep-alive alarm's period (minutes): it reconnects a background the browser stopped. */
  keepAliveMinutes?: number;
}

const KEEPALIVE_ALARM = 'keepalive';
const SYNC_ALARM = 'contacts-sync';
const CURSOR_KEY = 'cursor';
/** storage.session: the transport last in use, so a restarted worker does not fail its way down again. */
const TRANSPORT_KEY = 'transport';

interface Booted extends WorkerState {
  connection: RelayConnection | null;
}

export function createWorker(deps: WorkerDeps) {
  const { browser, signals } = deps;
  const log = deps.log ?? console;
  const now = deps.now ?? (() => new Date());
  // Per-worker-instance state: rebuilt by `boot()` every time the worker starts.
  let booted: Promise<Booted> | null = null;
  let syncing: Promise<SyncStatus> | null = null;
  /** The relay said the feed moved while a sync ran: that sync may have read before the change. */
  let syncWanted = false;

  /** The worker's state; a boot that failed (IndexedDB, storage) is tried again by the next call. */
  function boot(): Promise<Booted> {
    if (booted) return booted;
    const attempt = start();
    booted = attempt;
    attempt.catch((err: unknown) => {
      if (booted === attempt) booted = null;
      log.warn('ScreenPop: start-up failed; the next event tries again', err);
    });
    return attempt;
  }

  async function start(): Promise<Booted> {
    const db = await deps.openDb();
    const policy = await cachedManaged(browser.storage.session);
    const { settings, errors, policyErrors } = await loadEffectiveSettings(browser.storage.local, policy);
    if (errors.length) log.warn('ScreenPop: stored settings had bad fields, defaults used', errors);
    if (policyErrors.length) log.warn('ScreenPop: policy values ignored', policyErrors);
    await ensureAlarms(settings);
    void deps.tabs.refreshUnloadMarker(settings.crm.origin);
    const connection = await connect(db, settings);
    if (connection) void runSync();
    return { db, settings, connection };
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
    (await previous?.catch(() => null))?.connection?.stop();
    await boot();
  }

  async function ensureAlarms(settings: Settings): Promise<void> {
    // It revives a worker the browser stopped (30 s is the shortest period Chrome allows), and
    // wakes a Firefox event page the browser unloaded although its socket was open.
    const keepAlive = deps.keepAliveMinutes ?? 0.5;
    if ((await browser.alarms.get(KEEPALIVE_ALARM))?.periodInMinutes !== keepAlive)
      await browser.alarms.create(KEEPALIVE_ALARM, { periodInMinutes: keepAlive });
    // Re-created only when the admin changed the interval, so a restart does not postpone it.
    const sync = await browser.alarms.get(SYNC_ALARM);
    const minutes = settings.contactSyncMinutes;
    if (sync?.periodInMinutes !== minutes)
      await browser.alarms.create(SYNC_ALARM, { periodInMinutes: minutes });
  }

  async function connect(db: Db, settings: Settings): Promise<RelayConnection | null> {
    const url = streamUrl(settings.relayUrl);
    const base = relayBase(settings.relayUrl);
    const token = settings.agentToken;
    if (!url || !base || !token) {
      signals.publishStatus({ state: 'unconfigured' });
      return null;
    }
    const { local, session } = browser.storage;
    // The cursor belongs to one relay and token; another pair starts from that relay's "now".
    const cursorOwner = `${url} ${token}`;
    const readCursor = async () => {
      const { [CURSOR_KEY]: stored } = await local.get(CURSOR_KEY);
      const c = stored as { owner: string; cursor: string; at?: string } | undefined;
      return c?.owner === cursorOwner ? c : undefined;
    };
    const { [TRANSPORT_KEY]: lastKind } = await session.get(TRANSPORT_KEY);
    const connection: RelayConnection = new RelayConnection({
      transports: [
        webSocketTransport(url, token, deps.openSocket),
        sseTransport(base, token, deps.fetch),
        longPollTransport(base, token, deps.fetch),
      ],
      initialTransport: TRANSPORT_KINDS.find((k) => k === lastKind),
      probeSocket: () => deps.openSocket(url),
      loadCursor: async () => (await readCursor())?.cursor ?? '',
      saveCursor: async (cursor, at) => {
        // The time of the last event handled is the start of any gap a resync reports.
        const kept = at ?? (await readCursor())?.at;
        await local.set({ [CURSOR_KEY]: { owner: cursorOwner, cursor, ...(kept ? { at: kept } : {}) } });
      },
      onEvent: (event) => handleEvent(db, settings, connection, event),
      onEventFailed: async (event, error) => {
        await recordFailedEvent(local, event, error, now());
        await signals.bumpQueue();
      },
      onContactsMoved: () => void syncAgain(),
      onResync: () =>
        void readCursor()
          .then((c) => noteResync(local, c?.at, now()))
          .then(() => signals.bumpQueue())
          .catch((err: unknown) => log.warn('ScreenPop: resync notice not stored', err)),
      onTransport: (kind, reason) => {
        void session.set({ [TRANSPORT_KEY]: kind });
        void addNote(local, { kind: 'transport', at: now().toISOString(), transport: kind, reason });
      },
      onStatus: signals.publishStatus,
      log: (msg, extra) => log.info(`ScreenPop: ${msg}`, extra ?? ''),
    });
    connection.ensure();
    return connection;
  }

  /** One relay event: applied and traced, then the queue's caps, the popup and the badge. */
  async function handleEvent(db: Db, settings: Settings, connection: RelayConnection, event: CallEvent) {
    // Timed for the options page's Diagnostics: received now, recorded once applied.
    const { outcome } = await traceEvent(db, event, (trace) =>
      applyEvent({ ...popDeps({ db, settings, connection }), trace }, event),
    );
    if (outcome === 'replayed') return;
    // Per event, so the admin's caps hold without a schedule; it only touches what it removes.
    await pruneCalls(db, settings.queue);
    await signals.bumpQueue();
    await signals.updateBadge(db, connection.current.user);
  }

  function popDeps({ db, settings, connection }: WorkerState): PopDeps {
    const base = relayBase(settings.relayUrl);
    return {
      db,
      settings,
      openUrl: (url, call) => deps.tabs.openUrl(settings, url, call),
      agentUser: connection?.current.user,
      notify: (call, opened) => deps.notifications.notifyCall(settings, call, opened),
      lookup: base
        ? (e164) =>
            liveLookup(
              {
                db,
                fetch: deps.fetch,
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
    const state = await boot();
    const call = await getCall(state.db, id);
    if (!call) return;
    if (action) call.action = action;
    await openAction(popDeps({ ...state, settings: { ...state.settings, focusPolicy: 'focus' } }), call);
    await putCall(state.db, call);
    await signals.bumpQueue();
  }

  /** Syncs now, or once more right after a sync that is running (it may have missed the move). */
  async function syncAgain(): Promise<void> {
    if (syncing) {
      syncWanted = true;
      return;
    }
    await runSync();
  }

  function runSync(): Promise<SyncStatus> {
    syncing ??= (async () => {
      try {
        const { db, settings } = await boot();
        const base = relayBase(settings.relayUrl);
        if (!base || !settings.agentToken) return await lastSyncStatus(db);
        try {
          return await syncContacts({
            db,
            fetch: deps.fetch,
            relayBase: base,
            token: settings.agentToken,
            region: settings.defaultRegion,
          });
        } catch (err) {
          return await recordSyncError(db, errorMessage(err));
        }
      } finally {
        syncing = null;
        if (syncWanted) {
          syncWanted = false;
          void runSync();
        }
      }
    })();
    return syncing;
  }

  const handlers = createHandlers({
    boot,
    applyManaged,
    popDeps,
    runSync,
    local: browser.storage.local,
    fetch: deps.fetch,
    tabs: deps.tabs,
    signals,
  });
  const clicks: ClickContext = {
    crmOrigin: async () => (await boot()).settings.crm.origin,
    openCallAction,
  };

  // Every listener now, synchronously (see the file comment).
  browser.runtime.onInstalled.addListener(({ reason }) => {
    void boot();
    // A fresh install has nothing to connect to yet: show the admin where to set it up.
    if (reason === 'install') void browser.runtime.openOptionsPage();
  });
  browser.runtime.onStartup.addListener(() => void boot());
  // Host access to the CRM is granted (or taken back) at run time, from the options page.
  const onGrantChange = () => void boot().then((s) => deps.tabs.refreshUnloadMarker(s.settings.crm.origin));
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
  browser.runtime.onMessage.addListener((message, sender) => {
    if (!isOwnPage(sender, browser.runtime.id, browser.runtime.getURL(''))) return undefined;
    return dispatch(handlers, message);
  });
  browser.notifications.onClicked.addListener((id) => void deps.notifications.onClick(clicks, id));
  // Firefox shows no buttons (and may lack the event).
  browser.notifications.onButtonClicked?.addListener(
    (id, index) => void deps.notifications.onClick(clicks, id, index),
  );
  browser.notifications.onClosed.addListener((id, byUser) => {
    if (byUser) void deps.notifications.forget(id);
  });

  return {
    boot,
    restart,
    runSync,
    handlers,
    /** Starts the worker: boots, and reads the policy without waiting on it. */
    start(): void {
      void boot().catch(() => undefined);
      // Not awaited by boot: Chrome answers the first policy read only seconds after a browser start.
      void applyManaged();
    },
  };
}
