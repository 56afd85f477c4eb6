// Enterprise policy in Firefox: the Firefox manifest has no storage.managed_schema, and Firefox reads
// the add-on's managed storage from $HOME/.mozilla/managed-storage/<gecko id>.json. With the settings
// there and nothing imported or typed, the extension connects and pops.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../shared/messages.ts';
import { type FakeCrm, startFakeCrm } from '../e2e/fixtures/fakeCrm.ts';
import { postLogo, waitUntil } from '../e2e/fixtures/pages.ts';
import { type RelayProcess, startRelay } from '../e2e/fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, logoCall, relayConfig, SECRET } from '../e2e/scenario.ts';
import { ask, type FirefoxExtension, launchFirefox, openExtensionPage } from './fixtures/firefox.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let ff: FirefoxExtension;

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  ff = await launchFirefox({ managed: extensionSettings(relay.url, crm.origin) });
});

afterAll(async () => {
  await ff?.close();
  await relay?.stop();
  await crm?.close();
});

it('takes its settings from Firefox managed storage: connected and popping without an import', async () => {
  await openExtensionPage(ff, 'options/options.html', '#import-file');
  await waitUntil('connected from the policy', async () => {
    const { connection } = await ask<{ connection: ConnectionStatus }>(ff, 'status.get');
    return connection.state === 'connected' && connection.user === 'ayse';
  });
  const from = crm.requests.length;
  expect((await postLogo(relay.url, SECRET, logoCall('FP00001', '05334979714', '3'))).status).toBe(200);
  const hit = await crm.waitFor(() => true, 15_000, from);
  expect(hit.path).toBe('/ticket?company=C-19&contact=P-7&call=FP00001');
});
