// `npm run package`: the packages stores and administrators take, made from what `npm run build`
// wrote (dist/ for Chrome and Edge, dist-firefox/ for Firefox), into packages/:
//   screenpop-chrome-<version>.zip, screenpop-edge-<version>.zip   store uploads, manifest without `key`
//   screenpop-firefox-<version>.xpi                                for AMO, unsigned (docs/enterprise.md)
//   screenpop-chrome-<version>.crx + update.xml                    self-hosted, for policy installs; only
//     with SCREENPOP_CRX_KEY_FILE (a PEM private key, kept out of the repo) and SCREENPOP_UPDATE_URL
//     (the address update.xml will be served at; the .crx is expected beside it)
// Same builds in, same bytes out. Options for tests: --out DIR, --chrome DIR, --firefox DIR.
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { crx3, extensionId, updateXml } from './packaging/crx.ts';
import { readTree, reproducibleZip, withManifest, withoutKey } from './packaging/zip.ts';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'packages' },
    chrome: { type: 'string', default: 'dist' },
    firefox: { type: 'string', default: 'dist-firefox' },
  },
});

function fail(message: string): never {
  console.error(`npm run package: ${message}`);
  process.exit(1);
}

function readBuild(
  dir: string,
  what: string,
): { files: Map<string, Buffer>; manifest: Record<string, unknown> } {
  const path = resolve(dir);
  if (!existsSync(join(path, 'manifest.json'))) {
    fail(`no ${what} build in ${path} (no manifest.json there). Run \`npm run build\` first.`);
  }
  const files = readTree(path);
  return { files, manifest: JSON.parse((files.get('manifest.json') as Buffer).toString('utf8')) };
}

const chrome = readBuild(args.chrome, 'Chrome/Edge');
const firefox = readBuild(args.firefox, 'Firefox');
const version = chrome.manifest.version;
if (typeof version !== 'string') fail(`${args.chrome}/manifest.json has no version`);
if (firefox.manifest.version !== version) {
  fail(
    `dist-firefox is version ${firefox.manifest.version}, dist is ${version}: run \`npm run build\` again`,
  );
}
const gecko = (firefox.manifest.browser_specific_settings as { gecko?: { id?: string } } | undefined)?.gecko;
if (!gecko?.id)
  fail(`${args.firefox}/manifest.json has no browser_specific_settings.gecko.id: not a Firefox build`);

const out = resolve(args.out);
mkdirSync(out, { recursive: true });
const write = (name: string, data: Buffer | string) => {
  writeFileSync(join(out, name), data);
  console.log(`${join(args.out, name)}  ${Buffer.byteLength(data).toLocaleString('en')} bytes`);
};

const storeZip = await reproducibleZip(withManifest(chrome.files, withoutKey));
write(`screenpop-chrome-${version}.zip`, storeZip);
write(`screenpop-edge-${version}.zip`, storeZip);
write(`screenpop-firefox-${version}.xpi`, await reproducibleZip(firefox.files));
console.log(`  Firefox add-on id ${gecko.id}`);

const keyFile = process.env.SCREENPOP_CRX_KEY_FILE;
const updateUrl = process.env.SCREENPOP_UPDATE_URL;
if (!keyFile) {
  console.log(
    'CRX skipped: set SCREENPOP_CRX_KEY_FILE (a PEM private key) and SCREENPOP_UPDATE_URL (where update.xml ' +
      'will be served) for the self-hosted package.',
  );
} else {
  if (!updateUrl || !/^https?:\/\//.test(updateUrl)) {
    fail('SCREENPOP_CRX_KEY_FILE is set: SCREENPOP_UPDATE_URL must be the http(s) address of update.xml');
  }
  const key = createPrivateKey(readFileSync(keyFile));
  const crxName = `screenpop-chrome-${version}.crx`;
  // The manifest's update_url is where Chrome looks for updates after the first install (a policy's
  // update_url is used only for that first install, unless it sets override_update_url).
  const zip = await reproducibleZip(
    withManifest(chrome.files, (m) => ({ ...withoutKey(m), update_url: updateUrl })),
  );
  const { crx, id } = crx3(zip, key);
  write(crxName, crx);
  write('update.xml', updateXml({ id, version, codebase: new URL(crxName, updateUrl).href }));
  console.log(`  extension id ${id}, update URL ${updateUrl}`);
  const pinned =
    typeof chrome.manifest.key === 'string' ? extensionId(Buffer.from(chrome.manifest.key, 'base64')) : null;
  if (pinned && pinned !== id) {
    console.log(
      `  Not the key pinned in manifest.json (id ${pinned}): policies and managed storage must name ${id}.`,
    );
  }
}
