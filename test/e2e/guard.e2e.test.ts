// The pending-work guard, end to end: a call pops its CRM tab, the agent leaves work unsaved there,
// and resuming another call from the popup asks first. With host access to the CRM the page itself
// is probed; without it, only a tab still on an edit/new URL counts.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionTab } from '../../background/tabs.ts';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, openPopup, postLogo, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, logoCall, relayConfig, SECRET } from './scenario.ts';

const EN_MESSAGE = 'You still have an unsaved or pending operation. Please complete it first.';
const TR_MESSAGE = 'Halen kaydedilmeyen/bekleyen işleminiz var. Lütfen önce işleminizi tamamlayın.';
const QUOTE_URL = (origin: string) => `${origin}/quote?company=C-19&contact=P-7&phone=%2B905334979714`;

let relay: RelayProcess;
let crm: FakeCrm;

const call = logoCall;

// Worker-side code below is serialised by Playwright: it may use nothing from this module.
type Chrome = {
  storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
  tabs: { get(id: number): Promise<{ active: boolean; url?: string }> };
};

async function actionTab(b: ExtensionBrowser): Promise<ActionTab | undefined> {
  const worker = await b.worker();
  return worker.evaluate(
    async () =>
      (await (globalThis as unknown as { chrome: Chrome }).chrome.storage.session.get('actionTab'))
        .actionTab as ActionTab | undefined,
  );
}

async function tabActive(b: ExtensionBrowser, tabId: number): Promise<boolean> {
  const worker = await b.worker();
  return worker.evaluate(
    async (id) => (await (globalThis as unknown as { chrome: Chrome }).chrome.tabs.get(id)).active,
    tabId,
  );
}

/** Posts a call, waits for the CRM tab it pops and for the worker to note it as the action tab. */
async function popTab(
  b: ExtensionBrowser,
  body: ReturnType<typeof call>,
): Promise<{ page: Page; tab: ActionTab }> {
  const opened = b.context.waitForEvent('page', { timeout: 15_000 });
  const res = await postLogo(relay.url, SECRET, body);
  expect(res.status, await res.clone().text()).toBe(200);
  const page = await opened;
  await page.waitForURL((u) => u.origin === crm.origin);
  await page.waitForLoadState('load');
  const tab = await waitUntil('the pop noted as the action tab', async () => {
    const t = await actionTab(b);
    return t?.callId === body.callUniqueId ? t : undefined;
  });
  return { page, tab };
}

/** Clicks a queued call in a fresh popup; answers the popup and the dialog locator. */
async function clickCall(b: ExtensionBrowser, callId: string) {
  const popup = await openPopup(b.context, b.extensionId);
  await popup.locator(`[data-testid=call-row][data-call-id="${callId}"]`).click();
  return { popup, dialog: popup.getByTestId('pending-dialog') };
}

/** Clicks a call and expects its page to open straight away, with no dialog. */
async function expectOpensStraightAway(b: ExtensionBrowser, callId: string, url: string): Promise<Page> {
  const before = await actionTab(b);
  const popup = await openPopup(b.context, b.extensionId);
  const dialog = popup.getByTestId('pending-dialog');
  const opened = b.context.waitForEvent('page', { timeout: 15_000 });
  await popup.locator(`[data-testid=call-row][data-call-id="${callId}"]`).click();
  const page = await opened;
  await page.waitForURL(url);
  expect(await dialog.count(), 'no dialog when nothing is pending').toBe(0);
  // The newly opened tab becomes the one the guard looks at next.
  await waitUntil('the new action tab', async () => (await actionTab(b))?.at !== before?.at);
  await popup.close();
  return page;
}

/**
 * Waits until the unload marker noted the page's settled state (loaded, start-up scripts done, the
 * DOM quiet): `field` then has a state to be compared with.
 */
async function settled(page: Page, field: string) {
  await page.waitForFunction((selector) => {
    const marker = (window as unknown as Record<string, { changed(el: Element | null): unknown }>)
      .__screenpopGuard;
    return marker?.changed(document.querySelector(selector)) !== undefined;
  }, field);
}

const VTIGER = {
  detail: '/index.php?module=Contacts&view=Detail&record=7&vtiger=detail',
  quote: '/index.php?module=Quotes&view=Edit&account_id=2&contact_id=7&vtiger=quote',
  ticket: '/index.php?module=HelpDesk&view=Edit&parent_id=2&contact_id=7&vtiger=ticket',
};

async function closeCrmTabs(b: ExtensionBrowser) {
  for (const p of b.context.pages()) if (p.url().startsWith(crm.origin)) await p.close();
}

async function configure(b: ExtensionBrowser) {
  const options = await openOptions(b.context, b.extensionId);
  const imported = await importSettings(options, relay.dir, extensionSettings(relay.url, crm.origin));
  expect(imported.ok, imported.text).toBe(true);
  await waitUntil('contacts synced and relay connected', async () => {
    const { connection, sync } = await ask(options, 'status.get');
    return connection.state === 'connected' && sync.contacts === 4;
  });
  return options;
}

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
});

