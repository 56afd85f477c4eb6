// The answers to the extension pages' typed messages (shared/messages.ts). The worker's state comes
// in as `WorkerContext`, so this file holds what each message does and index.ts how it is wired.

import type { SyncStatus } from '../shared/messages.ts';
import browser from '../shared/platform/browser.ts';
import { relayBase, type Settings } from '../shared/settings.ts';
import { focusTab, lastActionTab } from './browserTabs.ts';
import { clearHandled, getCall, listCalls, markHandled, putCall } from './callQueue.ts';
import type { RelayConnection } from './connection.ts';
import type { Db } from './db.ts';
import { runTestCall } from './diagnostics.ts';
import { listTraces } from './eventTrace.ts';
import { pendingWork } from './guardBrowser.ts';
import { loadEffectiveSettings, saveUnderPolicy } from './managedSettings.ts';
import type { Handlers } from './messenger.ts';
import { openAction, type PopDeps, pickCandidate } from './popCall.ts';
import { bumpQueue, updateBadge } from './queueSignals.ts';
import { lastSyncStatus } from './sync.ts';

export interface WorkerContext {
  boot(): Promise<{ db: Db; settings: Settings; connection: RelayConnection | null }>;
  /** Reads the enterprise policy afresh (restarting the worker when it changed). */
  applyManaged(): Promise<Record<string, unknown>>;
  popDeps(db: Db, settings: Settings, connection: RelayConnection | null): PopDeps;
  runSync(): Promise<SyncStatus>;
}

export function createHandlers(ctx: WorkerContext): Handlers {
  /** Resume and pick: the pending-work guard asks first unless the agent said "open anyway". */
  const guarded = async (force: boolean | undefined, crmOrigin: string) =>
    force ? null : pendingWork(await lastActionTab(), crmOrigin);

  return {
    'settings.get': async () => loadEffectiveSettings(browser.storage.local, await ctx.applyManaged()),
    // Locked fields keep the policy's values whatever the page sent (the sync interval, which the
    // main form does not carry, keeps the stored one).
    'settings.save': async ({ settings }) =>
      saveUnderPolicy(browser.storage.local, settings, await ctx.applyManaged()),
    'calls.list': async () => {
      const { db, settings } = await ctx.boot();
      return { calls: await listCalls(db, settings.queue.maxCalls) };
    },
    'calls.resume': async ({ id, force }) => {
      const { db, settings, connection } = await ctx.boot();
      const call = await getCall(db, id);
      if (!call) return { ok: false, error: 'errCallNotFound' };
      const pending = await guarded(force, settings.crm.origin);
      if (pending) return { ok: false, pending };
      const result = await openAction(ctx.popDeps(db, settings, connection), call);
      await putCall(db, call);
      await bumpQueue();
      return { ...result, url: call.url };
    },
    'calls.pick': async ({ id, contactId, force }) => {
      const { db, settings, connection } = await ctx.boot();
      const call = await getCall(db, id);
      if (!call) return { ok: false, error: 'errCallNotFound' };
      const pending = await guarded(force, settings.crm.origin);
      if (pending) return { ok: false, pending };
      const result = await pickCandidate(ctx.popDeps(db, settings, connection), call, contactId);
      await putCall(db, call);
      await bumpQueue();
      return { ...result, url: call.url };
    },
    'calls.goToPending': async ({ tabId }) => ({ ok: await focusTab(tabId) }),
    'calls.markHandled': async ({ ids, handled }) => {
      const { db, connection } = await ctx.boot();
      await markHandled(db, ids, handled);
      await bumpQueue();
      await updateBadge(db, connection?.current.user);
      return { ok: true };
    },
    'calls.clearHandled': async () => {
      const { db } = await ctx.boot();
      const removed = await clearHandled(db);
      await bumpQueue();
      return { removed };
    },
    'status.get': async () => {
      const { db, connection } = await ctx.boot();
      return {
        connection: connection?.current ?? { state: 'unconfigured' },
        sync: await lastSyncStatus(db),
      };
    },
    'contacts.sync': async () => ctx.runSync(),
    'diagnostics.testCall': async () => {
      const { db, settings } = await ctx.boot();
      return runTestCall({
        db,
        fetch: (input, init) => fetch(input, init),
        relayBase: relayBase(settings.relayUrl),
        token: settings.agentToken,
      });
    },
    'diagnostics.events': async () => ({ events: await listTraces((await ctx.boot()).db) }),
  };
}
