// The call journal as an agent sees it: a missed call and a held one are written to the CRM (a
// signed webhook here, as for n8n or a customer's own CRM), and each row of the built extension's
// popup says "Logged in CRM"; a call the CRM refuses says "Not logged" with the CRM's reason.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWebhook, startFakeWebhook } from '../fixtures/crm/fakeWebhook.ts';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, openPopup, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, relayConfig, SECRET } from './scenario.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let hook: FakeWebhook;
let browser: ExtensionBrowser;
let popup: Page;

async function call(payload: Record<string, unknown>) {
  const res = await fetch(`${relay.url}/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ direction: 'inbound', extension: '911', ...payload }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

const logged = (callId: string) =>
  popup
    .locator('[data-testid=queue-item]', { has: popup.locator(`[data-call-id="${callId}"]`) })
    .locator('[data-testid=call-logged]');

beforeAll(async () => {
  crm = await startFakeCrm();
  hook = await startFakeWebhook();
  relay = await startRelay(
    {
      ...relayConfig,
      journal: {
        writers: [{ name: 'hook', kind: 'webhook', url: hook.url, secret: 'journal-secret-e2e-0123456789' }],
        settleSeconds: 0,
        maxAttempts: 1,
      },
    },
    contactsCsv,
  );
  browser = await launchWithExtension();
  const options = await openOptions(browser.context, browser.extensionId);
  const imported = await importSettings(options, relay.dir, {
    ...extensionSettings(relay.url, crm.origin),
    popOn: 'never',
  });
  expect(imported.ok, imported.text).toBe(true);
  await waitUntil(
    'relay connected',
    async () => (await ask(options, 'status.get')).connection.state === 'connected',
  );
  await options.close();
  popup = await openPopup(browser.context, browser.extensionId);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await hook?.close();
  await crm?.close();
});

describe('calls written back into the CRM, as the popup shows them', () => {
  it('a missed call from a known caller is logged (call record and task), and its row says so', async () => {
    await call({ callId: 'J-1', state: 'ringing', callerId: '0533 497 97 14' });
    await call({ callId: 'J-1', state: 'missed', callerId: '0533 497 97 14' });
    await expect.poll(() => logged('J-1').getAttribute('data-logged'), { timeout: 20_000 }).toBe('written');
    expect(await logged('J-1').textContent()).toBe('Logged in CRM');
    const bodies = hook.requests.map((r) => JSON.parse(r.rawBody.toString()));
    const mine = bodies.filter((b) => b.callId === 'J-1');
    expect(mine.map((b) => b.type).sort()).toEqual(['call', 'task']);
    expect(mine.find((b) => b.type === 'task')).toMatchObject({
      subject: 'Missed call from Ayşe Demir / +905334979714',
      contact: { id: 'P-7', name: 'Ayşe Demir' },
      agent: { user: 'ayse' },
    });
  });

  it('a call the CRM refuses says "Not logged" with the reason', async () => {
    hook.answers.push({ status: 422, body: '{"error":"unknown owner"}' });
    await call({ callId: 'J-2', state: 'answered', callerId: '0212 555 12 34' });
    await call({ callId: 'J-2', state: 'hangup', callerId: '0212 555 12 34' });
    await expect.poll(() => logged('J-2').getAttribute('data-logged'), { timeout: 20_000 }).toBe('dead');
    expect(await logged('J-2').textContent()).toMatch(
      /^Not logged: webhook writer "hook": .*422.*unknown owner/,
    );
  });

  it("the Admin section lists the records, the failure in the CRM's words, and Retry writes it", async () => {
    mkdirSync('test-results/screenshots', { recursive: true });
    await popup.screenshot({ path: 'test-results/screenshots/journal-popup.png' });
    const page = await openOptions(browser.context, browser.extensionId);
    await page.locator('#admin-token').fill(relayConfig.adminToken);
    await page.locator('#admin-connect').click();
    const panel = page.getByTestId('admin-journal');
    const dead = panel.locator('[data-testid=admin-journal-row][data-status=dead]');
    await dead.waitFor();
    expect(await dead.getByTestId('admin-journal-error').textContent()).toContain('unknown owner');
    expect(await panel.getByTestId('admin-journal-summary').textContent()).toMatch(/hook \(webhook\).*1/);
    await panel.screenshot({ path: 'test-results/screenshots/admin-journal.png' });
    // The admin fixed the CRM's side: Retry writes it, and the agent's row turns "Logged in CRM".
    await dead.getByTestId('admin-journal-retry').click();
    await panel.locator('[data-testid=admin-journal-row][data-status=dead]').waitFor({ state: 'detached' });
    await expect.poll(() => logged('J-2').getAttribute('data-logged'), { timeout: 20_000 }).toBe('written');
    await page.close();
  });
});