afterAll(async () => {
  await relay?.stop();
  await crm?.close();
});

describe('with host access to the CRM (the page is probed)', () => {
  let b: ExtensionBrowser;

  beforeAll(async () => {
    b = await launchWithExtension([], { grantHosts: [`${crm.origin}/*`] });
    const options = await configure(b);
    await waitUntil(
      'the options page shows access granted',
      async () =>
        (await options.getByTestId('guard-permission-state').getAttribute('data-state')) === 'granted',
    );
    await options.close();
    // A second call to resume: its quote tab is closed again, so only the next pop matters.
    await (await popTab(b, call('G-B1', '05334979714', '2'))).page.close();
  });

  afterAll(async () => {
    await b?.close();
  });

  it('typed-in form: asks first; "Go to it" shows that tab, Cancel does nothing, "Open anyway" opens', async () => {
    const { page: crmTab, tab } = await popTab(b, call('G-A1', '05334979714', '1'));
    await crmTab.fill('input[name=subject]', 'Printer on fire');

    const from = crm.requests.length;
    const { popup, dialog } = await clickCall(b, 'G-B1');
    await dialog.waitFor();
    expect(await dialog.getAttribute('role')).toBe('alertdialog');
    expect(await dialog.getAttribute('data-reason')).toBe('dirtyForm');
    expect(await popup.getByTestId('pending-message').textContent()).toBe(EN_MESSAGE);
    expect(await dialog.textContent()).toContain(`${crm.origin}/card?id=P-7`);
    expect(
      crm.requests.slice(from).map((r) => r.path),
      'nothing opens while the agent decides',
    ).toEqual([]);
    expect(await popup.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'pending-go',
    );
    mkdirSync('test-results/screenshots', { recursive: true });
    await popup.setViewportSize({ width: 420, height: 420 });
    await popup.screenshot({ path: 'test-results/screenshots/guard-en.png' });

    expect(await tabActive(b, tab.tabId), 'the popup tab is in front before "Go to it"').toBe(false);
    await popup.getByTestId('pending-go').click();
    await expect.poll(() => tabActive(b, tab.tabId)).toBe(true);
    if (!popup.isClosed()) await popup.close();

    const again = await clickCall(b, 'G-B1');
    await again.dialog.waitFor();
    await again.popup.getByTestId('pending-cancel').click();
    expect(await again.dialog.count()).toBe(0);
    expect(crm.requests.slice(from).map((r) => r.path)).toEqual([]);

    const opened = b.context.waitForEvent('page', { timeout: 15_000 });
    await again.popup.locator('[data-testid=call-row][data-call-id="G-B1"]').click();
    await again.dialog.waitFor();
    await again.popup.getByTestId('pending-open').click();
    const quote = await opened;
    await quote.waitForURL(QUOTE_URL(crm.origin));
    expect(await again.dialog.count()).toBe(0);
    expect(await crmTab.inputValue('input[name=subject]'), 'the unsaved tab is left alone').toBe(
      'Printer on fire',
    );
    await again.popup.close();
    await closeCrmTabs(b);
  });

  it('a page guarding itself with a beforeunload listener (or onbeforeunload) asks first, untouched', async () => {
    const { page: crmTab } = await popTab(b, call('G-A2', '05334979714', '1'));
    await crmTab.goto(`${crm.origin}/card?id=P-7&beforeunload=1`);

    const first = await clickCall(b, 'G-B1');
    await first.dialog.waitFor();
    expect(await first.dialog.getAttribute('data-reason')).toBe('beforeUnload');
    await first.popup.close();

    await crmTab.goto(`${crm.origin}/card?id=P-7`);
    await expectOpensStraightAway(b, 'G-B1', QUOTE_URL(crm.origin)).then((p) => p.close());

    const { page: second } = await popTab(b, call('G-A3', '05334979714', '1'));
    await second.evaluate(() => {
      window.onbeforeunload = () => 'unsaved';
    });
    const next = await clickCall(b, 'G-B1');
    await next.dialog.waitFor();
    expect(await next.dialog.getAttribute('data-reason')).toBe('beforeUnload');
    await next.popup.close();
    await closeCrmTabs(b);
  });

  it('an untouched form resumes straight away, even on an edit URL with preset fields', async () => {
    await popTab(b, call('G-A4', '05334979714', '1'));
    const quote = await expectOpensStraightAway(b, 'G-B1', QUOTE_URL(crm.origin));
    // Now the quote tab is the action tab: put it on a new-ticket form whose defaults are not
    // its fields' first states. The page says clean, and the probe outranks the URL.
    await quote.goto(`${crm.origin}/ticket/new?company=C-19&fields=1`);
    const next = await expectOpensStraightAway(b, 'G-B1', QUOTE_URL(crm.origin));

    // The same page once the agent changes one of those fields (in the newest action tab) asks.
    await next.goto(`${crm.origin}/ticket/new?company=C-19&fields=1`);
    await next.selectOption('select[name=status]', 'open');
    const { popup, dialog } = await clickCall(b, 'G-B1');
    await dialog.waitFor();
    expect(await dialog.getAttribute('data-reason')).toBe('dirtyForm');
    await popup.close();
    await closeCrmTabs(b);
  });
  it('vtiger-like pages read clean after their start-up scripts, and dirty once the agent types', async () => {
    const { page: detail } = await popTab(b, call('G-A5', '05334979714', '1'));
    await detail.goto(`${crm.origin}${VTIGER.detail}`);
    await settled(detail, '#rollupcomments');
    expect(
      await detail.$eval('#rollupcomments', (el) => (el as HTMLInputElement).defaultChecked),
      'the box differs from its HTML default on a page nobody touched',
    ).toBe(true);
    const quote = await expectOpensStraightAway(b, 'G-B1', QUOTE_URL(crm.origin));

    await quote.goto(`${crm.origin}${VTIGER.quote}`);
    await settled(quote, '[name=tax1_group_amount]');
    expect(await quote.inputValue('[name=tax1_group_amount]'), 'filled by the page after load').toBe('0.00');
    expect(
      await quote.evaluate(() => typeof window.onbeforeunload),
      'the edit view has a beforeunload handler that would not ask',
    ).toBe('function');
    const ticket = await expectOpensStraightAway(b, 'G-B1', QUOTE_URL(crm.origin));

    await ticket.goto(`${crm.origin}${VTIGER.ticket}`);
    await settled(ticket, '[name=ticket_title]');
    const last = await expectOpensStraightAway(b, 'G-B1', QUOTE_URL(crm.origin));

    await last.goto(`${crm.origin}${VTIGER.ticket}`);
    await settled(last, '[name=ticket_title]');
    await last.fill('[name=ticket_title]', 'Printer on fire');
    const { popup, dialog } = await clickCall(b, 'G-B1');
    await dialog.waitFor();
    expect(await dialog.getAttribute('data-reason')).toBe('dirtyForm');
    await popup.close();
    await closeCrmTabs(b);
  });

  it('a vtiger edit view whose own handler would ask counts, even when the form diff cannot see it', async () => {
    const { page } = await popTab(b, call('G-A6', '05334979714', '1'));
    await page.goto(`${crm.origin}${VTIGER.ticket}`);
    await settled(page, '[name=ticket_title]');
    // A picker widget puts the agent's choice into a hidden field (vtiger's reference fields do):
    // the probe skips hidden fields, but the page's own check sees the change and would ask.
    await page.evaluate(() => {
      (document.querySelector('[name=ticket_title]') as HTMLInputElement).form?.append(
        Object.assign(document.createElement('input'), {
          type: 'hidden',
          name: 'comment',
          value: 'typed in a widget',
        }),
      );
    });
    const { popup, dialog } = await clickCall(b, 'G-B1');
    await dialog.waitFor();
    expect(await dialog.getAttribute('data-reason')).toBe('beforeUnload');
    await popup.close();
    await closeCrmTabs(b);
  });
});

