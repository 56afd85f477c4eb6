// The MV3 service worker's entry: builds the real browser-facing pieces and hands them to
// `createWorker` (worker.ts), which registers every listener synchronously at top level.
import browser from '../shared/platform/browser.ts';
import { focusTab, lastActionTab, openUrl } from './browserTabs.ts';
import { openDb } from './db.ts';
import { pendingWork, refreshUnloadMarker } from './guardBrowser.ts';
import { forgetNotification, notifyCall, onNotificationClick } from './notifyBrowser.ts';
import { bumpQueue, publishStatus, updateBadge } from './queueSignals.ts';
import { createWorker } from './worker.ts';

createWorker({
  browser,
  openDb: () => openDb(),
  fetch: (input, init) => fetch(input, init),
  openSocket: (url) => new WebSocket(url),
  tabs: { openUrl, lastActionTab, focusTab, pendingWork, refreshUnloadMarker },
  notifications: { notifyCall, onClick: onNotificationClick, forget: forgetNotification },
  signals: { publishStatus, bumpQueue, updateBadge },
}).start();
