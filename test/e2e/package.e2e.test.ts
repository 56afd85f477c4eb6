// `npm run package` on the real builds (dist/, dist-firefox/ from `npm run build`): the files and
// their names, no `key` for the stores, the same bytes twice, a CRX that Chrome's checks accept with
// a throwaway key, and `web-ext lint` on the Firefox package.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfKey, verifyCrx3 } from '../fixtures/crxReader.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const UPDATE_URL = 'https://intranet.example.com/screenpop/update.xml';
const version: string = JSON.parse(readFileSync(join(ROOT, 'dist/manifest.json'), 'utf8')).version;
const firefoxManifest = JSON.parse(readFileSync(join(ROOT, 'dist-firefox/manifest.json'), 'utf8'));

let tmp: string;
let keyFile: string;
let expectedId: string;
let withKey: Record<string, string>;

const pack = (out: string, env: Record<string, string> = {}, args: string[] = []) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/package.ts', '--out', out, ...args], {
    cwd: ROOT,
    env: { ...process.env, SCREENPOP_CRX_KEY_FILE: '', SCREENPOP_UPDATE_URL: '', ...env },
  });
const file = (dir: string, name: string) => readFileSync(join(tmp, dir, name));
const manifestIn = async (zip: Buffer) =>
  JSON.parse(await ((await JSZip.loadAsync(zip)).file('manifest.json')?.async('string') ?? 'null'));

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'screenpop-package-'));
  // A throwaway signing key: the real one never enters the repo.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keyFile = join(tmp, 'throwaway.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  expectedId = idOfKey(publicKey.export({ type: 'spki', format: 'der' }));
  withKey = { SCREENPOP_CRX_KEY_FILE: keyFile, SCREENPOP_UPDATE_URL: UPDATE_URL };
  await pack(join(tmp, 'one'), withKey);
  await pack(join(tmp, 'two'), withKey);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm run package', () => {
  const names = [
    `screenpop-chrome-${version}.crx`,
    `screenpop-chrome-${version}.zip`,
    `screenpop-edge-${version}.zip`,
    `screenpop-firefox-${version}.xpi`,
    'update.xml',
  ];

  it('writes the versioned packages and update.xml', () => {
    expect(readdirSync(join(tmp, 'one')).sort()).toEqual(names);
  });

  it('gives byte-identical files on a second run', () => {
    for (const name of names)
      expect(file('one', name).equals(file('two', name)), `${name} differs`).toBe(true);
  });

  it('leaves `key` out of the Chrome and Edge store zips and keeps every built file', async () => {
    const built = JSON.parse(readFileSync(join(ROOT, 'dist/manifest.json'), 'utf8'));
    expect(built.key, 'dist/ keeps the pinned key for unpacked installs').toBeTypeOf('string');
    for (const store of ['chrome', 'edge']) {
      const zip = file('one', `screenpop-${store}-${version}.zip`);
      const { key, ...rest } = await manifestIn(zip);
      expect(key, `the ${store} store refuses a manifest with a key`).toBeUndefined();
      const { key: _pinned, ...builtRest } = built;
      expect(rest).toEqual(builtRest);
      const entries = Object.keys((await JSZip.loadAsync(zip)).files);
      expect(entries).toContain('service-worker-loader.js');
      expect(entries).toContain('_locales/fa/messages.json');
    }
  });

  it('signs a CRX3 that verifies, with the key id, and an update.xml naming it', async () => {
    const crx = file('one', `screenpop-chrome-${version}.crx`);
    expect(verifyCrx3(crx), 'header, signature over the signed data and zip, crx_id from the key').toBe(
      expectedId,
    );
    const xml = new XMLParser({ ignoreAttributes: false, processEntities: false }).parse(
      file('one', 'update.xml').toString(),
    );
    const app = xml.gupdate.app;
    expect(app['@_appid']).toBe(expectedId);
    expect(app.updatecheck['@_version']).toBe(version);
    expect(app.updatecheck['@_codebase']).toBe(
      `https://intranet.example.com/screenpop/screenpop-chrome-${version}.crx`,
    );
  });

  it('puts the update URL, and no key, in the CRX manifest', async () => {
    const crx = file('one', `screenpop-chrome-${version}.crx`);
    const zip = crx.subarray(12 + crx.readUInt32LE(8));
    const manifest = await manifestIn(zip);
    expect(manifest.update_url).toBe(UPDATE_URL);
    expect(manifest.key).toBeUndefined();
  });

  it('packs dist-firefox/ as the xpi, gecko id and all', async () => {
    const xpi = file('one', `screenpop-firefox-${version}.xpi`);
    expect(await manifestIn(xpi)).toEqual(firefoxManifest);
    expect(firefoxManifest.browser_specific_settings.gecko.id).toBe('screenpop@screenpop.app');
  });

  it('passes web-ext lint with 0 errors', async () => {
    const dir = join(tmp, 'xpi');
    const zip = await JSZip.loadAsync(file('one', `screenpop-firefox-${version}.xpi`));
    for (const entry of Object.values(zip.files)) {
      if (entry.dir) continue;
      mkdirSync(dirname(join(dir, entry.name)), { recursive: true });
      writeFileSync(join(dir, entry.name), await entry.async('nodebuffer'));
    }
    const webExt = join(ROOT, 'node_modules/.bin/web-ext');
    const result = await run(
      webExt,
      ['lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery'],
      {
        cwd: ROOT,
      },
    ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const report = JSON.parse(result.stdout);
    expect(report.errors, JSON.stringify(report.errors, null, 2)).toEqual([]);
    expect(report.summary.errors).toBe(0);
  });

  it('without a key skips the CRX and says how to make one', async () => {
    const out = join(tmp, 'nokey');
    const { stdout } = await pack(out);
    expect(stdout).toMatch(/CRX skipped: set SCREENPOP_CRX_KEY_FILE/);
    expect(readdirSync(out).sort()).toEqual(names.filter((n) => n.endsWith('.zip') || n.endsWith('.xpi')));
  });

  it('stops with a clear message when a build is missing', async () => {
    const err = await pack(join(tmp, 'none'), {}, ['--firefox', join(tmp, 'no-such-build')]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toMatch(/no Firefox build in .*Run `npm run build` first/);
  });

  it('refuses a key without SCREENPOP_UPDATE_URL', async () => {
    const err = await pack(join(tmp, 'nourl'), { SCREENPOP_CRX_KEY_FILE: keyFile }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toMatch(/SCREENPOP_UPDATE_URL must be/);
  });
});
