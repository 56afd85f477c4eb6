// The options page as an admin uses it: pick a CRM preset and the pop behaviour with the mouse, see
// the filled-in previews, save, and the next call follows; errors name their field. Screenshots of
// the whole page in English, Turkish and Persian (right to left) are kept in test-results/.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logoCall } from '../fixtures/calls.ts';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, openOptions, postLogo, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { AYSE_TOKEN, contactsCsv, relayConfig, SECRET } from './scenario.ts';

const SHOTS = 'test-results/screenshots';
let relay: RelayProcess;
let crm: FakeCrm;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
});

afterAll(async () => {
  await relay?.stop();
  await crm?.close();
});

async function save(page: Page): Promise<string> {
  await page.click('#save');
  const result = page.getByTestId('save-result');
  await result.waitFor();
  return (await result.getAttribute('data-ok')) ?? '';
}

describe('an admin sets up the CRM and the pop behaviour in the options page', () => {
  let browser: ExtensionBrowser;
  let options: Page;
  beforeAll(async () => {
    browser = await launchWithExtension();
    options = await openOptions(browser.context, browser.extensionId);
    await options.waitForSelector('#save');
  });
  afterAll(async () => browser?.close());

  it('names the field at fault and saves nothing while one is wrong', async () => {
    await options.fill('#relayUrl', relay.url);
    await options.fill('#agentToken', AYSE_TOKEN);
    await options.fill('#crmOrigin', `${crm.origin}/app`);
    await options.fill('#queue-maxCalls', '3');
    expect(await save(options)).toBe('false');
    expect(await options.locator('[data-error-for="crm.origin"]').textContent()).toBeTruthy();
    expect(await options.locator('[data-error-for="queue.maxCalls"]').textContent()).toContain('10');
    expect((await ask(options, 'settings.get')).settings.relayUrl).toBe('');
  });

  it('fills every template from the vtiger preset, previews it, and the next call opens it', async () => {
    await options.fill('#crmOrigin', crm.origin);
    await options.fill('#queue-maxCalls', '200');
    await options.selectOption('#crmPreset', 'vtiger');
    expect(await options.getByTestId('preview-companyCard').textContent()).toContain(
      `${crm.origin}/index.php?module=Accounts&view=Detail&record=C-1`,
    );
    await options.selectOption('#kp-2', 'search');
    await options.selectOption('#unknownAction', 'search');
    await options.selectOption('#tabPolicy', 'reuse');
    expect(await save(options)).toBe('true');
    const { settings } = await ask(options, 'settings.get');
    expect(settings).toMatchObject({
      crm: { preset: 'vtiger', origin: crm.origin },
      keypressActions: { '1': 'card', '2': 'search', '3': 'ticket' },
      unknownAction: 'search',
      tabPolicy: 'reuse',
      queue: { maxCalls: 200, maxAgeDays: 7 },
    });
    await waitUntil('connected and synced', async () => {
      const { connection, sync } = await ask(options, 'status.get');
      return connection.state === 'connected' && sync.contacts === 4;
    });
    const from = crm.requests.length;
    const res = await postLogo(relay.url, SECRET, logoCall('OPT1', '05334979714', '2'));
    expect(res.status).toBe(200);
    const req = await crm.waitFor(() => true, 15_000, from);
    const any = ['mobile', 'phone', 'homephone', 'otherphone'].flatMap((f) => [
      [f, 'c', '497 97 14'],
      [f, 'c', '5334979714'],
    ]);
    expect(decodeURIComponent(req.path)).toBe(
      `/index.php?module=Contacts&view=List&search_params=${JSON.stringify([[], any])}`,
    );
  });
});

describe.each([
  ['en', 'ltr', 'Connection'],
  ['tr', 'ltr', 'Bağlantı'],
  ['fa', 'rtl', 'اتصال'],
])('the options page in %s', (lang, dir, connectionHeading) => {
  let browser: ExtensionBrowser;
  afterAll(async () => browser?.close());

  it(`is translated, laid out ${dir}, and fits the window`, async () => {
    browser = await launchWithExtension([`--lang=${lang}`]);
    const page = await openOptions(browser.context, browser.extensionId);
    await page.setViewportSize({ width: 1000, height: 900 });
    await page.waitForSelector('#save');
    expect(await page.locator('html').getAttribute('dir')).toBe(dir);
    expect(await page.locator('#sec-connection').textContent()).toBe(connectionHeading);
    await page.selectOption('#crmPreset', 'vtiger');
    await page.fill('#crmOrigin', 'https://crm.example.com');
    // Nothing pushes the page sideways (long URLs wrap inside their fields).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1000);
    await page.screenshot({ path: `${SHOTS}/options-${lang}.png`, fullPage: true });
  });
});
