// The browser's tabs and windows as the action policy (tabs.ts) and the pending-work guard see
// them, and the record of the tab the last action opened (storage.session, so it outlives a worker
// restart but not the browser).
import browser from '../shared/platform/browser.ts';
import type { Settings } from '../shared/settings.ts';
import type { StoredCall } from './db.ts';
import { pendingWork } from './guardBrowser.ts';
import { type ActionTab, type OpenedTab, openTab, type TabApi } from './tabs.ts';

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

/**
 * Opens an action's URL by the admin's tab and focus policy and remembers the tab it used. A pop
 * tab to be reused is first asked by the pending-work guard: one with unsaved work is kept.
 */
export async function openUrl(settings: Settings, url: string, call: StoredCall): Promise<OpenedTab> {
  const previous = await lastActionTab();
  const holdsWork = async (tab: ActionTab) => (await pendingWork(tab, settings.crm.origin)) !== null;
  const opened = await openTab(tabApi, url, { ...settings, previous, holdsWork });
  if (opened.tabId === undefined) return opened;
  const tab: ActionTab = {
    tabId: opened.tabId,
    windowId: opened.windowId,
    url,
    callId: call.callId,
    at: new Date().toISOString(),
  };
  await browser.storage.session.set({ [ACTION_TAB_KEY]: tab });
  return opened;
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
