// The entry point as a user runs it: a child process reading a config file.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { LOGO_SAMPLE, rawConfig, SECRET, tempDir } from './helpers.ts';

const children: ChildProcess[] = [];
const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const d of dirs.splice(0)) d.cleanup();
});

function writeConfig(config: unknown, files: Record<string, string> = {}) {
  const dir = tempDir();
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) dir.write(name, text);
  return dir.write('config.json', JSON.stringify(config));
}

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/server/cli.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** The URL from the `{"msg":"listening","url":…}` log line. */
  const listening = async (): Promise<string> => {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line);
        if (entry.msg === 'listening') return entry.url;
      }
      if (child.exitCode !== null) throw new Error(`relay exited: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no listening line; stdout: ${stdout}`);
  };
  return { child, exited, listening, out: () => stdout, err: () => stderr };
}

describe('screenpop-relay CLI', () => {
  it('logs the listening URL on port 0, serves, and exits cleanly on SIGTERM', async () => {
    const relay = startCli(['--config', writeConfig(rawConfig())]);
    const url = await relay.listening();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
  }, 20_000);

  it('exits with a message naming the bad field', async () => {
    const raw = rawConfig();
    const agents = raw.agents as Record<string, unknown>[];
    const relay = startCli(['--config', writeConfig({ ...raw, agents: [{ ...agents[0], token: 'short' }] })]);
    expect(await relay.exited).toBe(1);
    expect(relay.err().trim()).toBe('config: agents[0].token must be a string of at least 16 characters');
  }, 20_000);

  it('exits with usage when --config is missing', async () => {
    const relay = startCli([]);
    expect(await relay.exited).toBe(2);
    expect(relay.err()).toContain('--config FILE is required');
  }, 20_000);

  it('prints a setup guide whose curl command really pops a call', async () => {
    const settings = JSON.stringify({ relayUrl: 'http://127.0.0.1:8787' });
    const config = writeConfig({ ...rawConfig(), demoCrm: true }, { 'extension-settings.json': settings });
    const relay = startCli(['--config', config, '--print-setup']);
    const url = await relay.listening();
    await new Promise((r) => setTimeout(r, 200));
    const guide = relay.out();
    expect(guide).toContain(`ScreenPop relay is listening on ${url}`);
    expect(guide).toContain('Load unpacked');
    expect(guide).toContain(config.replace(/config\.json$/, 'extension-settings.json'));
    expect(guide).toContain(`that file points at http://127.0.0.1:8787; change it to ${url}`);

    const curl = guide.slice(guide.indexOf('curl '), guide.indexOf("}'") + 2).replace(/\\\n\s*/g, '');
    expect(curl).toContain(`${url}/logocrm/Default.aspx/IPS_callAnswered`);
    expect(curl).toContain(`Bearer ${SECRET}`);
    expect(curl).toContain(JSON.stringify(LOGO_SAMPLE));
    const { stdout } = await promisify(execFile)('sh', ['-c', curl]);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, d: 'OK' });
  }, 20_000);
});
