#!/usr/bin/env node
// The package's `screenpop-relay` command. It runs the bundled relay, because Node 20 cannot run
// the TypeScript sources directly.
import { existsSync } from 'node:fs';

const cli = new URL('../build/relay/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'screenpop-relay: build/relay/cli.js is missing. Run `npm run build:relay` in the screenpop folder first.\n',
  );
  process.exit(1);
}
await import(cli.href);
