// A real call, end to end: Logo CRM webhook → relay process → service worker → contact cache →
// CRM tab, in Chromium with the built extension.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, openPopup, postLogo, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, logoCall, relayConfig, SECRET } from './scenario.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;

const call = logoCall;

/** Posts a call and returns the URL of the tab the extension opened for it. */
async function popFor(body: ReturnType<typeof call>, path?: string): Promise<string> {
  const tab = browser.context.waitForEvent('page', { timeout: 15_000 });
  const res = await postLogo(relay.url, SECRET, body, path);
  expect(res.status, await res.clone().text()).toBe(200);
  const page = await tab;
  await page.waitForURL((u) => u.origin === crm.origin);
  const url = page.url();
  await page.close();
  return url;
}

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  browser = await launchWithExtension();
  const options = await openOptions(browser.context, browser.extensionId);
  const imported = await importSettings(options, relay.dir, extensionSettings(relay.url, crm.origin));
  expect(imported.ok, imported.text).toBe(true);
  await waitUntil('contacts synced and relay connected', async () => {
    const { connection, sync } = await ask(options, 'status.get');
    return connection.state === 'connected' && sync.contacts === 4;
  });
  await options.close();
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await crm?.close();
});

describe('a Logo CRM call pops the right CRM tab', () => {
  it('keypress 1 opens the card of the person calling (trunk-prefixed number)', async () => {
    expect(await popFor(call('A000001', '05334979714', '1'))).toBe(`${crm.origin}/card?id=P-7`);
  });

  it('keypress 2 opens a new quote for the company and person (number without trunk prefix)', async () => {
    expect(await popFor(call('A000002', '5334979714', '2'))).toBe(
      `${crm.origin}/quote?company=C-19&contact=P-7&phone=%2B905334979714`,
    );
  });

  it('keypress 3 opens a new support ticket', async () => {
    expect(await popFor(call('A000003', '+90 212 555 12 34', '3'))).toBe(
      `${crm.origin}/ticket?company=C-19&contact=C-19&call=A000003`,
    );
  });

  it('an unknown caller opens the unknown template with the number', async () => {
    expect(await popFor(call('A000004', '05320000000', '1'))).toBe(
      `${crm.origin}/new?phone=%2B905320000000&caller=05320000000&ext=911`,
    );
  });

  it('takes the PBX secret as a path prefix and as a query token, and refuses a wrong one', async () => {
    const path = `/t/${SECRET}`;
    const tab = browser.context.waitForEvent('page');
    const res = await fetch(`${relay.url}${path}/Default.aspx/IPS_callAnswered`, {
      method: 'POST',
      body: JSON.stringify(call('A000005', '05334979714', '1')),
    });
    expect(res.status).toBe(200);
    await (await tab).close();
    const wrong = await fetch(
      `${relay.url}/logocrm/Default.aspx/IPS_callAnswered?token=wrong-secret-0000000`,
      {
        method: 'POST',
        body: JSON.stringify(call('A000006', '05334979714', '1')),
      },
    );
    expect(wrong.status).toBe(401);
  });

  it("never pops another agent's call", async () => {
    const before = crm.requests.length;
    await postLogo(relay.url, SECRET, call('B000001', '05334979714', '1', '912'));
    expect(await popFor(call('A000007', '05334979714', '3'))).toContain('call=A000007');
    expect(crm.requests.slice(before).map((r) => r.path)).toEqual([expect.stringContaining('call=A000007')]);
  });
});

describe('the popup', () => {
  it('lists received calls with number, extension, call id, caller and keypress, and reopens one on click', async () => {
    const popup = await openPopup(browser.context, browser.extensionId);
    const row = popup.locator('[data-testid=call-row][data-call-id="A000002"]');
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('0533 497 97 14');
    expect(text).toContain('911');
    expect(text).toContain('A000002');
    expect(text).toContain('Ayşe Demir');
    expect(text).toContain('2');
    await expect(popup.locator('[data-testid=call-row][data-call-id="B000001"]').count()).resolves.toBe(0);
    const tab = browser.context.waitForEvent('page');
    await row.click();
    const reopened = await tab;
    await reopened.waitForURL((u) => u.origin === crm.origin);
    expect(reopened.url()).toBe(`${crm.origin}/quote?company=C-19&contact=P-7&phone=%2B905334979714`);
    await reopened.close();
    await popup.close();
  });
});

describe('the busy light and badge', () => {
  const event = (state: string) =>
    fetch(`${relay.url}/v1/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        callId: 'BUSY1',
        state,
        extension: '911',
        agentId: '911',
        callerId: '05334979714',
      }),
    });
  const badge = async () => {
    const worker = await browser.worker();
    return worker.evaluate(async () => {
      const action = (
        globalThis as unknown as {
          chrome: {
            action: {
              getBadgeBackgroundColor(d: object): Promise<number[]>;
              getBadgeText(d: object): Promise<string>;
            };
          };
        }
      ).chrome.action;
      return { color: await action.getBadgeBackgroundColor({}), text: await action.getBadgeText({}) };
    });
  };

  it('turns red while the agent is on a call and green after the hangup', async () => {
    const popup = await openPopup(browser.context, browser.extensionId);
    const light = popup.getByTestId('busy-light');
    await expect.poll(() => light.getAttribute('data-state')).toBe('free');
    const tab = browser.context.waitForEvent('page');
    expect((await event('ringing')).status).toBe(200);
    await popup.locator('[data-testid=call-row][data-call-id="BUSY1"]').waitFor();
    expect(await light.getAttribute('data-state')).toBe('free');
    expect((await event('answered')).status).toBe(200);
    await expect.poll(() => light.getAttribute('data-state')).toBe('busy');
    await expect.poll(async () => (await badge()).color).toEqual([207, 34, 46, 255]);
    await (await tab).close();
    expect((await event('hangup')).status).toBe(200);
    await expect.poll(() => light.getAttribute('data-state')).toBe('free');
    await expect.poll(async () => (await badge()).color).toEqual([87, 96, 106, 255]);
    await popup.close();
  });
});

describe('a stopped service worker', () => {
  it('still pops a call posted while it was down, once, after the alarm revives it', async () => {
    // A plain page hosts the CDP session: an extension page would keep the worker awake.
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await page.close();
    await new Promise((r) => setTimeout(r, 500));

    const from = crm.requests.length;
    const res = await postLogo(relay.url, SECRET, call('A000100', '05334979714', '2'));
    expect(res.status).toBe(200);
    // The 30 s keep-alive alarm is what revives the worker; nothing else pokes it here.
    const hit = await crm.waitFor((p) => p.startsWith('/quote?'), 45_000, from);
    expect(hit.path).toBe('/quote?company=C-19&contact=P-7&phone=%2B905334979714');

    // Give a duplicate every chance to show up, then count.
    await new Promise((r) => setTimeout(r, 1500));
    expect(crm.requests.slice(from).filter((r) => r.path.startsWith('/quote?'))).toHaveLength(1);
    const popup = await openPopup(browser.context, browser.extensionId);
    await popup.locator('[data-testid=call-row][data-call-id="A000100"]').waitFor();
    expect(await popup.locator('[data-testid=call-row][data-call-id="A000100"]').count()).toBe(1);
    for (const p of browser.context.pages()) if (p.url().startsWith(crm.origin)) await p.close();
    await popup.close();
  });
});
