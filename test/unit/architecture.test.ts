// The folder rules of ../shared/design/ARCHITECTURE.md as a test: every relative import in the
// product's sources is checked, and a broken rule is reported with the file, the import and the
// rule, so the fix is obvious to whoever broke it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Relay folders from top to bottom: a folder imports only folders after it in this list. */
const RELAY_LAYERS = [
  'server',
  'admin',
  'ingest',
  'delivery',
  'journal',
  'contacts',
  'agents',
  'store',
  'http',
];

/**
 * Modules that reach a browser; `shared/` must not import them. `shared/ui/` (Preact) and
 * `shared/platform/` (the one module that touches the WebExtension global, for worker and pages
 * alike) are the two places outside the extension's folders that may.
 */
const BROWSER_MODULES = ['webextension-polyfill', 'preact', 'idb'];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

interface Import {
  file: string;
  spec: string;
  /** Repo-relative path of the imported file; undefined for packages. */
  target?: string;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const rel = relative(ROOT, file);
  const found: Import[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
    const spec = m[1] as string;
    found.push({
      file: rel,
      spec,
      target: spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)) : undefined,
    });
  }
  return found;
}

/** `relay/ingest/adapters/logo.ts` → `ingest`; files directly in relay/ → ''. */
function relayLayer(path: string): string {
  const parts = path.split('/');
  return parts.length > 2 ? (parts[1] as string) : '';
}

/** The top-level area of a repo path, with `shared/ui` apart from `shared`. */
function area(path: string): string {
  if (path.startsWith('shared/ui/')) return 'shared/ui';
  if (path.startsWith('shared/platform/')) return 'shared/platform';
  return path.split('/')[0] as string;
}

/** Why this import breaks a rule, or undefined when it is allowed. */
function violation(imp: Import): string | undefined {
  const from = area(imp.file);
  if (imp.target === undefined) {
    if (from === 'shared' && BROWSER_MODULES.some((m) => imp.spec === m || imp.spec.startsWith(`${m}/`)))
      return `shared/ is platform-free: ${imp.spec} belongs in shared/ui/ or the extension`;
    if (from === 'relay' && BROWSER_MODULES.some((m) => imp.spec === m || imp.spec.startsWith(`${m}/`)))
      return 'the relay never imports browser code';
    return undefined;
  }
  const to = area(imp.target);
  switch (from) {
    case 'shared':
      return to === 'shared'
        ? undefined
        : 'shared/ imports nothing of ours but shared/ (not shared/ui/ or shared/platform/)';
    case 'shared/platform':
      return to === 'shared' || to === 'shared/platform'
        ? undefined
        : 'shared/platform/ imports only shared/';
    case 'shared/ui':
      return to === 'shared' || to === 'shared/ui' || to === 'shared/platform'
        ? undefined
        : 'shared/ui/ imports only shared/ and shared/platform/';
    case 'background':
      return to === 'shared' || to === 'shared/platform' || to === 'background'
        ? undefined
        : 'background/ imports only shared/ and shared/platform/';
    case 'popup':
    case 'options':
      return to === 'shared' || to === 'shared/ui' || to === 'shared/platform' || to === from
        ? undefined
        : `${from}/ imports only shared/ and shared/ui/ (talk to the worker through messages)`;
    case 'relay': {
      if (to === 'shared') return undefined;
      if (to !== 'relay') return 'the relay imports only relay/ and shared/';
      const a = RELAY_LAYERS.indexOf(relayLayer(imp.file));
      const b = RELAY_LAYERS.indexOf(relayLayer(imp.target));
      if (a < 0)
        return `relay/${relayLayer(imp.file) || '*.ts'} is not a relay folder (${RELAY_LAYERS.join(', ')})`;
      if (b < 0) return `relay/${relayLayer(imp.target) || '*.ts'} is not a relay folder`;
      return b >= a
        ? undefined
        : `relay/${RELAY_LAYERS[a]}/ may import only folders below it (${RELAY_LAYERS.slice(a + 1).join(', ')})`;
    }
    default:
      return undefined;
  }
}

/**
 * Browser globals the platform-free top of `shared/` may not touch (an import is caught above; a
 * global needs no import). Comments are left out of the scan: prose may say "the browser.".
 */
