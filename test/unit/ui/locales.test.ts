import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLAIN_FIELD_LABELS } from '../../../options/form.ts';
import { MAX_IMPORT_BYTES, parseSettingsFile } from '../../../options/importExport.ts';
import { ACTIONS, KEYPRESS_TARGETS, TEMPLATE_KEYS, UNKNOWN_TARGETS } from '../../../shared/actions.ts';
import { PRESETS } from '../../../shared/presets.ts';
import { type FieldErrorCode, FOCUS_POLICIES, POP_ON, TAB_POLICIES } from '../../../shared/settings.ts';
import { CONNECTION_KEYS } from '../../../shared/ui/connectionView.ts';

interface Message {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
type Messages = Record<string, Message>;

const root = fileURLToPath(new URL('../../../', import.meta.url));
const localesDir = join(root, 'extension/_locales');
const LOCALES = ['en', 'tr', 'ru', 'de', 'fa'];
const load = (lang: string): Messages =>
  JSON.parse(readFileSync(join(localesDir, lang, 'messages.json'), 'utf8'));
const en = load('en');
const enKeys = Object.keys(en).sort();

// Compile-time complete: adding a FieldErrorCode in shared/settings.ts fails typecheck here until listed.
const FIELD_ERROR_CODES = Object.keys({
  errNotObject: true,
  errString: true,
  errTooLong: true,
  errRelayUrl: true,
  errToken: true,
  errRegion: true,
  errOrigin: true,
  errTemplateEmpty: true,
  errTemplatePlaceholder: true,
  errTemplateUrl: true,
  errTemplateOrigin: true,
  errKeypress: true,
  errAction: true,
  errSyncMinutes: true,
  errChoice: true,
  errBoolean: true,
  errQueueMaxCalls: true,
  errQueueMaxAge: true,
  errUnknownField: true,
} satisfies Record<FieldErrorCode, true>);

/** Keys the background puts into QueuedCall.error and calls.resume's error. */
const BACKGROUND_ERROR_KEYS = [
  'errEventFailed',
  'errTemplateEmpty',
  'errTemplatePlaceholder',
  'errTemplateUrl',
  'errTemplateOrigin',
  'errNoAction',
  'errCallNotFound',
  'errTabFailed',
  'errCandidateNotFound',
];

/** Messages that read the same in English and in the other language, on purpose. */
const SAME_AS_ENGLISH: Record<string, string[]> = {
  all: [
    'extName',
    'sectionCrm',
    'adminColWriter',
    'fieldErrorLine',
    'textDir',
    'labelCrmPreset',
    'preset_suitecrm',
    'transport_websocket',
  ],
  // Product names stay as they are written, except in Persian script.
  tr: ['preset_vtiger'],
  ru: ['preset_vtiger'],
  de: ['conn_offline', 'preset_vtiger', 'labelTabPolicy'],
};

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => readFileSync(join(root, dir, f), 'utf8'));
}
const uiSources = [...sources('popup'), ...sources('options')].join('\n');

function literalKeys(pattern: RegExp): string[] {
  return [
    ...new Set([...uiSources.matchAll(pattern)].map((m) => m.slice(1).find((g) => g !== undefined) ?? '')),
  ];
}

