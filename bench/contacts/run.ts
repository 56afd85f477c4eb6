// Contact cache at call-centre scale, in Chromium with the built extension and a real relay:
//   npm run bench:contacts                 (10k, 100k and 1M contacts)
//   SIZES=10000 npm run bench:contacts     (a quick run)
// Per size: full sync time and rate, the raw IndexedDB put rate in the same browser (the ceiling)
// and the ratio, an incremental sync of 1,000 changed contacts, lookup p50/p99 on the synced cache,
// IndexedDB usage, the extension process's memory, and how fast a call pops while a sync runs.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { launchWithExtension } from '../../test/e2e/fixtures/browser.ts';
import { startFakeCrm } from '../../test/e2e/fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, postLogo, waitUntil } from '../../test/e2e/fixtures/pages.ts';
import { startRelay } from '../../test/e2e/fixtures/relayProcess.ts';
import { AYSE_TOKEN, extensionSettings, relayConfig, SECRET } from '../../test/e2e/scenario.ts';
import { rows } from './generate.ts';

const SIZES = (process.env.SIZES ?? '10000,100000,1000000').split(',').map(Number);

function extensionProcessRssMiB(): number {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--extension-process')) continue;
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return kib / 1024;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;

const results: string[] = [];
for (const size of SIZES) {
  const lines = [...rows(size)];
  const crm = await startFakeCrm();
  // A million contacts take the relay tens of seconds to parse and index at start-up.
  const relay = await startRelay(relayConfig, `${lines.join('\n')}\n`, { startTimeoutMs: 300_000 });
  const browser = await launchWithExtension();
  try {
    const options = await openOptions(browser.context, browser.extensionId);
    const started = performance.now();
    const imported = await importSettings(options, relay.dir, extensionSettings(relay.url, crm.origin));
    if (!imported.ok) throw new Error(imported.text);

    // A call for a contact near the end of the file, posted while the first sync runs.
    await new Promise((r) => setTimeout(r, 1500));
    const target = lines.at(-1)?.split(',') ?? [];
    const callerId = (target[5] ?? '').replace(/"/g, '').split(';')[0] || '05320000000';
    const from = crm.requests.length;
    const sent = performance.now();
    await postLogo(relay.url, SECRET, {
      callUniqueId: `S${size}`,
      extension: '911',
      agentId: '911',
      callerId,
      keypress: '1',
    });
    const pop = await crm.waitFor(() => true, 30_000, from);
    const popDuringSyncMs = pop.at - sent;

    await waitUntil(
      'full sync',
      async () => {
        const { sync } = await ask(options, 'status.get');
        return sync.contacts === size && Boolean(sync.lastSyncAt);
      },
      30 * 60_000,
    );
    const fullS = (performance.now() - started) / 1000;

    // 1,000 contacts change a number; wait until the relay serves the new file, then sync.
    const changed = lines.slice();
    let lastNew = '';
    for (let i = 1; i <= 1000; i++) {
      const cols = (changed[i * Math.floor(size / 1001)] ?? '').split(',');
      if (cols[1] !== 'person') continue;
      cols[5] = `0533${String(1_000_000 + i).slice(1)}${i % 10}`;
      lastNew = cols[5];
      changed[i * Math.floor(size / 1001)] = cols.join(',');
    }
    writeFileSync(`${relay.dir}/contacts.csv`, `${changed.join('\n')}\n`);
    const probe = parsePhoneNumberFromString(lastNew, 'TR')?.number ?? '';
    await waitUntil(
      'relay reload',
      async () => {
        const res = await fetch(`${relay.url}/v1/contacts/lookup?phone=${encodeURIComponent(probe)}`, {
          headers: { authorization: `Bearer ${AYSE_TOKEN}` },
        });
        return res.ok && ((await res.json()) as { contacts: unknown[] }).contacts.length > 0;
      },
      120_000,
    );
    const inc0 = performance.now();
    await ask(options, 'contacts.sync');
    const incrementalS = (performance.now() - inc0) / 1000;

    // Lookups straight on the cache's index, as the pop does, for 1,000 known numbers.
    const keys = lines
      .slice(1, 1001)
      .map(
        (l) =>
          parsePhoneNumberFromString((l.split(',')[5] ?? '').replace(/"/g, '').split(';')[0] ?? '', 'TR')
            ?.number,
      )
      .filter(Boolean) as string[];
    const worker = await browser.worker();
    const lookups = (await worker.evaluate(async (list: string[]) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open('screenpop');
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      const times: number[] = [];
      for (const key of list) {
        const t = performance.now();
        await new Promise((ok) => {
          const req = db.transaction('contacts').objectStore('contacts').index('keys').getAll(key);
          req.onsuccess = ok;
        });
        times.push(performance.now() - t);
      }
      db.close();
      return times;
    }, keys)) as number[];
    lookups.sort((a, b) => a - b);

    // The ceiling: a bare put loop of the same records into IndexedDB in the same browser.
    const rawN = Math.min(size, 200_000);
    const rawRate = (await options.evaluate(async (n: number) => {
      const db = await new Promise<IDBDatabase>((ok) => {
        const req = indexedDB.open(`raw-${Date.now()}`, 1);
        req.onupgradeneeded = () =>
          req.result
            .createObjectStore('c', { keyPath: 'id' })
            .createIndex('keys', 'keys', { multiEntry: true });
        req.onsuccess = () => ok(req.result);
      });
      const t = performance.now();
      for (let start = 0; start < n; start += 2000) {
        const tx = db.transaction('c', 'readwrite');
        for (let i = start; i < Math.min(n, start + 2000); i++)
          tx.objectStore('c').put({
            id: `P${i}`,
            kind: 'person',
            name: 'Ayşe Yılmaz',
            companyId: 'C1',
            company: 'Örnek Lojistik',
            phones: ['0533 497 97 14'],
            owner: 'agent1',
            keys: [`+90533${i}`],
          });
        await new Promise((ok) => {
          tx.oncomplete = ok;
        });
      }
      const rate = n / ((performance.now() - t) / 1000);
      db.close();
      return rate;
    }, rawN)) as number;

    const usage = (await options.evaluate(
      async () => (await navigator.storage.estimate()).usage ?? 0,
    )) as number;
    await options.close();
    const rss = extensionProcessRssMiB();
    const syncRate = size / fullS;
    results.push(
      `| ${size.toLocaleString('en')} | ${fullS.toFixed(1)} | ${Math.round(syncRate)} | ${Math.round(rawRate)} | ${(syncRate / rawRate).toFixed(2)} | ${incrementalS.toFixed(2)} | ${pct(lookups, 0.5).toFixed(2)} | ${pct(lookups, 0.99).toFixed(2)} | ${(usage / 2 ** 20).toFixed(0)} | ${rss.toFixed(0)} | ${popDuringSyncMs.toFixed(0)} |`,
    );
    console.error(results.at(-1));
  } finally {
    await browser.close();
    await relay.stop();
    await crm.close();
  }
}
console.log(
  '\n| contacts | full sync s | sync/s | raw put/s | ratio | 1,000 changes s | lookup p50 ms | lookup p99 ms | IndexedDB MiB | extension process MiB | pop during sync ms |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
console.log(results.join('\n'));
