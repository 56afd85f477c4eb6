// The options page's "Test connection" and "Who am I", in Chromium with the built extension against a
// real relay process: each failure is named in words an admin can act on.
import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, openOptions, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { AYSE_TOKEN, contactsCsv, relayConfig } from './scenario.ts';

let relay: RelayProcess;
let crm: FakeCrm;
let closedPort: number;

/** A port nothing listens on: bound once to get a free number, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Types an address and token into the connection section and presses "Test connection". */
async function testWith(
  page: Page,
  relayUrl: string,
  token: string,
): Promise<{ problem: string; text: string }> {
  await page.fill('#relayUrl', relayUrl);
  await page.fill('#agentToken', token);
  const result = page.getByTestId('connection-test-result');
  await page.click('#test-connection');
  await result.waitFor();
  await page.waitForSelector('#test-connection:not([disabled])');
  return {
    problem: (await result.getAttribute('data-problem')) ?? '',
    text: (await result.textContent()) ?? '',
  };
}

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  closedPort = await freePort();
});

afterAll(async () => {
  await relay?.stop();
  await crm?.close();
});

describe('without extra permissions', () => {
  let browser: ExtensionBrowser;
  let options: Page;
  beforeAll(async () => {
    browser = await launchWithExtension();
    options = await openOptions(browser.context, browser.extensionId);
  });
  afterAll(async () => browser?.close());

  it('passes for the relay and the agent token, before anything is saved', async () => {
    const { problem, text } = await testWith(options, relay.url, AYSE_TOKEN);
    expect(problem).toBe('ok');
    expect(text).toContain('accepts this token');
  });

  it('names a refused token, a server that is not a relay, and a bad address', async () => {
    expect(await testWith(options, relay.url, 'not-the-right-token')).toMatchObject({
      problem: 'unauthorized',
    });
    expect((await testWith(options, crm.origin, AYSE_TOKEN)).problem).toBe('notRelay');
    expect((await testWith(options, 'relay.example.com', AYSE_TOKEN)).problem).toBe('badUrl');
  });

  it('says nothing answers, and offers to find out why', async () => {
    const { problem } = await testWith(options, `http://127.0.0.1:${closedPort}`, AYSE_TOKEN);
    expect(problem).toBe('unreachable');
    expect(await options.locator('#test-connection-why').isVisible()).toBe(true);
  });

  it('pairs with a one-time code the admin issued in the admin section: the token field fills in', async () => {
    // The admin, at this desk: the admin section issues a code for Mehmet.
    await options.fill('#relayUrl', relay.url);
    await ask(options, 'settings.save', { settings: { relayUrl: relay.url } });
    await options.reload();
    await options.locator('#admin-token').fill(relayConfig.adminToken);
    await options.locator('#admin-connect').click();
    await options.locator('#admin-token-user').selectOption('mehmet');
    await options.getByTestId('admin-pairing').click();
    const shown = options.getByTestId('admin-pairing-code');
    await shown.waitFor();
    const code = (await shown.locator('strong').textContent()) ?? '';
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(await shown.textContent()).toContain('mehmet');
    // Mehmet types it under Connection.
    await options.fill('#relayUrl', relay.url);
    await options.fill('#agentToken', '');
    await options.fill('#pairingCode', code);
    await options.click('#pair');
    const result = options.getByTestId('pair-result');
    await expect.poll(() => result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toContain('Mehmet Kaya (mehmet)');
    const token = await options.inputValue('#agentToken');
    expect((await testWith(options, relay.url, token)).problem).toBe('ok');
    // The code was used up.
    await options.fill('#pairingCode', code);
    await options.click('#pair');
    await expect.poll(() => result.getAttribute('data-ok')).toBe('false');
    expect(await result.textContent()).toContain('already used');
  });

  it('shows who the relay says this agent is once connected', async () => {
    await ask(options, 'settings.save', {
      settings: { relayUrl: relay.url, agentToken: AYSE_TOKEN, crm: { origin: crm.origin } },
    });
    await waitUntil(
      'connected',
      async () => (await ask(options, 'status.get')).connection.state === 'connected',
    );
    await options.reload();
    await expect.poll(() => options.getByTestId('whoami-user').textContent()).toContain('ayse');
    expect(await options.getByTestId('whoami-extensions').textContent()).toBe('911');
    expect(await options.getByTestId('whoami-agentids').textContent()).toBe('911');
  });
});

describe('with the permission to see network errors', () => {
  let browser: ExtensionBrowser;
  let options: Page;
  beforeAll(async () => {
    // As if the admin had clicked "Find out why" and allowed it.
    browser = await launchWithExtension([], {
      grantApis: ['webRequest'],
      grantHosts: [
        `http://127.0.0.1:${closedPort}/*`,
        'http://screenpop-relay.invalid/*',
        `https://127.0.0.1/*`,
      ],
    });
    options = await openOptions(browser.context, browser.extensionId);
  });
  afterAll(async () => browser?.close());

  it('tells a refused connection, an unknown host and a TLS failure apart', async () => {
    expect((await testWith(options, `http://127.0.0.1:${closedPort}`, AYSE_TOKEN)).problem).toBe('refused');
    expect((await testWith(options, 'http://screenpop-relay.invalid', AYSE_TOKEN)).problem).toBe('dns');
    // https to the relay's plain-http port: the TLS handshake fails.
    const port = new URL(relay.url).port;
    const tls = await testWith(options, `https://127.0.0.1:${port}`, AYSE_TOKEN);
    expect(tls.problem).toBe('tls');
    expect(tls.text).toContain('ERR_SSL');
  });
});
