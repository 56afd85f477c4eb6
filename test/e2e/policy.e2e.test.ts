// Enterprise deployment end to end: Chromium reads a policy file for the extension from
// /etc/chromium/policies/managed/, and with no import or typing at all the worker connects to the
// relay and pops calls with the policy's CRM templates; the options page shows the policy's fields
// locked and the policy value it could not use.
//
// The policy file must sit in /etc/chromium (there is no flag to move it). So that no other browser
// on the machine sees it, Chromium runs in its own mount namespace with a private copy of
// /etc/chromium bound over the real one; where that is not allowed, a uniquely named file goes into
// the real directory and is removed afterwards.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, postLogo, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { AYSE_TOKEN, contactsCsv, logoCall, relayConfig, SECRET } from './scenario.ts';

const EXTENSION_ID = 'dhabiokniikknfidbhccdfcpelbijnna';
const LOCKED_TEXT = "Set by your organisation's policy";

let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;
let tmp: string;
/** Set when the policy had to go into the real /etc/chromium (no mount namespace): removed after. */
let sharedPolicyFile: string | null = null;
let policy: Record<string, unknown>;

/** True when this process may give a child its own mount namespace (root, or user namespaces). */
function canUnshareMounts(): boolean {
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'true'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** Writes the policy where the test browser (and only it, when possible) reads it. */
function installPolicy(managedPolicy: Record<string, unknown>): Parameters<typeof launchWithExtension>[1] {
  const file = { '3rdparty': { extensions: { [EXTENSION_ID]: managedPolicy } } };
  if (canUnshareMounts()) {
    const etc = join(tmp, 'etc-chromium');
    if (existsSync('/etc/chromium')) spawnSync('cp', ['-a', '/etc/chromium', etc]);
    mkdirSync(join(etc, 'policies', 'managed'), { recursive: true });
    writeFileSync(join(etc, 'policies', 'managed', 'screenpop.json'), JSON.stringify(file, null, 2));
    const wrapper = join(tmp, 'chromium-ns');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nexec unshare -m --propagation private sh -c 'mount --bind "$CHROMIUM_ETC" /etc/chromium && exec "$CHROMIUM_BIN" "$@"' chromium-ns "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    return { executablePath: wrapper, env: { CHROMIUM_ETC: etc, CHROMIUM_BIN: CHROMIUM } };
  }
  // Fallback: other browsers started meanwhile would see it too, so this file runs alone.
  mkdirSync('/etc/chromium/policies/managed', { recursive: true });
  sharedPolicyFile = `/etc/chromium/policies/managed/screenpop-e2e-${process.pid}-${Date.now()}.json`;
  writeFileSync(sharedPolicyFile, JSON.stringify(file, null, 2));
  return {};
}

const call = logoCall;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'screenpop-policy-'));
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  policy = {
    relayUrl: relay.url,
    agentToken: AYSE_TOKEN,
    crm: {
      origin: crm.origin,
      templates: {
        card: `${crm.origin}/policy/card?id={contactId}`,
        newContact: `${crm.origin}/policy/new?phone={phone}`,
      },
    },
    keypressActions: { '1': 'card', '2': 'card' },
    // Out of range (10–5000): Chrome passes it (the schema says integer); the extension must report it.
    queue: { maxCalls: 1 },
  };
  browser = await launchWithExtension([], installPolicy(policy));
});

