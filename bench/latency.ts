// Pop latency in the real browser: Logo CRM webhook POST sent → the fake CRM receives the page
// request of the tab the extension opened. Same relay, extension and fake CRM as the e2e tests;
// Chromium runs without Playwright attached during the measurement (see directChromium.ts).
//   npm run bench            (200 measured calls after 10 warm-up calls)
//   CALLS=500 npm run bench
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { closeTabs, startDirectChromium } from '../test/e2e/fixtures/directChromium.ts';
import { startFakeCrm } from '../test/e2e/fixtures/fakeCrm.ts';
import {
  ask,
  importSettings,
  installOptionsPage,
  openOptions,
  postLogo,
  waitUntil,
} from '../test/e2e/fixtures/pages.ts';
import { startRelay } from '../test/e2e/fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, relayConfig, SECRET } from '../test/e2e/scenario.ts';

const CALLS = Number(process.env.CALLS ?? 200);
const WARMUP = 10;

const crm = await startFakeCrm();
const relay = await startRelay(relayConfig, contactsCsv);
const browser = await startDirectChromium();
try {
  // Setup through the options page, as an admin would, then let go of the browser.
  const pw = await chromium.connectOverCDP(browser.cdpUrl);
  const context = pw.contexts()[0];
  if (!context) throw new Error('no browser context');
  const options =
    (await installOptionsPage(context, browser.extensionId)) ??
    (await openOptions(context, browser.extensionId));
  const settings = extensionSettings(relay.url, crm.origin);
  const imported = await importSettings(options, mkdtempSync(join(tmpdir(), 'bench-')), settings);
  if (!imported.ok) throw new Error(`settings import failed: ${imported.text}`);
  await waitUntil('connected and synced', async () => {
    const { connection, sync } = await ask(options, 'status.get');
    return connection.state === 'connected' && sync.contacts > 0;
  });
  // An agent's browser has a window open; keep one so pops open tabs, not new windows.
  await options.goto('about:blank');
  await pw.close();

  const samples: number[] = [];
  for (let i = 0; i < WARMUP + CALLS; i++) {
    const id = `BENCH${String(i).padStart(5, '0')}`;
    const from = crm.requests.length;
    const sent = performance.now();
    const body = {
      callUniqueId: id,
      extension: '911',
      agentId: '911',
      callerId: '05334979714',
      keypress: '1',
    };
    const res = await postLogo(relay.url, SECRET, body);
    if (res.status !== 200) throw new Error(`relay answered ${res.status}: ${await res.text()}`);
    const hit = await crm.waitFor((p) => p.startsWith('/card?'), 10_000, from);
    if (i >= WARMUP) samples.push(hit.at - sent);
    // Close the CRM tab so hundreds of open tabs do not skew later calls.
    await new Promise((r) => setTimeout(r, 30));
    await closeTabs(browser.cdp, crm.origin);
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number) =>
    samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)] ?? NaN;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const row = (name: string, v: number) => `| ${name} | ${v.toFixed(1)} |`;
  console.log(
    `\nPop latency, webhook POST → CRM page request, ${samples.length} calls (after ${WARMUP} warm-up)\n`,
  );
  console.log('| statistic | ms |\n|---|---|');
  const rows = [row('p50', pct(50)), row('p95', pct(95)), row('p99', pct(99)), row('mean', mean)];
  console.log([...rows, row('max', samples.at(-1) ?? NaN)].join('\n'));
  console.log(`\nTargets: p50 ≤ 20 ms, p99 ≤ 50 ms → ${pct(50) <= 20 && pct(99) <= 50 ? 'met' : 'NOT met'}`);
} finally {
  await browser.close();
  await relay.stop();
  await crm.close();
}
