// The admin's action rules, end to end: a CRM preset, the keypress map, the unknown-caller action,
// pop-on-state, ring groups, never popping twice, and the tab and focus policies — PBX event →
// relay process → service worker → CRM tab in Chromium with the built extension.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuedCall } from '../../shared/messages.ts';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, openOptions, openPopup, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { AYSE_TOKEN, contactsCsv, MEHMET_TOKEN, relayConfig, SECRET } from './scenario.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;
let options: Page;
let seq = 0;

// Extension 911 is a ring group: both Ayşe and Mehmet answer it (each with their own agent id).
const config = {
  ...relayConfig,
  agents: [
    { user: 'ayse', name: 'Ayşe Yılmaz', extensions: ['911'], agentIds: ['911'], token: AYSE_TOKEN },
    {
      user: 'mehmet',
      name: 'Mehmet Kaya',
      extensions: ['911', '912'],
      agentIds: ['912'],
      token: MEHMET_TOKEN,
    },
  ],
};

const vtiger = (crmOrigin: string, over: Record<string, unknown> = {}) => ({
  relayUrl: relay.url,
  agentToken: AYSE_TOKEN,
  defaultRegion: 'TR',
  crm: { preset: 'vtiger', origin: crmOrigin, templates: {} },
  keypressActions: { '1': 'card', '2': 'quote', '3': 'ticket', '4': 'search' },
  popOn: 'answered',
  tabPolicy: 'new',
  focusPolicy: 'focus',
  ...over,
});

