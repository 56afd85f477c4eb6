// The relay lost its log (a new store file, so a new epoch) while the agent's browser held a cursor
// into the old one: the relay answers with resync, and the popup tells the agent that calls may be
// missing between the last call handled and now, until the agent dismisses it.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, openPopup, postLogo, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, logoCall, relayConfig, SECRET } from './scenario.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await crm?.close();
});

describe('a relay that lost its log', () => {
  it('shows the agent that calls may be missing, and the notice goes when dismissed', async () => {
    const options = await openOptions(browser.context, browser.extensionId);
    const imported = await importSettings(options, relay.dir, extensionSettings(relay.url, crm.origin));
    expect(imported.ok, imported.text).toBe(true);
    await waitUntil(
      'connected',
      async () => (await ask(options, 'status.get')).connection.state === 'connected',
    );
    const first = crm.requests.length;
    expect((await postLogo(relay.url, SECRET, logoCall('RS-1', '05334979714', '1'))).status).toBe(200);
    await crm.waitFor((p) => p.startsWith('/card'), 15_000, first);

    // The same address, a new store: the browser's cursor belongs to a log that is gone.
    const port = Number(new URL(relay.url).port);
    await relay.kill();
    relay = await startRelay(relayConfig, contactsCsv, { port });
    expect((await postLogo(relay.url, SECRET, logoCall('RS-2', '05334979714', '3'))).status).toBe(200);

    const status = await waitUntil(
      'the resync notice',
      async () => {
        const s = await ask(options, 'status.get');
        return s.notice ? s : undefined;
      },
      60_000,
    );
    expect(status.notice?.from, 'the gap starts at the last call handled').toBeDefined();
    // The call the new log holds is still delivered.
    await crm.waitFor((p) => p.startsWith('/ticket'), 15_000, first);

    const popup = await openPopup(browser.context, browser.extensionId);
    const banner = popup.getByTestId('resync-notice');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/may be missing/i);
    mkdirSync('test-results/screenshots', { recursive: true });
    await popup.screenshot({ path: 'test-results/screenshots/popup-resync.png' });
    await banner.getByRole('button').click();
    await banner.waitFor({ state: 'detached' });
    expect((await ask(options, 'status.get')).notice).toBeUndefined();
  }, 120_000);
});