const BROWSER_GLOBALS: readonly { name: string; re: RegExp }[] = [
  { name: 'chrome.', re: /\bchrome\s*\??\./ },
  { name: 'browser.', re: /\bbrowser\s*\??\./ },
  { name: 'indexedDB', re: /\bindexedDB\b/ },
  { name: 'document', re: /\bdocument\b/ },
  { name: 'window', re: /\bwindow\b/ },
];

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** `file: rule` for every browser global a top-level `shared/*.ts` file uses. */
function browserGlobalsIn(file: string, text: string): string[] {
  const code = withoutComments(text);
  return BROWSER_GLOBALS.filter((g) => g.re.test(code)).map(
    (g) =>
      `${file} uses ${g.name}: shared/*.ts is platform-free (browser code goes in shared/platform/ or shared/ui/)`,
  );
}

const FOLDERS = ['shared', 'relay', 'background', 'popup', 'options'];
const all = FOLDERS.flatMap((f) => sources(join(ROOT, f))).flatMap(importsOf);

describe('folder rules (ARCHITECTURE.md)', () => {
  it('reads the imports of every source file', () => {
    expect(all.length, 'the scan found no imports: is ROOT right?').toBeGreaterThan(500);
  });

  for (const folder of FOLDERS) {
    it(`${folder}/ imports only what its rules allow`, () => {
      const broken = all
        .filter((i) => i.file.startsWith(`${folder}/`))
        .map((i) => ({ i, why: violation(i) }))
        .filter((x) => x.why)
        .map(({ i, why }) => `${i.file} imports ${i.spec}: ${why}`);
      expect(broken, broken.join('\n')).toEqual([]);
    });
  }

  it('names a storage backend only in relay/store/ (the one place that picks it)', () => {
    const named = sources(join(ROOT, 'relay'))
      .map((f) => relative(ROOT, f))
      .filter((f) => !f.startsWith('relay/store/'))
      .filter((f) => /redis|sqlite/i.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(named, `these relay files name a backend: ${named.join(', ')}`).toEqual([]);
  });

  it('top-level shared/*.ts uses no browser global', () => {
    const dir = join(ROOT, 'shared');
    const broken = readdirSync(dir)
      .filter((name) => /\.tsx?$/.test(name) && statSync(join(dir, name)).isFile())
      .flatMap((name) => browserGlobalsIn(`shared/${name}`, readFileSync(join(dir, name), 'utf8')));
    expect(broken, broken.join('\n')).toEqual([]);
  });

  it('knows a browser global when it sees one', () => {
    expect(browserGlobalsIn('shared/x.ts', 'const tabs = chrome.tabs;')).toEqual([
      expect.stringMatching(/^shared\/x\.ts uses chrome\.: shared\/\*\.ts is platform-free/),
    ]);
    expect(browserGlobalsIn('shared/x.ts', 'await browser.storage.local.get()')[0]).toMatch(/browser\./);
    expect(browserGlobalsIn('shared/x.ts', 'indexedDB.open("x")')[0]).toMatch(/indexedDB/);
    expect(browserGlobalsIn('shared/x.ts', 'document.title = "";')[0]).toMatch(/document/);
    expect(browserGlobalsIn('shared/x.ts', 'window.open(url)')[0]).toMatch(/window/);
    expect(browserGlobalsIn('shared/x.ts', '// the browser. opens it\n/* window */ const a = 1;')).toEqual(
      [],
    );
  });

  it('knows a broken rule when it sees one', () => {
    expect(violation({ file: 'shared/x.ts', spec: './ui/y.ts', target: 'shared/ui/y.ts' })).toMatch(
      /nothing of ours/,
    );
    expect(
      violation({ file: 'background/x.ts', spec: '../shared/ui/y.ts', target: 'shared/ui/y.ts' }),
    ).toMatch(/background/);
    expect(
      violation({ file: 'relay/store/x.ts', spec: '../ingest/y.ts', target: 'relay/ingest/y.ts' }),
    ).toMatch(/relay\/store\/ may import only folders below it/);
    expect(
      violation({ file: 'relay/ingest/x.ts', spec: '../store/y.ts', target: 'relay/store/y.ts' }),
    ).toBeUndefined();
    expect(violation({ file: 'shared/x.ts', spec: 'webextension-polyfill' })).toMatch(/platform-free/);
    expect(violation({ file: 'popup/x.ts', spec: '../background/y.ts', target: 'background/y.ts' })).toMatch(
      /messages/,
    );
    expect(violation({ file: 'relay/x.ts', spec: './y.ts', target: 'relay/y.ts' })).toMatch(
      /not a relay folder/,
    );
  });
});
