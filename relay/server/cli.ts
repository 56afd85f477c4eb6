// Entry point: `screenpop-relay --config FILE [--print-setup]`. Everything testable lives in
// app.ts; this file only reads the config, listens, prints and handles signals.
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { applyStoreEnv } from '../store/storeConfig.ts';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type RelayConfig } from './config.ts';
import { openAgents } from './openAgents.ts';
import { setupGuide } from './setupGuide.ts';

const USAGE = `Usage: screenpop-relay --config FILE [--print-setup]

  --config FILE    the relay's JSON config (see relay/sample/config.json)
  --print-setup    after start-up, print how to load the extension and simulate a call
`;

function exit(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** The URL a person on this machine uses to reach the relay. */
function listenUrl(address: AddressInfo): string {
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** The repository root (where package.json is), found from this file in relay/ or build/relay/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function printSetup(configFile: string, config: RelayConfig, url: string): void {
  const settingsFile = join(dirname(resolve(configFile)), 'extension-settings.json');
  let settingsRelayUrl: string | null = null;
  if (existsSync(settingsFile)) {
    try {
      const relayUrl = JSON.parse(readFileSync(settingsFile, 'utf8')).relayUrl;
      if (typeof relayUrl === 'string') settingsRelayUrl = relayUrl;
    } catch {
      // The guide still helps without the check.
    }
  }
  const distDir = join(packageRoot(), 'dist');
  process.stdout.write(
    setupGuide({
      url,
      pbxSecret: config.pbx.secret,
      distDir,
      distBuilt: existsSync(join(distDir, 'manifest.json')),
      settingsFile: existsSync(settingsFile) ? settingsFile : null,
      settingsRelayUrl,
      demoCrm: config.demoCrm,
    }),
  );
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

async function main(argv: string[]): Promise<void> {
  let values: { config?: string; 'print-setup'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        'print-setup': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    exit(2, `screenpop-relay: ${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!values.config) exit(2, `screenpop-relay: --config FILE is required\n\n${USAGE}`);

  let config: RelayConfig;
  try {
    config = loadConfig(values.config);
    // The environment may move the store (several instances share one): store/storeConfig.ts.
    config.store = applyStoreEnv(config.store, process.env);
  } catch (error) {
    if (error instanceof ConfigError) exit(1, error.message);
    throw error;
  }

  // A closed stdout (`| head`, a dead log shipper) must not take the relay down with it.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  // The agents' store (store/createStores.ts picks it); config agents only seed a new store.
  const agents = await openAgents(config).catch((error: unknown) =>
    error instanceof ConfigError ? exit(1, error.message) : Promise.reject(error),
  );
  // Through process.stdout, so log lines and the setup guide come out in the order they were written.
  const app = buildApp({
    config,
    agents: agents.directory,
    logger: { stream: process.stdout, level: process.env.LOG_LEVEL || 'info' },
  });
  agents.attach(app);
  try {
    await app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (error) {
    exit(
      1,
      `screenpop-relay: cannot start on ${config.listen.host}:${config.listen.port}: ${(error as Error).message}`,
    );
  }
  const url = listenUrl(app.server.address() as AddressInfo);
  // The one line scripts and tests look for to learn the port (the config may say 0).
  app.log.info({ url }, 'listening');
  const secrets = [config.pbx.secret, config.adminToken, ...config.agents.map((a) => a.token)];
  if (!isLoopback(config.listen.host) && secrets.some((s) => s.startsWith('sample-')))
    app.log.warn('the config uses the published sample secrets on a non-loopback address: replace them');
  if (values['print-setup']) printSetup(values.config, config, url);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) process.exit(1); // A second Ctrl+C means "now".
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  exit(1, `screenpop-relay: ${(error as Error)?.stack ?? error}`);
});
