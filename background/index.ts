// The background's entry (Chrome's MV3 service worker, Firefox's event page): builds the real
// browser-facing pieces and hands them to `createWorker` (worker.ts), which registers every
// listener synchronously at top level.
import browser, { backgroundKind } from '../shared/platform/browser.ts';
import { focusTab, lastActionTab, openUrl } from './browserTabs.ts';
import { openDb } from './db.ts';
import { pendingWork, refreshUnloadMarker } from './guardBrowser.ts';
import { forgetNotification, notifyCall, onNotificationClick } from './notifyBrowser.ts';
import { bumpQueue, publishStatus, updateBadge } from './queueSignals.ts';
import { createWorker } from './worker.ts';

// Chrome revives a stopped worker with a 30 s alarm (its shortest). Firefox unloads an event page
// 30 s after its last API event even while its WebSocket is open (w3c/webextensions#518); each
// alarm event restarts that timer. Measured in Firefox ESR 153: with a 30 s alarm the page unloaded
// at 30 s and then every 60 s (socket 1001, back ~0.2 s later at the alarm); with 15 s it stayed up
// for 100 s. Where Firefox unloads it all the same, the alarm wakes it within 15 s and the relay
// replays from the cursor (test/e2e-firefox/pop.e2e.test.ts).
const KEEPALIVE_MINUTES = { 'service-worker': 0.5, 'event-page': 0.25 } as const;

createWorker({
  browser,
  openDb: () => openDb(),
  fetch: (input, init) => fetch(input, init),
  openSocket: (url) => new WebSocket(url),
  tabs: { openUrl, lastActionTab, focusTab, pendingWork, refreshUnloadMarker },
  notifications: { notifyCall, onClick: onNotificationClick, forget: forgetNotification },
  signals: { publishStatus, bumpQueue, updateBadge },
  keepAliveMinutes: KEEPALIVE_MINUTES[backgroundKind()],
}).start();
