// Desktop notifications in the built extension: a popped call shows one naming the caller, a click
// on it brings the call back, a button opens another action, and the admin's focus policy decides
// whether one shows at all. No CDP command clicks a notification, so the tests dispatch the click
// event in the service worker, which runs the extension's own listeners.
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, postLogo, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, logoCall, relayConfig, SECRET } from './scenario.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;
/** An extension page kept open to ask the worker (calls.list, status.get) and to host imports. */
let options: Page;

interface NotificationEvent {
  dispatch(...args: unknown[]): void;
}
type WorkerChrome = {
  chrome: {
    notifications: {
      getAll(): Promise<Record<string, boolean>>;
      onClicked: NotificationEvent;
      onButtonClicked: NotificationEvent;
    };
    storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
    tabs: { query(q: object): Promise<{ id: number; url?: string; active: boolean }[]> };
  };
};
interface Record_ {
  callId: string;
  actions: string[];
  options: {
    title: string;
    message: string;
    contextMessage?: string;
    buttons?: { title: string }[];
    requireInteraction?: boolean;
  };
}

const call = logoCall;

const worker = (): Promise<Worker> => browser.worker();

async function notificationIds(): Promise<string[]> {
  return Object.keys(
    await (await worker()).evaluate(() =>
      (globalThis as unknown as WorkerChrome).chrome.notifications.getAll(),
    ),
  );
}

/** What the extension passed to `notifications.create` for this id (Chrome's getAll returns ids only). */
async function created(id: string): Promise<Record_ | undefined> {
  return (await worker()).evaluate(async (key) => {
    const got = await (globalThis as unknown as WorkerChrome).chrome.storage.session.get(key);
    return got[key] as Record_ | undefined;
  }, `notification:${id}`);
}

async function dispatch(event: 'onClicked' | 'onButtonClicked', ...args: unknown[]): Promise<void> {
  await (await worker()).evaluate(
    ([name, rest]) => (globalThis as unknown as WorkerChrome).chrome.notifications[name].dispatch(...rest),
    [event, args] as const,
  );
}

/** Posts a call and resolves with the CRM tab it opened (left open). */
async function pop(body: ReturnType<typeof call>): Promise<Page> {
  const tab = browser.context.waitForEvent('page', { timeout: 15_000 });
  const res = await postLogo(relay.url, SECRET, body);
  expect(res.status, await res.clone().text()).toBe(200);
  const page = await tab;
  await page.waitForURL((u) => u.origin === crm.origin);
  return page;
}

/** Waits until the queue holds the call as stored after its pop (the notification, if any, came first). */
async function settled(id: string) {
  return waitUntil(`call ${id} stored`, async () => {
    const { calls } = await ask(options, 'calls.list');
    return calls.find((c) => c.id === id && c.url);
  });
}

async function configure(extra: Record<string, unknown>): Promise<void> {
  const base = extensionSettings(relay.url, crm.origin);
  const settings = {
    ...base,
    crm: { ...base.crm, templates: { ...base.crm.templates, search: `${crm.origin}/search?q={national}` } },
    ...extra,
  };
  // A fresh page: a second import's result reads the same as the first, so nothing would change.
  await options.reload();
  const imported = await importSettings(options, relay.dir, settings);
  expect(imported.ok, imported.text).toBe(true);
  await waitUntil(
    'relay connected',
    async () => (await ask(options, 'status.get')).connection.state === 'connected',
  );
}

async function closeCrmTabs(): Promise<void> {
  for (const p of browser.context.pages()) if (p.url().startsWith(crm.origin)) await p.close();
}

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  browser = await launchWithExtension();
  options = await openOptions(browser.context, browser.extensionId);
  await configure({});
  await waitUntil('contacts synced', async () => (await ask(options, 'status.get')).sync.contacts === 4);
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await crm?.close();
});

