// Post-build step of `npm run build:extension`: copies the Chrome build (dist/) to dist-firefox/ and
// rewrites its manifest for Firefox (firefoxManifest.ts). crxjs only knows Chrome's manifest shape,
// so this runs after `vite build` rather than as a second vite build.
//   node --import tsx scripts/buildFirefox.ts        (SCREENPOP_DIST: another Chrome build folder)
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { firefoxManifest } from './firefoxManifest.ts';

const from = resolve(process.env.SCREENPOP_DIST ?? 'dist');
const to = resolve(process.env.SCREENPOP_DIST_FIREFOX ?? 'dist-firefox');
if (!existsSync(resolve(from, 'manifest.json')))
  throw new Error(`no extension build in ${from}: run vite build`);

rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
// Chrome's managed-storage schema means nothing to Firefox (see firefoxManifest.ts).
rmSync(resolve(to, 'managed_schema.json'), { force: true });
const manifest = JSON.parse(readFileSync(resolve(from, 'manifest.json'), 'utf8'));
writeFileSync(resolve(to, 'manifest.json'), `${JSON.stringify(firefoxManifest(manifest), null, 2)}\n`);
console.log(`firefox build: ${to}`);