describe('without host access (edit/new URL fallback), in Turkish', () => {
  let b: ExtensionBrowser;

  beforeAll(async () => {
    b = await launchWithExtension(['--lang=tr']);
    const options = await configure(b);
    await waitUntil(
      'the options page shows access denied',
      async () =>
        (await options.getByTestId('guard-permission-state').getAttribute('data-state')) === 'denied',
    );
    await options.close();
    await (await popTab(b, call('N-B1', '05334979714', '2'))).page.close();
  });

  afterAll(async () => {
    await b?.close();
  });

  it('a tab still on a new/edit page asks first; on a card page it does not', async () => {
    // An unknown caller opens "new contact": an edit page.
    const { page: crmTab } = await popTab(b, call('N-A1', '05320000000', '1'));
    expect(new URL(crmTab.url()).pathname).toBe('/new');
    const first = await clickCall(b, 'N-B1');
    await first.dialog.waitFor();
    expect(await first.dialog.getAttribute('data-reason')).toBe('editUrl');
    expect(await first.popup.getByTestId('pending-message').textContent()).toBe(TR_MESSAGE);
    await first.popup.close();

    await crmTab.goto(`${crm.origin}/card?id=P-7`);
    const quote = await expectOpensStraightAway(b, 'N-B1', QUOTE_URL(crm.origin));

    // vtiger's edit view in the (new) action tab asks again; "open anyway" still opens.
    await quote.goto(`${crm.origin}/index.php?module=HelpDesk&view=Edit&record=5`);
    const last = await clickCall(b, 'N-B1');
    await last.dialog.waitFor();
    const opened = b.context.waitForEvent('page', { timeout: 15_000 });
    expect(await last.dialog.getAttribute('data-reason')).toBe('editUrl');
    await last.popup.getByTestId('pending-open').click();
    await (await opened).waitForURL(QUOTE_URL(crm.origin));
    await last.popup.close();
    await closeCrmTabs(b);
  });
});
