// Memory under many new keys: rounds of 15,000 calls, each to an extension never seen before (what
// a relay sees when extensions are renumbered or a PBX sends junk extensions), against the relay
// process in each store mode. The log's retention (log.maxKeys, log.capacityPerKey, age) must keep
// resident memory flat across rounds instead of growing for good.
// Run: npm run bench:retention  (RETENTION_ROUNDS, RETENTION_EVENTS, RETENTION_STORES to change it)
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelayProcess } from '../relayProcess.ts';
import { rssOf } from './servers.ts';

const ROUNDS = Number(process.env.RETENTION_ROUNDS ?? 4);
const EVENTS = Number(process.env.RETENTION_EVENTS ?? 15_000);
const STORES = (process.env.RETENTION_STORES ?? 'sqlite,memory').split(',');
const SECRET = 'bench-pbx-secret-0123456789';
const CONCURRENCY = 32;

async function start(
  store: string,
  maxKeys: number | undefined,
): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-retention-'));
  const config = {
    listen: { host: '127.0.0.1', port: 0 },
    pbx: { secret: SECRET, ratePerMinute: 1_000_000 },
    adminToken: 'bench-admin-token-0123456789',
    agents: [{ user: 'a', name: 'A', extensions: ['100'], agentIds: [], token: 'bench-agent-token-000001' }],
    store: { kind: store },
    ...(maxKeys ? { log: { maxKeys } } : {}),
  };
  const { url, child } = await startRelayProcess(dir, config);
  return { url, child, dir };
}

async function round(url: string, offset: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < EVENTS) {
        const n = offset + next++;
        const res = await fetch(`${url}/v1/calls`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            callId: `R${n}`,
            state: 'ringing',
            extension: String(200000 + n),
            callerId: '05334979714',
          }),
        });
        if (res.status !== 200) throw new Error(`POST: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
}

const mib = (kib: number) => (kib / 1024).toFixed(0);
const rows: string[] = [];
for (const store of STORES) {
  // SQLite keeps the log on disk: its default config. Memory keeps it in the heap: a cap below one
  // round's keys, so the rounds after the first replace keys rather than add them.
  const maxKeys = store === 'memory' ? Math.floor(EVENTS / 2) : undefined;
  const relay = await start(store, maxKeys);
  const pid = relay.child.pid as number;
  await new Promise((r) => setTimeout(r, 1000));
  const readings = [rssOf([pid])];
  for (let i = 0; i < ROUNDS; i++) {
    await round(relay.url, i * EVENTS);
    await new Promise((r) => setTimeout(r, 2000));
    readings.push(rssOf([pid]));
  }
  relay.child.kill('SIGTERM');
  await once(relay.child, 'exit');
  rmSync(relay.dir, { recursive: true, force: true });
  const row = `| ${store} | ${ROUNDS} × ${EVENTS} | ${maxKeys ?? 'default (20000)'} | ${readings.map(mib).join(' → ')} |`;
  console.log(row);
  rows.push(row);
}
console.log(
  `\n| store | new extensions | log.maxKeys | RSS MiB (start → after each round) |\n|---|---|---|---|\n${rows.join('\n')}`,
);
