// The browser side of the pending-work guard: the real APIs guard.ts and unloadMarker.ts take.

import type { PendingWork } from '../shared/messages.ts';
import browser from '../shared/platform/browser.ts';
import { checkPendingWork, type GuardApi, originPattern } from './guard.ts';
import { pageProbe } from './pageProbe.ts';
import type { ActionTab } from './tabs.ts';
import { type MarkerApi, syncUnloadMarker } from './unloadMarker.ts';

const hasPermission = (origin: string) => browser.permissions.contains({ origins: [originPattern(origin)] });

const guardApi: GuardApi = {
  getTab: (tabId) => browser.tabs.get(tabId),
  hasPermission,
  probe: async (tabId) => {
    const frames = await browser.scripting.executeScript({
      target: { tabId, allFrames: true },
      world: 'MAIN',
      func: pageProbe,
    });
    return frames.map((f) => f.result);
  },
};

const markerApi: MarkerApi = {
  hasPermission,
  registered: () => browser.scripting.getRegisteredContentScripts(),
  register: (script) => browser.scripting.registerContentScripts([script]),
  unregister: (id) => browser.scripting.unregisterContentScripts({ ids: [id] }),
};

/** The earlier action's tab with unsaved work, or null (see guard.ts). */
export function pendingWork(
  actionTab: ActionTab | undefined,
  crmOrigin: string,
): Promise<PendingWork | null> {
  return checkPendingWork(guardApi, actionTab, crmOrigin);
}

// Serialised: a worker start and a permission change can both ask at once, and registering the
// same id twice fails.
let markerSync: Promise<unknown> = Promise.resolve();

/** Registers the unload marker for the CRM origin while host access is granted, else removes it. */
export function refreshUnloadMarker(crmOrigin: string): Promise<unknown> {
  markerSync = markerSync
    .then(() => syncUnloadMarker(markerApi, crmOrigin))
    .catch((err: unknown) => console.warn('ScreenPop: unload marker not registered', err));
  return markerSync;
}