/** Posts one generic call event (`POST /v1/calls`) as a PBX would. */
async function post(body: {
  callId: string;
  state: string;
  callerId: string;
  keypress?: string;
  agentId?: string;
}): Promise<void> {
  const res = await fetch(`${relay.url}/v1/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ extension: '911', ...body }),
  });
  expect(res.status, await res.text()).toBe(200);
}

const crmPages = () => browser.context.pages().filter((p) => p.url().startsWith(crm.origin));

/** Posts an event that must open a CRM tab and returns the tab's URL (path and query). */
async function popFor(body: Parameters<typeof post>[0]): Promise<string> {
  const from = crm.requests.length;
  await post(body);
  const req = await crm.waitFor(() => true, 15_000, from);
  return decodeURIComponent(req.path);
}

/**
 * Proves an event opened nothing: a sentinel call posted after it pops, and events reach the
 * worker in order, so a pop for the first would have come before the sentinel's.
 */
async function nothingOpensFor(body: Parameters<typeof post>[0], sentinelState = 'answered'): Promise<void> {
  const from = crm.requests.length;
  await post(body);
  const sentinel = `SENT${++seq}`;
  await post({
    callId: sentinel,
    state: sentinelState,
    callerId: '05334979714',
    keypress: '3',
    agentId: '911',
  });
  await crm.waitFor((p) => p.includes('HelpDesk'), 15_000, from);
  expect(crm.requests.slice(from).map((r) => decodeURIComponent(r.path))).toEqual([
    '/index.php?module=HelpDesk&view=Edit&parent_id=C-19&contact_id=P-7',
  ]);
}

/** Saves settings as the options page does; the worker restarts its connection with them. */
async function useSettings(over: Record<string, unknown> = {}): Promise<void> {
  const since = new Date().toISOString();
  const before = await ask(options, 'settings.get');
  const saved = await ask(options, 'settings.save', { settings: vtiger(crm.origin, over) });
  expect(saved.errors).toEqual([]);
  // Unchanged settings do not restart anything.
  if (JSON.stringify(before.settings) === JSON.stringify((await ask(options, 'settings.get')).settings))
    return;
  // The new connection's welcome is newer than the save: the old settings can no longer apply.
  await waitUntil('relay connected with the new settings', async () => {
    const { connection } = await ask(options, 'status.get');
    return connection.state === 'connected' && (connection.lastMessageAt ?? '') > since;
  });
}

async function closeCrmTabs(): Promise<void> {
  for (const page of crmPages()) await page.close();
}

async function queued(callId: string): Promise<QueuedCall | undefined> {
  const { calls } = await ask(options, 'calls.list');
  return calls.find((c) => c.callId === callId);
}

beforeAll(async () => {
  crm = await startFakeCrm();
  // Zeynep shares her company's switchboard number: one caller, two contacts.
  relay = await startRelay(
    config,
    `${contactsCsv}\nP-9,person,Zeynep Ak,C-19,IP Santral Firması,0212 555 12 34,`,
  );
  browser = await launchWithExtension();
  options = await openOptions(browser.context, browser.extensionId);
  await useSettings();
  await waitUntil('contacts synced', async () => (await ask(options, 'status.get')).sync.contacts === 5);
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await crm?.close();
});

describe('the vtiger preset', () => {
  it('opens the Contacts record of a person and the Accounts record of a company', async () => {
    expect(await popFor({ callId: 'V1', state: 'answered', callerId: '05334979714', keypress: '1' })).toBe(
      '/index.php?module=Contacts&view=Detail&record=P-7',
    );
    expect(await popFor({ callId: 'V2', state: 'answered', callerId: '02125551234', keypress: '1' })).toBe(
      '/index.php?module=Accounts&view=Detail&record=C-19',
    );
  });

  it('opens a new quote and a new ticket with the organisation and the contact filled in', async () => {
    expect(await popFor({ callId: 'V3', state: 'answered', callerId: '5334979714', keypress: '2' })).toBe(
      '/index.php?module=Quotes&view=Edit&account_id=C-19&contact_id=P-7',
    );
    expect(await popFor({ callId: 'V4', state: 'answered', callerId: '5334979714', keypress: '3' })).toBe(
      '/index.php?module=HelpDesk&view=Edit&parent_id=C-19&contact_id=P-7',
    );
    await closeCrmTabs();
  });
});

describe('a number several contacts share', () => {
  it('pops the best match and lets the agent pick another in the popup', async () => {
    // The company (Ayşe's own contact) ranks before Zeynep, who has the same number.
    expect(await popFor({ callId: 'M1', state: 'answered', callerId: '02125551234', keypress: '1' })).toBe(
      '/index.php?module=Accounts&view=Detail&record=C-19',
    );
    const popup = await openPopup(browser.context, browser.extensionId);
    const row = popup.locator('[data-testid=call-row][data-call-id=M1]');
    await row.waitFor();
    expect(await row.textContent()).toContain('IP Santral Firması');
    const other = popup.locator('li', { has: row }).locator('[data-testid=candidate][data-contact-id=P-9]');
    expect(await other.textContent()).toContain('Zeynep Ak');
    const from = crm.requests.length;
    await other.click();
    const req = await crm.waitFor(() => true, 15_000, from);
    expect(decodeURIComponent(req.path)).toBe('/index.php?module=Contacts&view=Detail&record=P-9');
    // The tab opens first, then the worker records the choice on the call.
    await waitUntil(
      'the call now names Zeynep',
      async () => (await queued('M1'))?.contact?.name === 'Zeynep Ak',
    );
    await popup.close();
    await closeCrmTabs();
  });
});

describe('the keypress map and unknown callers', () => {
  it('maps keypress 4 to a CRM search by the national number', async () => {
    expect(await popFor({ callId: 'K4', state: 'answered', callerId: '05334979714', keypress: '4' })).toBe(
      // Every phone field, for the national tail or the digits: found however the number was typed.
      '/index.php?module=Contacts&view=List&search_params=[[],[["mobile","c","497 97 14"],["mobile","c","5334979714"],["phone","c","497 97 14"],["phone","c","5334979714"],["homephone","c","497 97 14"],["homephone","c","5334979714"],["otherphone","c","497 97 14"],["otherphone","c","5334979714"]]]',
    );
  });

  it('gives an unknown caller a new contact pre-filled with the number, or a search', async () => {
    expect(await popFor({ callId: 'U1', state: 'answered', callerId: '05320000000', keypress: '2' })).toBe(
      '/index.php?module=Contacts&view=Edit&mobile=0532 000 00 00',
    );
    await useSettings({ unknownAction: 'search' });
    expect(await popFor({ callId: 'U2', state: 'answered', callerId: '05320000001', keypress: '1' })).toBe(
      '/index.php?module=Contacts&view=List&search_params=[[],[["mobile","c","000 00 01"],["mobile","c","5320000001"],["phone","c","000 00 01"],["phone","c","5320000001"],["homephone","c","000 00 01"],["homephone","c","5320000001"],["otherphone","c","000 00 01"],["otherphone","c","5320000001"]]]',
    );
    await closeCrmTabs();
  });

  it('pops nothing for a keypress the admin mapped to none, and keeps the call in the queue', async () => {
    await useSettings({ keypressActions: { '1': 'card', '3': 'ticket', '9': 'none' } });
    await nothingOpensFor({ callId: 'K9', state: 'answered', callerId: '05334979714', keypress: '9' });
    expect((await queued('K9'))?.contact?.name).toBe('Ayşe Demir');
    await closeCrmTabs();
  });
});

describe('when a call pops', () => {
  it('pops on answer by default: ringing only queues the call, and a repeated answer does not pop again', async () => {
    await useSettings();
    await nothingOpensFor({ callId: 'R1', state: 'ringing', callerId: '05334979714', keypress: '1' });
    expect((await queued('R1'))?.state).toBe('ringing');
    expect(
      await popFor({
        callId: 'R1',
        state: 'answered',
        callerId: '05334979714',
        keypress: '1',
        agentId: '911',
      }),
    ).toBe('/index.php?module=Contacts&view=Detail&record=P-7');
    // The PBX retries with another keypress (a new event, not a duplicate): still no second tab.
    await nothingOpensFor({
      callId: 'R1',
      state: 'answered',
      callerId: '05334979714',
      keypress: '2',
      agentId: '911',
    });
    await closeCrmTabs();
  });

  it('pops on ringing when the admin chose it, and not again when the call is answered', async () => {
    await useSettings({ popOn: 'ringing' });
    expect(await popFor({ callId: 'R2', state: 'ringing', callerId: '05334979714', keypress: '1' })).toBe(
      '/index.php?module=Contacts&view=Detail&record=P-7',
    );
    await nothingOpensFor(
      { callId: 'R2', state: 'answered', callerId: '05334979714', keypress: '1', agentId: '911' },
      'ringing',
    );
    await closeCrmTabs();
  });

  it('never pops when turned off; the queued call still opens when the agent clicks it', async () => {
    await useSettings({ popOn: 'never' });
    const before = crm.requests.length;
    await post({ callId: 'R3', state: 'ringing', callerId: '05334979714', keypress: '2' });
    await post({ callId: 'R3', state: 'answered', callerId: '05334979714', keypress: '2', agentId: '911' });
    // The worker opens a pop before it writes the queue row, so once the row is there a pop would be too.
    await waitUntil('the answered call in the queue', async () => (await queued('R3'))?.skipped === 'popOff');
    expect(crm.requests.length).toBe(before);
    const from = crm.requests.length;
    const resumed = await ask(options, 'calls.resume', { id: 'R3', force: true });
    expect(resumed.ok, resumed.error).toBe(true);
    const req = await crm.waitFor(() => true, 10_000, from);
    expect(decodeURIComponent(req.path)).toBe(
      '/index.php?module=Quotes&view=Edit&account_id=C-19&contact_id=P-7',
    );
    await closeCrmTabs();
  });

  it('in a ring group, only the agent who answered gets the tab', async () => {
    await useSettings();
    // Mehmet (agent id 912) answers a call that rang the group on 911: Ayşe's browser stays put.
    await nothingOpensFor({
      callId: 'G1',
      state: 'answered',
      callerId: '05334979714',
      keypress: '1',
      agentId: '912',
    });
    const call = await queued('G1');
    expect([call?.answeredBy, call?.skipped]).toEqual(['mehmet', 'elsewhere']);
    // Ayşe answers the next one herself.
    expect(
      await popFor({
        callId: 'G2',
        state: 'answered',
        callerId: '05334979714',
        keypress: '1',
        agentId: '911',
      }),
    ).toBe('/index.php?module=Contacts&view=Detail&record=P-7');
    await closeCrmTabs();
  });
});

describe('tab and focus policy', () => {
  const activeTabUrl = async () => {
    const worker = await browser.worker();
    return worker.evaluate(async () => {
      const tabs = (
        globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ url?: string }[]> } } }
      ).chrome.tabs;
      const [tab] = await tabs.query({ active: true, lastFocusedWindow: true });
      return tab?.url ?? '';
    });
  };

  it('reuses one pop tab for every call when the admin chose it', async () => {
    await useSettings({ tabPolicy: 'reuse' });
    await popFor({ callId: 'T1', state: 'answered', callerId: '05334979714', keypress: '1', agentId: '911' });
    await popFor({ callId: 'T2', state: 'answered', callerId: '02125551234', keypress: '1', agentId: '911' });
    await waitUntil('the reused tab shows the second call', async () => {
      const pages = crmPages();
      return pages.length === 1 && pages[0]?.url().includes('module=Accounts');
    });
    await closeCrmTabs();
  });

  it('opens the tab in the background when the admin chose not to steal focus', async () => {
    await useSettings({ focusPolicy: 'keep' });
    // The options page is what the agent is working in.
    await options.bringToFront();
    await popFor({ callId: 'F1', state: 'answered', callerId: '05334979714', keypress: '1', agentId: '911' });
    await waitUntil('the CRM tab exists', async () => crmPages().length === 1);
    expect(await activeTabUrl()).toContain('options/options.html');
    await closeCrmTabs();
    await useSettings({ focusPolicy: 'focus' });
    await popFor({ callId: 'F2', state: 'answered', callerId: '05334979714', keypress: '1', agentId: '911' });
    await waitUntil('the CRM tab is in front', async () => (await activeTabUrl()).startsWith(crm.origin));
    await closeCrmTabs();
  });
});
