// The packer's parts on small inputs (no build needed); test/e2e/package.e2e.test.ts runs
// `npm run package` on the real builds.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { crx3, extensionId, updateXml } from '../../../scripts/packaging/crx.ts';
import { fixedDate, reproducibleZip, withManifest, withoutKey } from '../../../scripts/packaging/zip.ts';
import { idOfKey, readCrx3, verifyCrx3 } from '../../fixtures/crxReader.ts';

const files = (entries: [string, string][]) => new Map(entries.map(([p, s]) => [p, Buffer.from(s)]));
const SAMPLE: [string, string][] = [
  ['manifest.json', '{"name":"x","version":"1.2.3","key":"abc"}'],
  ['b/z.js', 'z'],
  ['a.txt', 'a'],
  ['b/a.js', 'a'.repeat(1000)],
];

describe('reproducible zip', () => {
  it('gives the same bytes whatever order the files come in', async () => {
    const one = await reproducibleZip(files(SAMPLE));
    const two = await reproducibleZip(files([...SAMPLE].reverse()));
    expect(one.equals(two), 'same files in another order must zip to the same bytes').toBe(true);
  });

  it('sorts entries by path, stamps one fixed date and 0644, and has no folder entries', async () => {
    const zip = await JSZip.loadAsync(await reproducibleZip(files(SAMPLE)));
    expect(Object.keys(zip.files)).toEqual(['a.txt', 'b/a.js', 'b/z.js', 'manifest.json']);
    for (const entry of Object.values(zip.files)) {
      expect(entry.date.toISOString()).toBe('1980-01-01T00:00:00.000Z');
      expect(Number(entry.unixPermissions) & 0o777).toBe(0o644);
    }
  });

  it('takes SOURCE_DATE_EPOCH when set', () => {
    expect(fixedDate({ SOURCE_DATE_EPOCH: '1700000000' }).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(fixedDate({}).toISOString()).toBe('1980-01-01T00:00:00.000Z');
  });

  it('drops the manifest key for the stores and leaves the other files alone', () => {
    const out = withManifest(files(SAMPLE), withoutKey);
    expect(JSON.parse((out.get('manifest.json') as Buffer).toString())).toEqual({
      name: 'x',
      version: '1.2.3',
    });
    expect(out.get('b/z.js')?.toString()).toBe('z');
  });
});

describe('CRX3', () => {
  it('gives the pinned manifest key the id the docs and policies use', () => {
    const manifest = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../manifest.json'), 'utf8'));
    expect(extensionId(Buffer.from(manifest.key, 'base64'))).toBe('dhabiokniikknfidbhccdfcpelbijnna');
  });

  for (const kind of ['rsa', 'ec'] as const) {
    it(`signs with an ${kind.toUpperCase()} key so that Chrome's checks pass`, async () => {
      const { privateKey, publicKey } =
        kind === 'rsa'
          ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const zip = await reproducibleZip(files(SAMPLE));
      const { crx, id } = crx3(zip, privateKey);
      const expectedId = idOfKey(publicKey.export({ type: 'spki', format: 'der' }));
      expect(id, 'the id is derived from the public key').toBe(expectedId);
      expect(verifyCrx3(crx), 'header, signature and crx_id verify').toBe(expectedId);
      const parsed = readCrx3(crx);
      expect(parsed.zip.equals(zip), 'the CRX carries the zip unchanged').toBe(true);
      expect(kind === 'rsa' ? parsed.rsa.length : parsed.ecdsa.length).toBe(1);
    });
  }

  it('fails verification when one byte of the zip changes', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { crx } = crx3(await reproducibleZip(files(SAMPLE)), privateKey);
    const tampered = Buffer.from(crx);
    tampered[tampered.length - 30] = (tampered[tampered.length - 30] as number) ^ 1;
    expect(() => verifyCrx3(tampered)).toThrow(/does not verify/);
  });

  it('writes an update manifest with the id, version and an escaped codebase', () => {
    const xml = updateXml({
      id: 'abcdefghijklmnopabcdefghijklmnop',
      version: '1.2.3',
      codebase: 'https://h/x.crx?a=1&b=2',
    });
    expect(xml).toContain('<gupdate xmlns="http://www.google.com/update2/response" protocol="2.0">');
    expect(xml).toContain('<app appid="abcdefghijklmnopabcdefghijklmnop">');
    expect(xml).toContain('<updatecheck codebase="https://h/x.crx?a=1&amp;b=2" version="1.2.3"/>');
  });
});