describe('a popped call shows a desktop notification', () => {
  it('names the caller, their company and how the number matched, with two buttons', async () => {
    await (await pop(call('N000001', '05334979714', '1'))).close();
    await expect.poll(notificationIds).toContain('call:N000001');
    const record = await created('call:N000001');
    expect(record?.options.title).toBe('Ayşe Demir');
    expect(record?.options.message).toContain('IP Santral Firması');
    expect(record?.options.message).toContain('Match: Same number');
    expect(record?.options.contextMessage).toBe('0533 497 97 14');
    expect(record?.options.buttons?.map((b) => b.title)).toEqual(['New ticket', 'New quote']);
  });

  it("a click reopens the call's CRM page and clears the notification", async () => {
    const from = crm.requests.length;
    const tab = browser.context.waitForEvent('page', { timeout: 15_000 });
    await dispatch('onClicked', 'call:N000001');
    const page = await tab;
    await page.waitForURL((u) => u.origin === crm.origin);
    expect(page.url()).toBe(`${crm.origin}/card?id=P-7`);
    expect(crm.requests.slice(from).map((r) => r.path)).toContain('/card?id=P-7');
    await expect.poll(notificationIds).not.toContain('call:N000001');
    await page.close();
  });

  it('the first button opens a new ticket for the caller and records it in the queue', async () => {
    await (await pop(call('N000002', '05334979714', '1'))).close();
    await expect.poll(notificationIds).toContain('call:N000002');
    const tab = browser.context.waitForEvent('page', { timeout: 15_000 });
    await dispatch('onButtonClicked', 'call:N000002', 0);
    const page = await tab;
    await page.waitForURL((u) => u.origin === crm.origin);
    expect(page.url()).toBe(`${crm.origin}/ticket?company=C-19&contact=P-7&call=N000002`);
    await page.close();
    await waitUntil('the queue shows the ticket', async () => {
      const { calls } = await ask(options, 'calls.list');
      return calls.find((c) => c.id === 'N000002' && c.action === 'ticket');
    });
    await expect.poll(notificationIds).not.toContain('call:N000002');
  });

  it('an unknown caller: the number as title, buttons for search only (new contact already opened)', async () => {
    await (await pop(call('N000003', '05320000000', '1'))).close();
    await expect.poll(notificationIds).toContain('call:N000003');
    const record = await created('call:N000003');
    expect(record?.options.title).toBe('0532 000 00 00');
    expect(record?.options.message).toContain('no contact has this number');
    expect(record?.options.buttons?.map((b) => b.title)).toEqual(['Search in CRM']);
  });
});

describe('the admin decides', () => {
  it('notifications off (focus brought to the pop): none is shown', async () => {
    await configure({ notifications: false, focusPolicy: 'focus' });
    const page = await pop(call('N000010', '05334979714', '1'));
    await settled('N000010');
    expect(await notificationIds()).not.toContain('call:N000010');
    await page.close();
  });

  it("'don't steal focus': the pop opens in the background, the notification shows anyway and a click brings that tab forward", async () => {
    await configure({ notifications: false, focusPolicy: 'keep' });
    const page = await pop(call('N000011', '05334979714', '3'));
    const url = `${crm.origin}/ticket?company=C-19&contact=P-7&call=N000011`;
    await settled('N000011');
    const crmTabs = () =>
      worker().then((w) =>
        w.evaluate(
          (o) => (globalThis as unknown as WorkerChrome).chrome.tabs.query({ url: `${o}/*` }),
          crm.origin,
        ),
      );
    expect(await crmTabs(), 'the pop tab is open but not in front').toEqual([
      expect.objectContaining({ url, active: false }),
    ]);
    expect(await notificationIds()).toContain('call:N000011');
    expect((await created('call:N000011'))?.options.requireInteraction).toBe(true);

    const requests = crm.requests.length;
    await dispatch('onClicked', 'call:N000011');
    await expect.poll(crmTabs).toEqual([expect.objectContaining({ url, active: true })]);
    expect(crm.requests.length, 'the tab is shown, not loaded again').toBe(requests);
    await page.close();
    await closeCrmTabs();
  });
});
