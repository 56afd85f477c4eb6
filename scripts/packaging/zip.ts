// Reproducible zips of a built extension: the same files give the same bytes on any machine and day.
// JSZip writes what it is given, so everything that varies is fixed here: entries sorted by path,
// one timestamp for all, 0644 permissions, no directory entries (JSZip would stamp them with "now").
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import JSZip from 'jszip';

/** 1980-01-01T00:00:00Z, the earliest time a zip can hold, unless SOURCE_DATE_EPOCH says otherwise. */
export function fixedDate(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  return Number.isInteger(epoch) && epoch >= 315_532_800
    ? new Date(epoch * 1000)
    : new Date(Date.UTC(1980, 0, 1));
}

/** Every file under `dir` by its `/`-separated path, dot files and dot folders (e.g. `.vite/`) left out. */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.set(relative(dir, path).split(sep).join('/'), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

/** The zip of `files`, byte for byte the same for the same input. */
export async function reproducibleZip(files: Map<string, Buffer>, date = fixedDate()): Promise<Buffer> {
  const zip = new JSZip();
  // Byte order, not locale order, so every machine sorts alike.
  const paths = [...files.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const path of paths) {
    zip.file(path, files.get(path) as Buffer, { date, unixPermissions: 0o644, createFolders: false });
  }
  return zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: 9 },
    platform: 'UNIX',
  });
}

/** `manifest.json` of `files` rewritten by `edit` (the other files untouched). */
export function withManifest(
  files: Map<string, Buffer>,
  edit: (manifest: Record<string, unknown>) => Record<string, unknown>,
): Map<string, Buffer> {
  const raw = files.get('manifest.json');
  if (!raw) throw new Error('the build has no manifest.json');
  const manifest = edit(JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
  return new Map(files).set('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
}

/** The manifest without `key`: the stores refuse an upload that carries one (they assign the id). */
export function withoutKey(manifest: Record<string, unknown>): Record<string, unknown> {
  const { key: _key, ...rest } = manifest;
  return rest;
}
