// What the popup and the toolbar show of the worker's state: the queue's revision (the popup
// re-reads on a bump), the connection status, and the badge (missed calls; red while busy).

import { isBusy, missedCount } from '../shared/busy.ts';
import type { ConnectionStatus } from '../shared/messages.ts';
import browser from '../shared/platform/browser.ts';
import { QUEUE_MAX_CALLS } from '../shared/settings.ts';
import { listCalls } from './callQueue.ts';
import type { Db } from './db.ts';

export function publishStatus(status: ConnectionStatus): void {
  void browser.storage.session.set({ connection: status });
}

export async function bumpQueue(): Promise<void> {
  await browser.storage.session.set({ queueRev: Date.now() });
}

/** Red while the agent is on a call; the number of unhandled missed calls in the queue. */
export async function updateBadge(db: Db, user: string | undefined): Promise<void> {
  // The whole queue (pruning keeps it within the caps): a missed call further down still counts.
  const calls = await listCalls(db, QUEUE_MAX_CALLS.max);
  const missed = missedCount(calls);
  const busy = isBusy(calls, user);
  await Promise.all([
    browser.action.setBadgeBackgroundColor({ color: busy ? '#cf222e' : '#57606a' }),
    // An empty badge is not drawn at all: while busy it shows a dot so the red is visible.
    browser.action.setBadgeText({ text: missed ? String(missed) : busy ? '●' : '' }),
  ]);
}
