// The options page's Diagnostics, end to end: a test call through the real relay pops a CRM tab and
// shows its four steps with times; real calls appear in the events table; the export holds them
// and never the agent token. Screenshots in English and Persian (right to left).
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logoCall } from '../fixtures/calls.ts';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, postLogo, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { AYSE_TOKEN, contactsCsv, extensionSettings, relayConfig, SECRET } from './scenario.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;
let options: Page;

/** Imports the scenario's settings and waits until the worker is connected with contacts synced. */
async function configure(b: ExtensionBrowser): Promise<Page> {
  const page = await openOptions(b.context, b.extensionId);
  const imported = await importSettings(page, relay.dir, extensionSettings(relay.url, crm.origin));
  expect(imported.ok, imported.text).toBe(true);
  await waitUntil('contacts synced and relay connected', async () => {
    const { connection, sync } = await ask(page, 'status.get');
    return connection.state === 'connected' && sync.contacts === 4;
  });
  return page;
}

/** Clicks "Send a test call" and waits for its CRM tab and its result; returns the tab's URL. */
async function sendTestCall(b: ExtensionBrowser, page: Page): Promise<string> {
  const tab = b.context.waitForEvent('page', { timeout: 15_000 });
  await page.locator('#diag-test-call').click();
  const opened = await tab;
  await opened.waitForURL((u) => u.origin === crm.origin);
  const url = opened.url();
  await opened.close();
  await page.getByTestId('diag-result').waitFor({ timeout: 15_000 });
  return url;
}

async function badgeText(b: ExtensionBrowser): Promise<string> {
  const worker = await b.worker();
  return worker.evaluate(() =>
    (
      globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } }
    ).chrome.action.getBadgeText({}),
  );
}

const stepTexts = (page: Page) =>
  page
    .locator('[data-testid=diag-steps] li')
    .evaluateAll((lis) =>
      lis.map((li) => ({ step: li.getAttribute('data-step'), text: li.textContent ?? '' })),
    );

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  browser = await launchWithExtension();
  options = await configure(browser);
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await crm?.close();
});

describe('Diagnostics in the options page', () => {
  it('sends a test call that pops a CRM tab and shows the four steps with times', async () => {
    const before = crm.requests.length;
    const url = await sendTestCall(browser, options);
    // The sample caller is Ayşe Demir (P-7); no keypress opens the card.
    expect(url).toBe(`${crm.origin}/card?id=P-7`);
    expect(crm.requests.slice(before).map((r) => r.path)).toEqual(['/card?id=P-7']);
    const result = options.getByTestId('diag-result');
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toContain('opened a CRM tab');
    const steps = await stepTexts(options);
    expect(steps.map((s) => s.step)).toEqual(['relay', 'worker', 'matched', 'opened']);
    expect(steps[0]?.text).toMatch(/^relay received\s+0 ms$/);
    for (const [i, label] of ['worker got it', 'matched', 'tab opened'].entries())
      expect(steps[i + 1]?.text, `${label} shows a time`).toMatch(
        new RegExp(`^${label}\\s+[+−]?[\\d,]+ ms$`),
      );
    // The relay ends the test call at once: the busy light (a dot on the badge) does not stay on.
    await expect.poll(() => badgeText(browser), { timeout: 10_000 }).toBe('');
  });

  it('lists real calls in the events table, newest first, with their outcome', async () => {
    for (const [id, keypress] of [
      ['DIAG-001', '1'],
      ['DIAG-002', '3'],
    ] as const) {
      const tab = browser.context.waitForEvent('page', { timeout: 15_000 });
      const res = await postLogo(relay.url, SECRET, logoCall(id, '05334979714', keypress));
      expect(res.status).toBe(200);
      await (await tab).close();
    }
    // The table follows new events by itself, without a reload.
    const rows = options.getByTestId('diag-event');
    await expect
      .poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-call-id'))), {
        timeout: 10_000,
      })
      .toEqual([
        'DIAG-002',
        'DIAG-001',
        // The test call: its hangup (the relay ends it at once), then its answer.
        expect.stringMatching(/^TEST-/),
        expect.stringMatching(/^TEST-/),
      ]);
    for (const id of ['DIAG-001', 'DIAG-002']) {
      const row = options.locator(`[data-testid=diag-event][data-call-id="${id}"]`);
      expect(await row.getAttribute('data-outcome')).toBe('popped');
      const text = (await row.textContent()) ?? '';
      expect(text).toContain('popped');
      expect(text).toContain('Answered');
      expect(text).toContain('Ayşe Demir');
      expect(text).toMatch(/\d+ ms$/);
    }
  });

  it('exports a JSON file with those events, the version and the connection, without the agent token', async () => {
    const download = options.waitForEvent('download');
    await options.locator('#diag-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('screenpop-diagnostics.json');
    const text = readFileSync((await file.path()) as string, 'utf8');
    expect(text, 'the agent token stays out of the file').not.toContain(AYSE_TOKEN);
    const report = JSON.parse(text);
    expect(report.extensionVersion).toMatch(/^\d+\.\d+/);
    expect(report.connection).toMatchObject({ state: 'connected', user: 'ayse' });
    expect(report.settings).toMatchObject({ relayUrl: relay.url });
    expect(report.settings).not.toHaveProperty('agentToken');
    const byCall = new Map(
      (report.events as { callId: string; outcome: string }[]).map((e) => [e.callId, e.outcome]),
    );
    expect(byCall.get('DIAG-001')).toBe('popped');
    expect(byCall.get('DIAG-002')).toBe('popped');
  });

  it('en: screenshot of the section', async () => {
    mkdirSync('test-results/screenshots', { recursive: true });
    await options.setViewportSize({ width: 900, height: 900 });
    const section = options.getByTestId('diagnostics');
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: 'test-results/screenshots/diagnostics-en.png' });
  });
});

describe('Diagnostics in Persian', () => {
  it('fa: right to left, translated steps, numbers kept left to right (screenshot saved)', async () => {
    const prev = process.env.LANGUAGE;
    process.env.LANGUAGE = 'fa';
    const fa = await launchWithExtension(['--lang=fa', '--accept-lang=fa']);
    process.env.LANGUAGE = prev;
    try {
      const page = await configure(fa);
      await page.setViewportSize({ width: 900, height: 900 });
      await sendTestCall(fa, page);
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
      expect(await page.locator('#sec-diagnostics').textContent()).toBe('عیب‌یابی');
      const steps = await stepTexts(page);
      expect(steps[0]?.text).toContain('رله دریافت کرد');
      expect(steps[3]?.text).toContain('زبانه باز شد');
      expect(steps[3]?.text).toMatch(/[+−]?[۰-۹٬]+ ms/);
      const total = await page.locator('[data-testid=diag-event] td').last().textContent();
      expect(total, 'the total in Persian digits too').toMatch(/^[+−]?[۰-۹٬]+ ms$/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'nothing sticks out of the page sideways').toBeLessThanOrEqual(0);
      const section = page.getByTestId('diagnostics');
      await section.scrollIntoViewIfNeeded();
      await section.screenshot({ path: 'test-results/screenshots/diagnostics-fa.png' });
    } finally {
      await fa.close();
    }
  });
});
