// Our relay vs nginx + nchan on the same machine and workload, in one run:
//   npm run bench:relay                 (1,000 and 5,000 agents; 200, 1,000, 5,000 events/s; a reconnect storm)
//   AGENTS=1000 RATES=1000 SECONDS=3 npm run bench:relay   (a quick subset)
// Each agent is one subscriber on its own channel (its extension); each event goes to one agent.
// Latency = HTTP POST sent by the publisher → event received by the subscriber, same process clock.
import type WebSocket from 'ws';
import { type Server, startNchan, startOurs } from './servers.ts';
import { nchan, ours, type Target } from './targets.ts';

const AGENTS = (process.env.AGENTS ?? '1000,5000').split(',').map(Number);
const RATES = (process.env.RATES ?? '200,1000,5000').split(',').map(Number);
const SECONDS = Number(process.env.SECONDS ?? 5);
const STORM_RATE = 1000;

interface Row {
  system: string;
  agents: number;
  rate: number;
  storm: boolean;
  sent: number;
  failed: number;
  lost: number;
  dup: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  rssMiB: number;
  kibPerAgent: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connectAll(
  target: Target,
  n: number,
  cursors: string[],
  onEvent: (a: number, seq: number) => void,
) {
  const sockets: WebSocket[] = new Array(n);
  for (let start = 0; start < n; start += 250) {
    const batch = [];
    for (let a = start; a < Math.min(n, start + 250); a++)
      batch.push(
        target
          .connect(a, cursors[a] || null, (seq, cursor) => {
            cursors[a] = cursor;
            if (seq !== null) onEvent(a, seq);
          })
          .then((ws) => {
            sockets[a] = ws;
          }),
      );
    await Promise.all(batch);
  }
  return sockets;
}

async function cell(
  server: Server,
  target: Target,
  agents: number,
  rate: number,
  storm: boolean,
  baseRss: number,
) {
  const cursors: string[] = new Array(agents).fill('');
  const sentAt = new Map<number, number>();
  const received = new Map<number, number>();
  const latencies: number[] = [];
  const onEvent = (_a: number, seq: number) => {
    const t = sentAt.get(seq);
    received.set(seq, (received.get(seq) ?? 0) + 1);
    if (t !== undefined && received.get(seq) === 1) latencies.push(performance.now() - t);
  };
  let sockets = await connectAll(target, agents, cursors, onEvent);
  await sleep(500);
  const rss = server.rssKiB();

  let seq = 0;
  let failed = 0;
  const total = rate * SECONDS;
  const start = performance.now();
  let stormDone = !storm;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      while (seq < due) {
        const s = seq++;
        sentAt.set(s, performance.now());
        target.publish(s % agents, s, (ok) => {
          if (!ok) failed++;
        });
      }
      if (!stormDone && performance.now() - start > (SECONDS * 1000) / 3) {
        // Every agent drops and reconnects with its cursor while events keep flowing.
        stormDone = true;
        for (const ws of sockets) ws.terminate();
        void connectAll(target, agents, cursors, onEvent).then((s) => {
          sockets = s;
        });
      }
      if (seq >= total) {
        clearInterval(timer);
        done();
      }
    }, 2);
  });
  await sleep(3000);
  for (const ws of sockets) ws?.terminate();

  let lost = 0;
  let dup = 0;
  for (let s = 0; s < total; s++) {
    const n = received.get(s) ?? 0;
    if (n === 0) lost++;
    else dup += n - 1;
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? NaN;
  return {
    system: server.name,
    agents,
    rate,
    storm,
    sent: total,
    failed,
    lost,
    dup,
    p50: pct(0.5),
    p99: pct(0.99),
    p999: pct(0.999),
    max: latencies.at(-1) ?? NaN,
    rssMiB: rss / 1024,
    kibPerAgent: (rss - baseRss) / agents,
  } satisfies Row;
}

const rows: Row[] = [];
for (const agents of AGENTS) {
  for (const system of ['ours', 'nchan'] as const) {
    const cells = [...RATES.map((rate) => ({ rate, storm: false })), { rate: STORM_RATE, storm: true }];
    for (const { rate, storm } of cells) {
      // A fresh server per cell, so one cell's buffers do not inflate the next one's memory.
      const server = system === 'ours' ? await startOurs(agents, 18787) : await startNchan(18788);
      const baseRss = server.rssKiB();
      const target = system === 'ours' ? ours(server.url) : nchan(server.url);
      try {
        const row = await cell(server, target, agents, rate, storm, baseRss);
        if (process.env.SHOW_METRICS && system === 'ours') {
          const text = await (await fetch(`${server.url}/metrics`)).text();
          console.error(
            text
              .split('\n')
              .filter((l) => l.startsWith('screenpop_delivery_latency'))
              .join('\n'),
          );
        }
        rows.push(row);
        console.error(
          `${system} agents=${agents} rate=${rate}${storm ? ' storm' : ''}: p50 ${row.p50.toFixed(2)} p99 ${row.p99.toFixed(2)} lost ${row.lost} dup ${row.dup}`,
        );
      } finally {
        await server.stop();
      }
    }
  }
}

const f = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '—');
console.log(
  `\nRelay fan-out, ${SECONDS} s per cell, ~300-byte events, open loop; server on core 0, load on core 1\n`,
);
console.log(
  '| system | agents | events/s | storm | sent | lost | dup | p50 ms | p99 ms | p99.9 ms | max ms | RSS MiB | KiB/agent |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.system} | ${r.agents} | ${r.rate} | ${r.storm ? 'yes' : ''} | ${r.sent} | ${r.lost} | ${r.dup} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.p999)} | ${f(r.max, 1)} | ${f(r.rssMiB, 1)} | ${f(r.kibPerAgent, 1)} |`,
  );
console.log('\nRatios ours / nchan (p99 latency, memory per agent):\n');
console.log('| agents | events/s | storm | p99 ratio | KiB/agent ratio |\n|---|---|---|---|---|');
for (const r of rows.filter((x) => x.system === 'ours')) {
  const n = rows.find(
    (x) => x.system === 'nchan' && x.agents === r.agents && x.rate === r.rate && x.storm === r.storm,
  );
  if (n)
    console.log(
      `| ${r.agents} | ${r.rate} | ${r.storm ? 'yes' : ''} | ${f(r.p99 / n.p99)} | ${f(r.kibPerAgent / n.kibPerAgent)} |`,
    );
}
