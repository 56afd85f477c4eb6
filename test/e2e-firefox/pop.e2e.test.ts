// A real call in real Firefox ESR: Logo CRM webhook → relay process → the event page of the
// Firefox build (dist-firefox/, a temporary add-on) → contact cache → CRM tab. Same relay, fake CRM
// and scenario as the Chromium suite (test/e2e/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus, SyncStatus } from '../../shared/messages.ts';
import { type FakeCrm, startFakeCrm } from '../e2e/fixtures/fakeCrm.ts';
import { postLogo, waitUntil } from '../e2e/fixtures/pages.ts';
import { type RelayProcess, startRelay } from '../e2e/fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, logoCall, relayConfig, SECRET } from '../e2e/scenario.ts';
import {
  ask,
  closeTabsOn,
  evaluate,
  type FirefoxExtension,
  importSettings,
  launchFirefox,
  openExtensionPage,
  terminateBackground,
} from './fixtures/firefox.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let ff: FirefoxExtension;

/** Posts a call and answers the URL of the CRM page the extension opened for it. */
async function popFor(body: ReturnType<typeof logoCall>): Promise<string> {
  const from = crm.requests.length;
  const res = await postLogo(relay.url, SECRET, body);
  expect(res.status, await res.clone().text()).toBe(200);
  const hit = await crm.waitFor(() => true, 15_000, from);
  await closeTabsOn(ff, crm.origin);
  return `${crm.origin}${hit.path}`;
}

type Status = { connection: ConnectionStatus; sync: SyncStatus };

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  ff = await launchFirefox();
});

afterAll(async () => {
  await ff?.close();
  await relay?.stop();
  await crm?.close();
});

describe('Firefox: set up in the options page', () => {
  it('imports the settings file, syncs the contacts and connects over the WebSocket', async () => {
    await openExtensionPage(ff, 'options/options.html', '#import-file');
    const imported = await importSettings(ff, relay.dir, extensionSettings(relay.url, crm.origin));
    expect(imported.ok, imported.text).toBe(true);
    const status = await waitUntil('contacts synced and relay connected', async () => {
      const s = await ask<Status>(ff, 'status.get');
      return s.connection.state === 'connected' && s.sync.contacts === 4 && s;
    });
    expect(status.connection).toMatchObject({ state: 'connected', transport: 'websocket', user: 'ayse' });
  });
});

describe('Firefox: a Logo CRM call pops the right CRM tab', () => {
  it('keypress 1 opens the card of the person calling', async () => {
    expect(await popFor(logoCall('F000001', '05334979714', '1'))).toBe(`${crm.origin}/card?id=P-7`);
  });

  it('keypress 2 opens a new quote for the company and person', async () => {
    expect(await popFor(logoCall('F000002', '5334979714', '2'))).toBe(
      `${crm.origin}/quote?company=C-19&contact=P-7&phone=%2B905334979714`,
    );
  });

  it('keypress 3 opens a new support ticket', async () => {
    expect(await popFor(logoCall('F000003', '+90 212 555 12 34', '3'))).toBe(
      `${crm.origin}/ticket?company=C-19&contact=C-19&call=F000003`,
    );
  });

  it('an unknown caller opens the new-contact template with the number', async () => {
    expect(await popFor(logoCall('F000004', '05320000000', '1'))).toBe(
      `${crm.origin}/new?phone=%2B905320000000&caller=05320000000&ext=911`,
    );
  });
});

describe('Firefox: the popup', () => {
  it('lists the received calls with number, call id, caller and keypress', async () => {
    await openExtensionPage(ff, 'popup/popup.html', '[data-testid=call-row][data-call-id="F000004"]');
    const rows = await evaluate<{ id: string; text: string }[]>(
      ff,
      ff.tab,
      `[...document.querySelectorAll('[data-testid=call-row]')].map((r) => ({ id: r.dataset.callId, text: r.textContent }))`,
    );
    expect(rows.map((r) => r.id).sort()).toEqual(['F000001', 'F000002', 'F000003', 'F000004']);
    const quote = rows.find((r) => r.id === 'F000002')?.text ?? '';
    for (const part of ['0533 497 97 14', '911', 'F000002', 'Ayşe Demir', '2'])
      expect(quote, `the row shows ${part}`).toContain(part);
  });
});

describe('Firefox: a suspended event page', () => {
  it('still pops a call posted right after the page unloaded, exactly once', async () => {
    // No extension page open: one could keep the event page awake with its messages.
    await ff.bidi('browsingContext.navigate', { context: ff.tab, url: 'about:blank', wait: 'complete' });
    const disconnects = () => relay.logs.join('').split('stream: agent disconnected').length - 1;
    const before = disconnects();
    await terminateBackground(ff);
    // The relay saw the socket go: the page is gone, and nothing of it is listening.
    await waitUntil('the relay to see the socket close', async () => disconnects() > before, 10_000);

    const from = crm.requests.length;
    const sent = performance.now();
    const res = await postLogo(relay.url, SECRET, logoCall('F000100', '05334979714', '2'));
    expect(res.status).toBe(200);
    const hit = await crm.waitFor((p) => p.startsWith('/quote?'), 45_000, from);
    console.info(
      `firefox: call posted to a suspended event page popped after ${Math.round(hit.at - sent)} ms`,
    );
    expect(hit.path).toBe('/quote?company=C-19&contact=P-7&phone=%2B905334979714');

    // Give a duplicate every chance to show up, then count.
    await new Promise((r) => setTimeout(r, 1500));
    expect(crm.requests.slice(from).map((r) => r.path)).toEqual([hit.path]);
    await closeTabsOn(ff, crm.origin);
    await openExtensionPage(ff, 'popup/popup.html', '[data-testid=call-row][data-call-id="F000100"]');
    const rows = await evaluate<number>(
      ff,
      ff.tab,
      `document.querySelectorAll('[data-testid=call-row][data-call-id="F000100"]').length`,
    );
    expect(rows, 'one queue row for the call').toBe(1);
  });
});
