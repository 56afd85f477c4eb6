// Desktop notifications wired to the browser: showing one for a popped call, and what a click on
// it (or one of its buttons) does. The content and the button choice live in notify.ts.
import type { ActionKind } from '../shared/actions.ts';
import browser from '../shared/platform/browser.ts';
import { t } from '../shared/platform/i18n.ts';
import type { Settings } from '../shared/settings.ts';
import { lastActionTab, tabApi } from './browserTabs.ts';
import type { StoredCall } from './db.ts';
import {
  type NotifyApi,
  notificationClicked,
  notificationRecords,
  showCallNotification,
  showPopTab,
} from './notify.ts';
import type { OpenedTab } from './tabs.ts';

export async function notifyCall(settings: Settings, call: StoredCall, opened?: OpenedTab): Promise<void> {
  const api: NotifyApi = {
    create: (id, options) => browser.notifications.create(id, options),
    // Chrome creates nothing without an icon.
    iconUrl: browser.runtime.getURL('icons/icon128.png'),
    // Only Firefox has getBrowserInfo, and it has no buttons or requireInteraction.
    rich: !('getBrowserInfo' in browser.runtime),
    t,
    remember: notificationRecords(browser.storage.session).remember,
  };
  await showCallNotification(api, call, settings, opened);
}

export interface ClickContext {
  crmOrigin(): Promise<string>;
  /** Opens the call's action (or `action` instead), in front, and records it in the queue. */
  openCallAction(id: string, action?: ActionKind): Promise<void>;
}

/** A click on a call's notification (or one of its buttons): the agent's explicit choice. */
export async function onNotificationClick(ctx: ClickContext, id: string, button?: number): Promise<void> {
  const records = notificationRecords(browser.storage.session);
  await notificationClicked(
    {
      ...records,
      clear: async (nid) => void (await browser.notifications.clear(nid)),
      resume: async (callId) => {
        const popTab = {
          lastActionTab,
          getTab: (tabId: number) => browser.tabs.get(tabId),
          show: async (tabId: number, windowId?: number) => {
            await tabApi.update(tabId, { active: true });
            if (windowId !== undefined) await tabApi.focusWindow(windowId);
          },
        };
        // Its pop tab still open on the CRM comes to the front; otherwise the action opens again.
        if (!(await showPopTab(popTab, callId, await ctx.crmOrigin()))) await ctx.openCallAction(callId);
      },
      openAction: ctx.openCallAction,
    },
    id,
    button,
  );
}

export function forgetNotification(id: string): Promise<void> {
  return notificationRecords(browser.storage.session).forget(id);
}
