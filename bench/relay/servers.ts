// The two relays under test, each started as its own process pinned to core 0 (the load generator
// runs on core 1, so its own lag does not count against either server).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface Server {
  name: string;
  url: string;
  /** Resident memory of every process of this server, in KiB. */
  rssKiB(): number;
  stop(): Promise<void>;
}

const SERVER_CORE = process.env.SERVER_CORE ?? '0';

export function rssOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(m?.[1] ?? 0);
    } catch {
      // The process is gone; it holds no memory.
    }
  }
  return total;
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

export const BENCH_SECRET = 'bench-pbx-secret-0123456789';
export const agentToken = (i: number) => `bench-agent-${String(i).padStart(6, '0')}-token`;
export const extensionOf = (i: number) => String(10000 + i);

/** Our relay, embedded mode, with `agents` agents on one extension each. */
export async function startOurs(agents: number, port: number): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  const config = {
    listen: { host: '127.0.0.1', port },
    // The default per-source rate limit (600/min) would throttle the load itself.
    pbx: { secret: BENCH_SECRET, ratePerMinute: 1_000_000 },
    adminToken: 'bench-admin-token-0123456789',
    agents: Array.from({ length: agents }, (_, i) => ({
      user: `agent${i}`,
      name: `Agent ${i}`,
      extensions: [extensionOf(i)],
      agentIds: [],
      token: agentToken(i),
    })),
    log: { capacityPerKey: 1000 },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const child = spawn(
    'taskset',
    [
      '-c',
      SERVER_CORE,
      process.execPath,
      // e.g. RELAY_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the relay under load.
      ...(process.env.RELAY_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      resolve('build/relay/cli.js'),
      '--config',
      join(dir, 'config.json'),
    ],
    {
      stdio: ['ignore', process.env.RELAY_LOG ? openSync(process.env.RELAY_LOG, 'w') : 'ignore', 'inherit'],
      env: { ...process.env, LOG_LEVEL: process.env.RELAY_LOG ? 'info' : 'warn', REDIS_URL: '' },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/healthz`, child);
  // taskset execs node, so the child pid is the relay's.
  return { name: 'ours', url, rssKiB: () => rssOf([child.pid ?? 0]), stop: () => stopChild(child) };
}

/** nginx + nchan with the per-channel buffer and resume that match our relay's job. */
export async function startNchan(port: number): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-nchan-'));
  mkdirSync(join(dir, 'logs'));
  const conf = `
load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
worker_processes 1;
worker_rlimit_nofile 20000;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 19000; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  server {
    listen 127.0.0.1:${port};
    location ~ ^/pub/([\\w-]+)$ { nchan_publisher; nchan_channel_id $1; nchan_message_buffer_length 1000; nchan_message_timeout 1h; }
    location ~ ^/sub/([\\w-]+)$ { nchan_subscriber; nchan_channel_id $1; nchan_subscriber_first_message oldest; }
  }
}`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn(
    'taskset',
    ['-c', SERVER_CORE, '/usr/sbin/nginx', '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    {
      stdio: 'inherit',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/pub/warmup`, child);
  const pid = child.pid ?? 0;
  return { name: 'nchan', url, rssKiB: () => rssOf([pid, ...childPids(pid)]), stop: () => stopChild(child) };
}

async function waitUntilUp(url: string, child: ChildProcess, method = 'GET'): Promise<void> {
  const end = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}`);
    try {
      await fetch(url, { method, signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > end) throw new Error(`${url}: server did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
