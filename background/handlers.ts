// The answers to the extension pages' typed messages (shared/messages.ts). Everything they touch
// comes in as `HandlerDeps` (the worker's state, storage, fetch, tabs and the popup's signals), so
// each handler is unit-tested without a browser; worker.ts passes the real ones.
import type { ConnectionStatus, PendingWork, SyncStatus } from '../shared/messages.ts';
import { applyChanges, relayBase, type Settings } from '../shared/settings.ts';
import { clearHandled, getCall, listCalls, markHandled, putCall } from './callQueue.ts';
import type { Db } from './db.ts';
import { runTestCall } from './diagnostics.ts';
import { listTraces } from './eventTrace.ts';
import { loadEffectiveSettings, saveUnderPolicy } from './managedSettings.ts';
import type { Handlers } from './messenger.ts';
import { dismissResync, failedEvents, listNotes, resyncNotice, withFailed } from './notes.ts';
import { openAction, type PopDeps, pickCandidate } from './popCall.ts';
import type { StorageAreaLike } from './settingsStore.ts';
import { lastSyncStatus } from './sync.ts';
import type { ActionTab } from './tabs.ts';

/** What a booted worker holds. */
export interface WorkerState {
  db: Db;
  settings: Settings;
  connection: { readonly current: ConnectionStatus } | null;
}

export interface HandlerDeps {
  boot(): Promise<WorkerState>;
  /** Reads the enterprise policy afresh (restarting the worker when it changed). */
  applyManaged(): Promise<Record<string, unknown>>;
  popDeps(state: WorkerState): PopDeps;
  runSync(): Promise<SyncStatus>;
  /** storage.local: settings, and the connection's notes. */
  local: StorageAreaLike;
  fetch: typeof fetch;
  tabs: {
    lastActionTab(): Promise<ActionTab | undefined>;
    focusTab(tabId: number): Promise<boolean>;
    pendingWork(tab: ActionTab | undefined, crmOrigin: string): Promise<PendingWork | null>;
  };
  signals: {
    bumpQueue(): Promise<void>;
    updateBadge(db: Db, user: string | undefined): Promise<void>;
  };
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { local, tabs, signals } = deps;
  /** Resume and pick: the pending-work guard asks first unless the agent said "open anyway". */
  const guarded = async (force: boolean | undefined, crmOrigin: string) =>
    force ? null : tabs.pendingWork(await tabs.lastActionTab(), crmOrigin);
  // One settings write at a time: a Save must read the settings another write just stored.
  let writes: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = writes.then(job, job);
    writes = run.catch(() => undefined);
    return run;
  };

  return {
    'settings.get': async () => loadEffectiveSettings(local, await deps.applyManaged()),
    // Locked fields keep the policy's values whatever the page sent (the sync interval, which the
    // main form does not carry, keeps the stored one).
    'settings.save': async ({ settings }) =>
      serial(async () => saveUnderPolicy(local, settings, await deps.applyManaged())),
    'settings.update': async ({ changes }) =>
      serial(async () => {
        const policy = await deps.applyManaged();
        const { settings: current } = await loadEffectiveSettings(local, policy);
        const { settings, rejected } = applyChanges(current, Array.isArray(changes) ? changes : []);
        if (rejected.length)
          return {
            ok: false,
            errors: rejected.map((field) => ({ field, code: 'errUnknownField' as const })),
          };
        return saveUnderPolicy(local, settings, policy);
      }),
    'calls.list': async () => {
      const { db, settings } = await deps.boot();
      const [calls, failed] = await Promise.all([
        listCalls(db, settings.queue.maxCalls),
        failedEvents(local),
      ]);
      return { calls: failed.length ? withFailed(calls, failed) : calls };
    },
    'calls.resume': async ({ id, force }) => {
      const state = await deps.boot();
      const { db, settings } = state;
      const call = await getCall(db, id);
      if (!call) return { ok: false, error: 'errCallNotFound' };
      const pending = await guarded(force, settings.crm.origin);
      if (pending) return { ok: false, pending };
      const result = await openAction(deps.popDeps(state), call);
      await putCall(db, call);
      await signals.bumpQueue();
      return { ...result, url: call.url };
    },
    'calls.pick': async ({ id, contactId, force }) => {
      const state = await deps.boot();
      const { db, settings } = state;
      const call = await getCall(db, id);
      if (!call) return { ok: false, error: 'errCallNotFound' };
      const pending = await guarded(force, settings.crm.origin);
      if (pending) return { ok: false, pending };
      const result = await pickCandidate(deps.popDeps(state), call, contactId);
      await putCall(db, call);
      await signals.bumpQueue();
      return { ...result, url: call.url };
    },
    'calls.goToPending': async ({ tabId }) => ({ ok: await tabs.focusTab(tabId) }),
    'calls.markHandled': async ({ ids, handled }) => {
      const { db, connection } = await deps.boot();
      await markHandled(db, ids, handled);
      await signals.bumpQueue();
      await signals.updateBadge(db, connection?.current.user);
      return { ok: true };
    },
    'calls.clearHandled': async () => {
      const { db } = await deps.boot();
      const removed = await clearHandled(db);
      await signals.bumpQueue();
      return { removed };
    },
    'status.get': async () => {
      const { db, connection } = await deps.boot();
      const [sync, notice] = await Promise.all([lastSyncStatus(db), resyncNotice(local)]);
      return {
        connection: connection?.current ?? { state: 'unconfigured' },
        sync,
        ...(notice ? { notice } : {}),
      };
    },
    'notice.dismiss': async () => {
      await dismissResync(local);
      return { ok: true };
    },
    'contacts.sync': async () => deps.runSync(),
    'diagnostics.testCall': async () => {
      const { db, settings } = await deps.boot();
      return runTestCall({
        db,
        fetch: deps.fetch,
        relayBase: relayBase(settings.relayUrl),
        token: settings.agentToken,
      });
    },
    'calls.journal': async ({ callIds }) => {
      const { settings } = await deps.boot();
      const base = relayBase(settings.relayUrl);
      const ids = [...new Set(callIds)].slice(0, 100);
      if (!base || !settings.agentToken || !ids.length) return { calls: {} };
      const query = ids.map((id) => `callId=${encodeURIComponent(id)}`).join('&');
      try {
        const res = await deps.fetch(`${base}/v1/journal/status?${query}`, {
          headers: { authorization: `Bearer ${settings.agentToken}` },
        });
        // A relay without the journal (older, or 404) simply logs nothing: no row says anything.
        if (!res.ok) return { calls: {} };
        const body = (await res.json()) as {
          calls?: Record<string, { state: 'pending' | 'written' | 'dead'; reason?: string }>;
        };
        return { calls: body.calls ?? {} };
      } catch {
        return { calls: {} };
      }
    },
    'diagnostics.events': async () => {
      const { db } = await deps.boot();
      const [events, notes] = await Promise.all([listTraces(db), listNotes(local)]);
      return { events, notes };
    },
  };
}
