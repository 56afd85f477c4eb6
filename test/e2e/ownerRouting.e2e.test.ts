// "Who sees the call: the contact's owner" (RBS CRM + UIS, shared/reference/003_…): the PBX source
// routes by owner. Ayşe's browser runs the built extension; Mehmet's side is checked through the
// relay's long-poll API. Each branch: the owner alone, the extension when nobody owns the caller,
// the team for a lost call without extension; the popup row says why the call reached Ayşe.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../shared/callEvent.ts';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, openPopup, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, MEHMET_TOKEN, relayConfig, SECRET } from './scenario.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;
let popup: Page;
/** Mehmet's long-poll cursor, taken before any call. */
let mehmetCursor = '';

const pbx = { secret: SECRET, routing: 'owner', teamAgents: ['ayse', 'mehmet'] };

/** One UIS webhook (the reference's JSON), ringing unless told. */
async function uis(callId: number, fromNumber: string, extension: string | null, state = 'RINGING') {
  const res = await fetch(`${relay.url}/v1/pbx/uis`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      from_number: fromNumber,
      diversion: '74951234567',
      direction: 'in',
      call_id: callId,
      user_extension: extension,
      call_state: state,
    }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function mehmetPoll(after: string): Promise<{ events: CallEvent[]; cursor: string }> {
  const res = await fetch(`${relay.url}/v1/events?after=${encodeURIComponent(after)}`, {
    headers: { authorization: `Bearer ${MEHMET_TOKEN}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { events: CallEvent[]; cursor: string };
}

const item = (callId: string) =>
  popup.locator('[data-testid=queue-item]', { has: popup.locator(`[data-call-id="${callId}"]`) });

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay({ ...relayConfig, pbx, delivery: { longPollMs: 500 } }, contactsCsv);
  browser = await launchWithExtension();
  const options = await openOptions(browser.context, browser.extensionId);
  const settings = { ...extensionSettings(relay.url, crm.origin), popOn: 'never' };
  const imported = await importSettings(options, relay.dir, settings);
  expect(imported.ok, imported.text).toBe(true);
  await waitUntil('contacts synced and relay connected', async () => {
    const { connection, sync } = await ask(options, 'status.get');
    return connection.state === 'connected' && sync.contacts === 4;
  });
  await options.close();
  mehmetCursor = (await mehmetPoll('')).cursor;
  popup = await openPopup(browser.context, browser.extensionId);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await crm?.close();
});

describe('owner routing (pbx.routing "owner")', () => {
  it('shows each call to whom it belongs, and the popup row says why', async () => {
    // Ayşe Demir (0533 497 97 14) is Ayşe's customer: she alone sees it, though it rang Mehmet's 912.
    await uis(5001, '905334979714', '912');
    // An unknown caller on Ayşe's extension 911: her extension.
    await uis(5002, '79031234567', '911');
    // Anadolu Lojistik is Mehmet's customer: it rang 911, yet Ayşe gets nothing.
    await uis(5003, '903124445566', '911');
    // A lost call without extension from an unknown caller: the whole team.
    await uis(5004, '79039999999', null, 'MISSED');

    const reason = (callId: string) => item(callId).getByTestId('call-routed');
    await expect.poll(() => reason('5004').count(), { timeout: 15_000 }).toBe(1);
    expect(await reason('5001').textContent()).toBe('Your customer');
    expect(await reason('5002').textContent()).toBe('Your extension');
    expect(await reason('5004').textContent()).toBe('Team');
    expect(await item('5003').count(), 'Mehmet’s customer is not shown to Ayşe').toBe(0);
    await popup.screenshot({ path: 'test-results/screenshots/owner-routing-popup.png' });

    const { events } = await mehmetPoll(mehmetCursor);
    expect(events.map((e) => [e.callId, e.routedBy])).toEqual([
      ['5003', 'owner'],
      ['5004', 'team'],
    ]);
  });
});
