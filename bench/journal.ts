// Call journal latency: a relay process (embedded store) with a webhook writer to a local receiver;
// N calls ring, are answered and hang up (a few a second), and for each the time from the hangup
// webhook's answer to the receiver getting the call record is taken. Run with the default
// settleSeconds (5: late ring-group events and recording URLs still count) and with 0.
// Run: npm run bench:journal   (JOURNAL_CALLS=200)
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelayProcess } from './relayProcess.ts';

const CALLS = Number(process.env.JOURNAL_CALLS ?? 200);
const SECRET = 'bench-pbx-secret-0123456789';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function run(settleSeconds: number): Promise<string> {
  const received = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { callId: string; type: string };
      if (body.type === 'call' && !received.has(body.callId)) received.set(body.callId, performance.now());
      res.writeHead(200).end('{}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-journal-'));
  const { url, child } = await startRelayProcess(dir, {
    listen: { host: '127.0.0.1', port: 0 },
    pbx: { secret: SECRET },
    adminToken: 'bench-admin-token-0123456789',
    agents: [
      { user: 'a', name: 'A', extensions: ['100'], agentIds: [], token: 'bench-agent-token-0123456789' },
    ],
    journal: {
      writers: [{ name: 'hook', kind: 'webhook', url: hookUrl, secret: 'bench-journal-secret-0123456789' }],
      settleSeconds,
      missedCallTasks: false,
    },
  });
  const post = (body: Record<string, unknown>) =>
    fetch(`${url}/v1/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ extension: '100', callerId: '05321112233', direction: 'inbound', ...body }),
    });
  const hungUp = new Map<string, number>();
  try {
    for (let i = 0; i < CALLS; i++) {
      const callId = `b${i}`;
      await post({ callId, state: 'ringing' });
      await post({ callId, state: 'answered' });
      await post({ callId, state: 'hangup' });
      hungUp.set(callId, performance.now());
      await new Promise((r) => setTimeout(r, 50));
    }
    const end = Date.now() + 60_000 + settleSeconds * 1000;
    while (received.size < CALLS && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const latencies = [...hungUp]
      .map(([id, at]) => (received.get(id) ?? Number.NaN) - at)
      .sort((a, b) => a - b);
    const missing = CALLS - received.size;
    return `| ${settleSeconds} s | ${CALLS} | ${percentile(latencies, 50).toFixed(0)} ms | ${percentile(latencies, 99).toFixed(0)} ms | ${missing} |`;
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [await run(5), await run(0)];
console.log(
  `| settleSeconds | calls | hangup → record at the receiver, p50 | p99 | not received |\n|---|---|---|---|---|\n${rows.join('\n')}`,
);
