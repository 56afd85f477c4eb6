// Contact sync at a size that takes a while: the service worker is stopped in the middle of the
// first sync, the alarm revives it, and the sync resumes where it stopped and ends with the exact
// count; a call pops while the sync runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../bench/contacts/generate.ts';
import { logoCall } from '../fixtures/calls.ts';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, postLogo, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { extensionSettings, relayConfig, SECRET } from './scenario.ts';

const SIZE = 40_000;
let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, `${[...rows(SIZE)].join('\n')}\n`);
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await crm?.close();
});

const feedRequests = () =>
  relay.logs
    .join('')
    .split('\n')
    .filter((l) => l.includes('/v1/contacts?') && l.includes('incoming request'))
    .map((l) => /after=([^&"]*)/.exec(l)?.[1] ?? '');

describe('contact sync', () => {
  it('resumes after the worker is stopped mid-sync and ends with the exact count', async () => {
    const options = await openOptions(browser.context, browser.extensionId);
    const imported = await importSettings(options, relay.dir, extensionSettings(relay.url, crm.origin));
    expect(imported.ok, imported.text).toBe(true);
    await waitUntil('sync under way', async () => {
      const { sync } = await ask(options, 'status.get');
      return (sync.progress?.done ?? 0) > 2000 && (sync.progress?.done ?? SIZE) < SIZE - 15000;
    });

    // A call still pops while the sync runs (the sync never holds one long transaction).
    const from = crm.requests.length;
    const call = logoCall('SYNC1', '05320000000', '1');
    expect((await postLogo(relay.url, SECRET, call)).status).toBe(200);
    const hit = await crm.waitFor((p) => p.startsWith('/new?'), 15_000, from);
    expect(hit.path).toContain('caller=05320000000');
    const { sync: during } = await ask(options, 'status.get');
    expect(during.progress, 'the sync was still running when the call popped').toBeTruthy();
    await options.close();

    const disconnects = () => relay.logs.join('').split('stream: agent disconnected').length;
    const connectedBefore = disconnects();
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await page.close();
    const before = feedRequests().length;
    // The worker's socket to the relay closes when the browser stops it.
    await waitUntil('worker stopped', async () => disconnects() > connectedBefore);

    const status = await openOptions(browser.context, browser.extensionId);
    const done = await waitUntil(
      'sync finished',
      async () => {
        const { sync } = await ask(status, 'status.get');
        return sync.contacts === SIZE && sync.last && !sync.progress ? sync : undefined;
      },
      90_000,
    );
    expect(done.contacts).toBe(SIZE);
    // The first feed request after the restart continues from a cursor: nothing was fetched twice.
    const after = feedRequests().slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after[0], 'resumed walk starts from its saved cursor').not.toBe('');
    await status.close();
  });
});
