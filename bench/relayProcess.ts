// The built relay (build/relay/cli.js) as a child process on its config, for the benchmarks that
// measure one relay alone; resolves with its URL once it logs `listening`.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export async function startRelayProcess(
  dir: string,
  config: object,
): Promise<{ url: string; child: ChildProcess }> {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const child = spawn(
    process.execPath,
    [resolve('build/relay/cli.js'), '--config', join(dir, 'config.json')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  const url = await new Promise<string>((ok, fail) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) ok(JSON.parse(line).url);
    });
    child.once('exit', (code) => fail(new Error(`relay exited ${code}`)));
  });
  child.stdout?.resume();
  return { url, child };
}
