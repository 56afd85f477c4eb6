// `journal.writers`: the list, the names, the kinds, and that each kind parses its own fields.
import { describe, expect, it } from 'vitest';
import {
  createWriters,
  MAX_WRITERS,
  parseWriters,
} from '../../../../relay/journal/writers/writerRegistry.ts';

const SECRET = 'wEbHoOkSeCrEt-0123456789';
const env = {
  JOURNAL_SECRET: SECRET,
  VTIGER_ACCESS_KEY: 'vTaCcEsSkEy-000',
  SUITECRM_SECRET: 'sCsEcReT-0000',
};
const hook = { name: 'hook', kind: 'webhook', url: 'https://n8n.example/hook', secretEnv: 'JOURNAL_SECRET' };
const vt = {
  name: 'vt',
  kind: 'vtiger',
  url: 'https://vtiger.example',
  username: 'screenpop',
  accessKeyEnv: 'VTIGER_ACCESS_KEY',
};
const sc = {
  name: 'sc',
  kind: 'suitecrm',
  url: 'https://suite.example',
  clientId: 'screenpop',
  clientSecretEnv: 'SUITECRM_SECRET',
};
const log = { info() {}, warn() {}, error() {} };

describe('journal.writers', () => {
  it('parses each kind with its own parser and makes its writer', async () => {
    const configs = parseWriters([hook, vt, sc], '/', env);
    expect(configs.map((c) => [c.name, c.kind])).toEqual([
      ['hook', 'webhook'],
      ['vt', 'vtiger'],
      ['sc', 'suitecrm'],
    ]);
    expect(configs[1]).toMatchObject({ accessKey: 'vTaCcEsSkEy-000' });
    expect(configs[2]).toMatchObject({ legacy: false, clientSecret: 'sCsEcReT-0000' });
    const writers = createWriters(configs, { log });
    expect(writers.map((w) => `${w.kind}:${w.name}`)).toEqual(['webhook:hook', 'vtiger:vt', 'suitecrm:sc']);
    for (const w of writers) await w.close();
  });

  it('names the field at fault', () => {
    const bad: [unknown, RegExp][] = [
      [undefined, /journal\.writers must be a non-empty list/],
      [[], /journal\.writers must be a non-empty list/],
      [Array.from({ length: MAX_WRITERS + 1 }, (_, i) => ({ ...hook, name: `h${i}` })), /at most 10 writers/],
      [['hook'], /journal\.writers\[0\] must be an object/],
      [[{ ...hook, name: undefined }], /journal\.writers\[0\]\.name must be a non-empty string/],
      [[{ ...hook, name: 'My Hook' }], /journal\.writers\[0\]\.name must be lower-case letters/],
      [[{ ...hook, name: '-hook' }], /journal\.writers\[0\]\.name must be lower-case letters/],
      [[{ ...hook, name: 'h'.repeat(33) }], /journal\.writers\[0\]\.name must be at most 32/],
      [[hook, { ...vt, name: 'hook' }], /journal\.writers\[1\]\.name "hook" is used by another writer/],
      [
        [{ ...hook, kind: 'salesforce' }],
        /journal\.writers\[0\]\.kind must be one of webhook, vtiger, suitecrm/,
      ],
      [[hook, { ...hook, name: 'h2', url: 'mailto:x' }], /journal\.writers\[1\]\.url/],
      [
        [vt, { ...sc, clientSecretEnv: 'NOPE' }],
        /journal\.writers\[1\]\.clientSecretEnv names the environment variable NOPE/,
      ],
    ];
    for (const [raw, message] of bad) expect(() => parseWriters(raw, '/', env)).toThrow(message);
  });

  it('never shows a secret in a config error', () => {
    const raw = [{ ...vt, accessKey: 'vTaCcEsSkEy-000', accessKeyEnv: undefined }];
    expect(() => parseWriters(raw, '/', env)).toThrow(/journal\.writers\[0\]\.accessKey must not be written/);
    try {
      parseWriters(raw, '/', env);
    } catch (err) {
      expect((err as Error).message).not.toContain('vTaCcEsSkEy-000');
    }
  });
});
