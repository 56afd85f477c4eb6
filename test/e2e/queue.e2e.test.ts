// The popup's call queue as an agent sees it: calls posted by a PBX through the relay's generic
// `POST /v1/calls`, in Chromium with the built extension. State and duration, the missed-call
// highlight, filters, "handled", "clear handled", the admin's cap, and screenshots in en, tr, fa.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, openPopup, textEnds, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, relayConfig, SECRET } from './scenario.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;
let popup: Page;

/** The admin turned pops off: the queue fills without CRM tabs getting in the way. */
const settings = (extra: object = {}) => ({
  ...extensionSettings(relay.url, crm.origin),
  popOn: 'never',
  ...extra,
});

/** One PBX event for a call, as the generic JSON API takes it. */
async function post(callId: string, state: string, callerId = '05334979714', keypress = '1') {
  const res = await fetch(`${relay.url}/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ callId, state, extension: '911', agentId: '911', callerId, keypress }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function configure(b: ExtensionBrowser, extra: object = {}) {
  const options = await openOptions(b.context, b.extensionId);
  const imported = await importSettings(options, relay.dir, settings(extra));
  expect(imported.ok, imported.text).toBe(true);
  await waitUntil('contacts synced and relay connected', async () => {
    const { connection, sync } = await ask(options, 'status.get');
    return connection.state === 'connected' && sync.contacts === 4;
  });
  await options.close();
}

const item = (callId: string) =>
  popup.locator('[data-testid=queue-item]', { has: popup.locator(`[data-call-id="${callId}"]`) });
const cell = (callId: string, testId: string) => item(callId).getByTestId(testId);
const shownCallIds = () =>
  popup
    .locator('[data-testid=call-row]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-call-id')));
const filter = (name: string) => popup.locator(`[data-testid=queue-filters] button[data-filter=${name}]`);

async function badgeText(b: ExtensionBrowser): Promise<string> {
  const worker = await b.worker();
  return worker.evaluate(() =>
    (
      globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } }
    ).chrome.action.getBadgeText({}),
  );
}

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  browser = await launchWithExtension();
  await configure(browser);
  popup = await openPopup(browser.context, browser.extensionId);
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await crm?.close();
});

describe('the call queue', () => {
  it('shows the Logo CRM columns plus state and duration through ringing → answered → hangup', async () => {
    await post('Q1', 'ringing');
    await expect.poll(() => cell('Q1', 'call-state').textContent()).toBe('Ringing');
    expect(await cell('Q1', 'call-duration').textContent(), 'a ringing call has no duration').toBe('');

    const head = await popup.locator('.queue-head').innerText();
    for (const col of [
      'Date/time',
      'Number',
      'Ext.',
      'Call ID',
      'Probable caller',
      'Key',
      'State',
      'Duration',
    ])
      expect(head, `column ${col}`).toContain(col);
    const row = await item('Q1').innerText();
    for (const text of ['0533 497 97 14', '911', 'Q1', 'Ayşe Demir', '1']) expect(row).toContain(text);

    await post('Q1', 'answered');
    await expect.poll(() => cell('Q1', 'call-state').textContent()).toBe('Answered');
    const first = await cell('Q1', 'call-duration').textContent();
    expect(first).toMatch(/^\d\d:\d\d$/);
    // The running duration counts up on its own, without a queue change.
    await expect.poll(() => cell('Q1', 'call-duration').textContent(), { timeout: 5000 }).not.toBe(first);

    await post('Q1', 'hangup');
    await expect.poll(() => cell('Q1', 'call-state').textContent()).toBe('Ended');
    expect(await cell('Q1', 'call-duration').textContent(), 'answered to hangup, at least a second').toMatch(
      /^00:(0[1-9]|[1-5]\d)$/,
    );
  });

  it('highlights missed calls, without a duration, and counts them on the badge', async () => {
    for (const id of ['M1', 'M2']) {
      await post(id, 'ringing', '+90 212 555 12 34');
      await post(id, 'missed', '+90 212 555 12 34');
    }
    await expect.poll(() => cell('M2', 'call-state').textContent()).toBe('Missed');
    expect(await shownCallIds(), 'newest first').toEqual(['M2', 'M1', 'Q1']);
    expect(await item('M1').getAttribute('data-alert')).toBe('true');
    expect(await item('Q1').getAttribute('data-alert')).toBe('false');
    await expect(item('M1').getByRole('img', { name: 'Missed call' }).count()).resolves.toBe(1);
    expect(await cell('M1', 'call-duration').textContent()).toBe('');
    const tint = (callId: string) => item(callId).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await tint('M1'), 'a missed call is tinted').not.toBe(await tint('Q1'));
    await expect.poll(() => badgeText(browser)).toBe('2');
  });

  it('filters all / missed / not handled, with the count on each', async () => {
    const counts = () => popup.getByTestId('filter-count').allTextContents();
    expect(await counts(), 'all, missed, not handled').toEqual(['3', '2', '3']);
    await filter('missed').click();
    expect(await filter('missed').getAttribute('aria-pressed')).toBe('true');
    expect(await shownCallIds()).toEqual(['M2', 'M1']);
    await filter('open').click();
    expect(await shownCallIds()).toEqual(['M2', 'M1', 'Q1']);
    await filter('all').click();
    expect(await shownCallIds()).toEqual(['M2', 'M1', 'Q1']);
  });

  it('marks a call handled without resuming it: dimmed, off the badge, out of "not handled"', async () => {
    const crmRequests = crm.requests.length;
    const pages = browser.context.pages().length;
    await cell('M1', 'mark-handled').click();
    await expect.poll(() => item('M1').getAttribute('data-handled')).toBe('true');
    await expect.poll(() => badgeText(browser)).toBe('1');
    expect(await item('M1').getAttribute('data-alert'), 'handled: no longer highlighted').toBe('false');
    const opacity = await cell('M1', 'call-row').evaluate((el) => Number(getComputedStyle(el).opacity));
    expect(opacity, 'a handled call is dimmed').toBeLessThan(1);
    expect(crm.requests.length, 'the checkbox does not reopen the call').toBe(crmRequests);
    expect(browser.context.pages().length).toBe(pages);
    expect(await popup.getByTestId('filter-count').allTextContents()).toEqual(['3', '2', '2']);
    await filter('open').click();
    expect(await shownCallIds()).toEqual(['M2', 'Q1']);
    await filter('all').click();
  });

  it('clears handled calls after an inline confirmation, keeping the rest', async () => {
    await cell('Q1', 'mark-handled').click();
    await expect.poll(() => item('Q1').getAttribute('data-handled')).toBe('true');
    await popup.getByTestId('clear-handled').click();
    expect(await popup.getByTestId('clear-confirm').innerText()).toContain('Remove 2 handled calls');
    await popup.getByTestId('clear-no').click();
    expect(await shownCallIds(), 'cancel keeps them').toEqual(['M2', 'M1', 'Q1']);
    await popup.getByTestId('clear-handled').click();
    await popup.getByTestId('clear-yes').click();
    await expect.poll(shownCallIds).toEqual(['M2']);
    expect((await ask(popup, 'calls.list')).calls.map((c) => c.callId)).toEqual(['M2']);
    expect(await popup.getByTestId('clear-handled').count(), 'nothing handled left to clear').toBe(0);
    expect(await badgeText(browser)).toBe('1');
  });

  it("keeps only the newest calls within the admin's cap", async () => {
    await configure(browser, { queue: { maxCalls: 10 } });
    const ids = Array.from({ length: 12 }, (_, i) => `CAP${String(i + 1).padStart(2, '0')}`);
    for (const id of ids) {
      await post(id, 'ringing', '05320000000');
      // Distinct arrival times, so "newest" is unambiguous.
      await new Promise((r) => setTimeout(r, 5));
    }
    await popup.reload();
    await expect.poll(shownCallIds, { timeout: 10_000 }).toEqual(ids.slice(2).reverse());
    expect((await ask(popup, 'calls.list')).calls).toHaveLength(10);
  });

  it('keeps a long queue to the rows near the view; scrolling and Tab bring in the rest', async () => {
    await configure(browser, { queue: { maxCalls: 300 } });
    const worker = await browser.worker();
    // 300 calls straight into the worker's database, as the PBX would have filled it over a day.
    await worker.evaluate(async (n) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open('screenpop');
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      const tx = db.transaction('calls', 'readwrite');
      const now = Date.now();
      for (let i = 0; i < n; i++) {
        const id = `LONG${String(i).padStart(3, '0')}`;
        tx.objectStore('calls').put({
          id,
          callId: id,
          state: 'missed',
          at: new Date(now - (n - i) * 60_000).toISOString(),
          callerId: '05320000000',
          extension: '911',
          eventIds: [],
          popped: true,
        });
      }
      await new Promise((ok, fail) => {
        tx.oncomplete = ok;
        tx.onerror = () => fail(tx.error);
      });
      db.close();
    }, 300);
    await popup.reload();
    const items = popup.locator('[data-testid=queue-item]');
    await expect.poll(() => items.first().getAttribute('aria-setsize')).toBe('300');
    expect(await items.first().getAttribute('aria-posinset')).toBe('1');
    expect(await items.count(), 'only the rows near the view are in the page').toBeLessThan(60);
    const height = await popup.evaluate(() => document.documentElement.scrollHeight);
    expect(height, 'the page is as tall as the whole list').toBeGreaterThan(300 * 35);

    // Tab walks on past the rows first rendered: each focused row scrolls into view and brings the next.
    await items.first().getByTestId('call-row').focus();
    for (let i = 0; i < 80; i++) await popup.keyboard.press('Tab');
    const focused = () =>
      popup.evaluate(() =>
        document.activeElement?.closest('li[aria-posinset]')?.getAttribute('aria-posinset'),
      );
    expect(await focused(), '80 tab stops on (checkbox, row, checkbox, …): the 41st row').toBe('41');
    await popup.keyboard.press('Shift+Tab');
    await popup.keyboard.press('Shift+Tab');
    expect(await focused(), 'and back').toBe('40');

    await popup.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(() => items.last().getAttribute('aria-posinset')).toBe('300');
    const oldest = (await ask(popup, 'calls.list')).calls.at(-1)?.callId;
    expect(
      await items.last().getByTestId('call-row').getAttribute('data-call-id'),
      'the oldest call, last',
    ).toBe(oldest);
    await popup.evaluate(() => scrollTo(0, 0));
    await expect.poll(() => items.first().getAttribute('aria-posinset')).toBe('1');
  });
});

describe('the popup in other languages', () => {
  const WIDTH = 640;
  it.each(['en', 'tr', 'fa'])('%s: localized, no horizontal overflow (screenshot saved)', async (lang) => {
    const prev = process.env.LANGUAGE;
    process.env.LANGUAGE = lang;
    const b = await launchWithExtension([`--lang=${lang}`, `--accept-lang=${lang}`]);
    process.env.LANGUAGE = prev;
    try {
      await configure(b);
      const page = await openPopup(b.context, b.extensionId);
      await page.setViewportSize({ width: WIDTH, height: 600 });
      const tag = lang.toUpperCase();
      await post(`${tag}-1`, 'ringing', '+90 312 444 55 66', '2');
      await post(`${tag}-1`, 'answered', '+90 312 444 55 66', '2');
      await post(`${tag}-1`, 'hangup', '+90 312 444 55 66', '2');
      await post(`${tag}-2`, 'ringing', '05320000000', '3');
      await post(`${tag}-2`, 'missed', '05320000000', '3');
      await post(`${tag}-3`, 'ringing', '05334979714', '1');
      await post(`${tag}-3`, 'answered', '05334979714', '1');
      const rows = page.locator('[data-testid=call-row]');
      await expect.poll(() => rows.count()).toBe(3);
      await page.locator('[data-running=true]').waitFor();

      expect(await page.evaluate(() => document.documentElement.dir)).toBe(lang === 'fa' ? 'rtl' : 'ltr');
      const missed = { en: 'Missed', tr: 'Cevapsız', fa: 'بی‌پاسخ' }[lang];
      expect(await page.locator('[data-state=missed] [data-testid=call-state]').textContent()).toBe(missed);
      // Phone numbers read left to right in every language, Persian included.
      const numberOrder = await textEnds(page.locator('.c-number').first());
      expect(numberOrder.firstLeft, numberOrder.text).toBeLessThan(numberOrder.lastLeft);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'nothing sticks out of the popup sideways').toBeLessThanOrEqual(0);

      mkdirSync('test-results/screenshots', { recursive: true });
      await page.screenshot({ path: `test-results/screenshots/popup-${lang}.png` });
    } finally {
      await b.close();
    }
  });
});