describe('locales', () => {
  it('ships en, tr, ru, de and fa', () => {
    expect(readdirSync(localesDir).sort()).toEqual([...LOCALES].sort());
  });

  it.each(LOCALES)('%s has exactly the keys of en', (lang) => {
    expect(Object.keys(load(lang)).sort()).toEqual(enKeys);
  });

  it('uses message names Chrome accepts, unique regardless of case (Chrome ignores case)', () => {
    for (const key of enKeys) expect(key, key).toMatch(/^[A-Za-z0-9_]+$/);
    expect(new Set(enKeys.map((k) => k.toLowerCase())).size).toBe(enKeys.length);
  });

  it('describes every English message for translators', () => {
    for (const key of enKeys) expect(en[key]?.description, `${key} needs a description`).toBeTruthy();
  });

  it.each(LOCALES)('%s: every message is non-empty and defines exactly the placeholders it uses', (lang) => {
    const messages = load(lang);
    for (const [key, entry] of Object.entries(messages)) {
      expect(entry.message.trim(), `${lang}/${key} is empty`).not.toBe('');
      const used = [...entry.message.matchAll(/\$([A-Za-z0-9_]+)\$/g)].map((m) => (m[1] ?? '').toLowerCase());
      const defined = Object.keys(entry.placeholders ?? {}).map((p) => p.toLowerCase());
      const expected = Object.keys(en[key]?.placeholders ?? {}).map((p) => p.toLowerCase());
      expect(new Set(used), `${lang}/${key} placeholders used`).toEqual(new Set(expected));
      expect(new Set(defined), `${lang}/${key} placeholders defined`).toEqual(new Set(expected));
      // A lone `$` is Chrome's placeholder syntax; a literal one must be written `$$`.
      expect(
        entry.message.replace(/\$[A-Za-z0-9_]+\$|\$\$/g, ''),
        `${lang}/${key} has a stray $`,
      ).not.toContain('$');
    }
  });

  it.each(LOCALES.filter((l) => l !== 'en'))('%s is a translation, not a copy of English', (lang) => {
    const allowed = new Set([...(SAME_AS_ENGLISH.all ?? []), ...(SAME_AS_ENGLISH[lang] ?? [])]);
    const copies = enKeys.filter((k) => !allowed.has(k) && load(lang)[k]?.message === en[k]?.message);
    expect(copies).toEqual([]);
  });

  it.each(LOCALES)('%s keeps the manifest name and description within Chrome Web Store limits', (lang) => {
    const messages = load(lang);
    expect(messages.extName?.message.length).toBeLessThanOrEqual(45);
    expect(messages.extDescription?.message.length).toBeLessThanOrEqual(132);
  });

  it.each(LOCALES)('%s states its own language and text direction (Persian is right to left)', (lang) => {
    const messages = load(lang);
    expect(messages.textLang?.message).toBe(lang);
    expect(messages.textDir?.message).toBe(lang === 'fa' ? 'rtl' : 'ltr');
  });

  it('uses Logo CRM wording for the Turkish call queue', () => {
    const tr = load('tr');
    const cols = ['colDateTime', 'colNumber', 'colExtension', 'colCallId', 'colCaller', 'colKeypress'];
    expect(tr.queueTitle?.message).toBe('Çağrı Kuyruğu');
    expect(cols.map((k) => tr[k]?.message)).toEqual([
      'Tarih/Saat',
      'Numara',
      'Dahili',
      'Çağrı ID',
      'Muhtemel Arayan',
      'Tuşlama',
    ]);
  });
});

describe('keys the UI uses exist in en', () => {
  it("every literal t('…') key in popup/ and options/", () => {
    const keys = literalKeys(/\bt\(\s*(?:'([^'$]+)'|"([^"$]+)"|`([^`$]+)`)/g).filter(
      (k) => !k.startsWith('@@'),
    );
    expect(keys.length).toBeGreaterThan(40);
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('every error key written as a literal in popup/ and options/ (passed around before t)', () => {
    const keys = literalKeys(/'(err[A-Z][A-Za-z]*)'/g);
    expect(keys).toContain('errBackground');
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('the product name and description the manifest names', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
    for (const value of [manifest.name, manifest.description, manifest.action?.default_title]) {
      const key = /^__MSG_(\w+)__$/.exec(value)?.[1];
      if (key) expect(en, value).toHaveProperty(key);
    }
  });

  it('every field error code in shared/settings.ts and every error the background reports', () => {
    expect([...FIELD_ERROR_CODES, ...BACKGROUND_ERROR_KEYS].filter((k) => !(k in en))).toEqual([]);
  });

  it('every action and keypress target name, and every connection state', () => {
    const keys = [
      ...[...ACTIONS, ...KEYPRESS_TARGETS, ...UNKNOWN_TARGETS].map((a) => `action_${a}`),
      ...TEMPLATE_KEYS.map((k) => `template_${k}`),
      ...PRESETS.map((p) => `preset_${p}`),
      ...POP_ON.map((p) => `popOn_${p}`),
      ...TAB_POLICIES.map((p) => `tabPolicy_${p}`),
      ...FOCUS_POLICIES.map((p) => `focusPolicy_${p}`),
      'notifications_true',
      'notifications_false',
      'skipped_elsewhere',
      'skipped_popOff',
      ...Object.values(CONNECTION_KEYS),
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('field labels and import error keys that are chosen at run time', () => {
    const bad = parseSettingsFile('{');
    const big = parseSettingsFile(' '.repeat(MAX_IMPORT_BYTES + 1));
    const keys = [
      ...PLAIN_FIELD_LABELS.values(),
      bad.ok ? '' : bad.error,
      big.ok ? '' : big.error,
      'labelKeypress',
      'fieldTemplate',
      'fieldWholeFile',
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });
});
