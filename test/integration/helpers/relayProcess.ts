// A real relay: `node build/relay/cli.js --config FILE` (built by `npm run test:integration`) on
// port 0, its URL read from the `listening` log line. Redis mode through REDIS_URL / REDIS_PREFIX,
// as an operator would run it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rawConfig } from '../../unit/relay/helpers.ts';

const CLI = resolve('build/relay/cli.js');

export interface RelayProcessOptions {
  /** Merged into the unit tests' config (agents ayse, mehmet). */
  config?: Record<string, unknown>;
  /** Redis mode: the URL and this run's prefix. */
  redis?: { url: string; prefix: string };
  env?: Record<string, string>;
}

export class RelayProcess {
  url = '';
  private stdout = '';
  private stderr = '';
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private readonly dir: string;

  constructor(options: RelayProcessOptions = {}) {
    if (!existsSync(CLI))
      throw new Error(`${CLI} is missing: run \`npm run build:relay\` (npm run test:integration does)`);
    this.dir = mkdtempSync(join(tmpdir(), 'screenpop-it-'));
    const file = join(this.dir, 'config.json');
    writeFileSync(file, JSON.stringify(rawConfig(options.config ?? {})));
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...options.env };
    delete env.REDIS_URL;
    delete env.REDIS_PREFIX;
    if (options.redis)
      Object.assign(env, { REDIS_URL: options.redis.url, REDIS_PREFIX: options.redis.prefix });
    this.child = spawn(process.execPath, [CLI, '--config', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d) => {
      this.stdout += d;
    });
    this.child.stderr?.on('data', (d) => {
      this.stderr += d;
    });
    this.exited = new Promise((done) => this.child.on('exit', (code) => done(code)));
  }

  /** Resolves with the base URL once the relay logged `listening`. */
  async listening(timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.stdout.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) {
        this.url = JSON.parse(line).url as string;
        return this.url;
      }
      if (this.child.exitCode !== null)
        throw new Error(`relay exited ${this.child.exitCode}: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`relay did not log "listening" in ${timeoutMs} ms; stderr: ${this.stderr}`);
  }

  get ws(): string {
    return `${this.url.replace(/^http/, 'ws')}/v1/stream`;
  }

  /** Everything the relay logged so far. */
  output(): string {
    return this.stdout + this.stderr;
  }

  /** SIGKILL: no shutdown hooks, sockets cut as by a crash. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts relays and stops them all in `stopAll()` (afterEach/afterAll). */
export class Relays {
  private readonly all: RelayProcess[] = [];

  async start(options: RelayProcessOptions = {}): Promise<RelayProcess> {
    const relay = new RelayProcess(options);
    this.all.push(relay);
    await relay.listening();
    return relay;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.splice(0).map((r) => r.stop()));
  }
}
