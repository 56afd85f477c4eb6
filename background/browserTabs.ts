// The browser's tabs and windows as the action policy (tabs.ts) and the pending-work guard see
// them, and the record of the tab the last action opened (storage.session, so it outlives a worker
// restart but not the browser).
import browser from '../shared/platform/browser.ts';
import type { Settings } from '../shared/settings.ts';
import type { StoredCall } from './db.ts';
import { type ActionTab, openTab, type TabApi } from './tabs.ts';

const ACTION_TAB_KEY = 'actionTab';

export const tabApi: TabApi = {
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

/** Opens an action's URL by the admin's tab and focus policy and remembers the tab it used. */
export async function openUrl(settings: Settings, url: string, call: StoredCall): Promise<void> {
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

/** Brings a tab and its window to the front; false when the tab is gone. */
export async function focusTab(tabId: number): Promise<boolean> {
  try {
    const tab = await tabApi.update(tabId, { active: true });
    if (tab?.windowId !== undefined) await tabApi.focusWindow(tab.windowId);
    return true;
  } catch {
    return false;
  }
}
