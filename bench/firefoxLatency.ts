// Pop latency in Firefox ESR with the Firefox build (dist-firefox/): Logo CRM webhook POST sent →
// the fake CRM receives the page request of the tab the extension opened. Same relay, fake CRM and
// scenario as bench/latency.ts (Chromium); the browser is driven over WebDriver BiDi, which does not
// pause new tabs. Then the case Chromium does not have: calls posted right after Firefox unloaded
// the event page (terminated as when idle), which wait for the keep-alive alarm to wake it.
//   npm run bench:firefox                 (CALLS=50 live calls after 5 warm-up, SUSPENDED=5)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCrm } from '../test/e2e/fixtures/fakeCrm.ts';
import { postLogo, waitUntil } from '../test/e2e/fixtures/pages.ts';
import { startRelay } from '../test/e2e/fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, logoCall, relayConfig, SECRET } from '../test/e2e/scenario.ts';
import {
  ask,
  closeTabsOn,
  importSettings,
  launchFirefox,
  openExtensionPage,
  terminateBackground,
} from '../test/e2e-firefox/fixtures/firefox.ts';

const CALLS = Number(process.env.CALLS ?? 50);
const SUSPENDED = Number(process.env.SUSPENDED ?? 5);
const WARMUP = 5;

const crm = await startFakeCrm();
const relay = await startRelay(relayConfig, contactsCsv);
const ff = await launchFirefox();
const disconnects = () => relay.logs.join('').split('stream: agent disconnected').length - 1;

/** Posts one call, answers POST sent → CRM page request (ms), and closes the CRM tab. */
async function pop(id: string, timeoutMs = 10_000): Promise<number> {
  const from = crm.requests.length;
  const sent = performance.now();
  const res = await postLogo(relay.url, SECRET, logoCall(id));
  if (res.status !== 200) throw new Error(`relay answered ${res.status}: ${await res.text()}`);
  const hit = await crm.waitFor((p) => p.startsWith('/card?'), timeoutMs, from);
  await new Promise((r) => setTimeout(r, 30));
  await closeTabsOn(ff, crm.origin);
  return hit.at - sent;
}

function stats(name: string, samples: number[]): void {
  samples.sort((a, b) => a - b);
  const pct = (p: number) =>
    samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)] ?? NaN;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(`\n${name}, ${samples.length} calls\n\n| statistic | ms |\n|---|---|`);
  for (const [k, v] of [
    ['p50', pct(50)],
    ['p95', pct(95)],
    ['mean', mean],
    ['max', samples.at(-1) ?? NaN],
  ] as const)
    console.log(`| ${k} | ${v.toFixed(1)} |`);
}

try {
  await openExtensionPage(ff, 'options/options.html', '#import-file');
  const imported = await importSettings(
    ff,
    mkdtempSync(join(tmpdir(), 'bench-ff-')),
    extensionSettings(relay.url, crm.origin),
  );
  if (!imported.ok) throw new Error(`settings import failed: ${imported.text}`);
  await waitUntil('connected and synced', async () => {
    const s = await ask<{ connection: { state: string }; sync: { contacts: number } }>(ff, 'status.get');
    return s.connection.state === 'connected' && s.sync.contacts > 0;
  });
  // No extension page open while measuring: its messages would keep the event page awake.
  await ff.bidi('browsingContext.navigate', { context: ff.tab, url: 'about:blank', wait: 'complete' });

  const live: number[] = [];
  for (let i = 0; i < WARMUP + CALLS; i++) {
    const ms = await pop(`FFB${String(i).padStart(5, '0')}`);
    if (i >= WARMUP) live.push(ms);
  }
  stats('Firefox, event page running: webhook POST → CRM page request', live);

  const woken: number[] = [];
  for (let i = 0; i < SUSPENDED; i++) {
    // Let the last call's notification close first: its onClosed event would wake the page too.
    await new Promise((r) => setTimeout(r, 8_000));
    const before = disconnects();
    // Terminated again if it was woken at once (by an event of the call before, e.g. its
    // notification closing) and the socket did not close.
    await waitUntil(
      'the socket closed',
      async () => disconnects() > before || void (await terminateBackground(ff)),
      20_000,
    );
    woken.push(await pop(`FFS${String(i).padStart(5, '0')}`, 60_000));
  }
  console.log(`\nposted right after the unload, each: ${woken.map((ms) => Math.round(ms)).join(', ')} ms`);
  stats('Firefox, posted right after the event page unloaded: webhook POST → CRM page request', woken);
} finally {
  await ff.close();
  await relay.stop();
  await crm.close();
}