afterAll(async () => {
  await browser?.close();
  if (sharedPolicyFile) rmSync(sharedPolicyFile, { force: true });
  await relay?.stop();
  await crm?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('enterprise policy: deployed with no manual setup', () => {
  let options: Page;

  it('the worker connects to the policy relay and syncs contacts, with nothing imported or typed', async () => {
    options = await openOptions(browser.context, browser.extensionId);
    const stored = await options.evaluate(() =>
      (
        globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<object> } } } }
      ).chrome.storage.local.get('settings'),
    );
    expect(stored, 'no settings were stored locally: everything comes from the policy').toEqual({});
    // Chrome reads the policy a few seconds after it starts.
    await waitUntil(
      'relay connected and contacts synced',
      async () => {
        const { connection, sync } = await ask(options, 'status.get');
        return connection.state === 'connected' && connection.user === 'ayse' && sync.contacts === 4;
      },
      30_000,
    );
  });

  it('a posted call pops the CRM tab with the policy template', async () => {
    const tab = browser.context.waitForEvent('page', { timeout: 15_000 });
    const res = await postLogo(relay.url, SECRET, call('POL0001', '05334979714', '2'));
    expect(res.status, await res.clone().text()).toBe(200);
    const page = await tab;
    await page.waitForURL((u) => u.origin === crm.origin);
    expect(page.url(), "keypress 2 → card is the policy's map, the card its template").toBe(
      `${crm.origin}/policy/card?id=P-7`,
    );
    await page.close();
  });

  it('the options page shows the policy fields disabled with the lock text', async () => {
    await options.reload();
    await options.locator('#relayUrl').waitFor();
    for (const [id, value] of [
      ['relayUrl', relay.url],
      ['agentToken', AYSE_TOKEN],
      ['crmOrigin', crm.origin],
      ['tpl-card', `${crm.origin}/policy/card?id={contactId}`],
      ['kp-2', 'card'],
    ] as const) {
      const field = options.locator(`#${id}`);
      await expect.poll(() => field.inputValue(), { message: `#${id} shows the policy value` }).toBe(value);
      expect(await field.isDisabled(), `#${id} is locked`).toBe(true);
    }
    for (const field of ['relayUrl', 'agentToken', 'crm.origin', 'crm.templates.card', 'keypressActions.1'])
      expect(await options.locator(`[data-locked-for="${field}"]`).textContent(), field).toBe(LOCKED_TEXT);
    expect(
      await options.locator('#tpl-quote').isDisabled(),
      'a template the policy leaves out stays editable',
    ).toBe(false);
    expect(await options.locator('#popOn').isDisabled(), 'so does every other field').toBe(false);
    await expect.poll(() => options.getByTestId('policy-notice').isVisible()).toBe(true);
  });

  it('lists the policy value it could not use, and keeps that field editable at its own value', async () => {
    const errors = options.getByTestId('policy-errors');
    const line = errors.locator('li[data-field="queue.maxCalls"]');
    expect(await line.textContent()).toContain('Keep at most (calls)');
    expect(await errors.locator('li').count(), 'only the bad value is listed').toBe(1);
    expect(await options.locator('#queue-maxCalls').isDisabled()).toBe(false);
    expect(await options.locator('#queue-maxCalls').inputValue()).toBe('500');
    mkdirSync('test-results/screenshots', { recursive: true });
    await options.screenshot({ path: 'test-results/screenshots/options-policy-en.png', fullPage: true });
  });

  it('a save or an import cannot change a locked field: the policy stays in force', async () => {
    const before = await ask(options, 'settings.get');
    const saved = await ask(options, 'settings.save', {
      settings: { ...before.settings, relayUrl: 'http://127.0.0.1:9', popOn: 'ringing' },
    });
    expect(saved.ok, JSON.stringify(saved.errors)).toBe(true);
    const imported = await importSettings(options, tmp, {
      relayUrl: 'http://127.0.0.1:9',
      tabPolicy: 'reuse',
    });
    expect(imported.ok, imported.text).toBe(true);
    expect(await options.getByTestId('import-skipped').textContent()).toContain('Relay URL');
    const after = await ask(options, 'settings.get');
    expect(after.settings.relayUrl).toBe(relay.url);
    expect(after.settings.popOn, 'unlocked fields are saved').toBe('ringing');
    expect(after.settings.tabPolicy, 'and imported').toBe('reuse');
    expect(await options.locator('#relayUrl').inputValue()).toBe(relay.url);
    await waitUntil('still connected to the policy relay', async () => {
      const { connection } = await ask(options, 'status.get');
      return connection.state === 'connected';
    });
  });
});
