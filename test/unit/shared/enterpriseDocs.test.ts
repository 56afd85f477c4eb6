// The admins' guide lists every key the policy can set, with the schema's type and the default, so
// a new setting cannot ship undocumented.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../../shared/policy.ts';
import { defaults } from '../../../shared/settings.ts';

interface SchemaNode {
  type: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode;
}

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/enterprise.md', root), 'utf8');
const schema: SchemaNode = JSON.parse(readFileSync(new URL('extension/managed_schema.json', root), 'utf8'));
const manifest = JSON.parse(readFileSync(new URL('manifest.json', root), 'utf8'));

/** `[path, type as the doc writes it, default]` for every value an admin sets. */
function keys(node: SchemaNode, values: Record<string, unknown>, prefix = ''): [string, string, unknown][] {
  return Object.entries(node.properties ?? {}).flatMap(([key, sub]): [string, string, unknown][] => {
    const path = prefix + key;
    if (sub.properties) return keys(sub, values[key] as Record<string, unknown>, `${path}.`);
    return [[path, sub.additionalProperties ? 'object (key → string)' : sub.type, values[key]]];
  });
}

describe('docs/enterprise.md', () => {
  it.each(keys(schema, defaults))('lists %s as %s with its default', (path, type, value) => {
    const row = `| \`${path}\` | ${type} | \`${JSON.stringify(value)}\` |`;
    expect(doc, `docs/enterprise.md needs the row ${row}`).toContain(row);
  });

  it('names the extension id the manifest key gives', () => {
    // The id is derived from the pinned key; the e2e tests load the extension under this id.
    expect(manifest.key).toBeTruthy();
    expect(doc).toContain('dhabiokniikknfidbhccdfcpelbijnna');
  });

  it('covers Linux, Windows (Chrome and Edge), macOS and Firefox', () => {
    for (const needle of [
      '/etc/opt/chrome/policies/managed/',
      '/etc/chromium/policies/managed/',
      '/etc/opt/edge/policies/managed/',
      'HKLM\\Software\\Policies\\Google\\Chrome\\3rdparty\\extensions\\dhabiokniikknfidbhccdfcpelbijnna\\policy',
      'HKLM\\Software\\Policies\\Microsoft\\Edge\\3rdparty\\extensions\\dhabiokniikknfidbhccdfcpelbijnna\\policy',
      '"3rdparty"',
      '"Extensions"',
      'ExtensionSettings',
      'ExtensionInstallForcelist',
    ])
      expect(doc).toContain(needle);
  });

  it('its example policy is valid JSON the extension accepts without errors', () => {
    const json = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const example = JSON.parse(json);
    const settings = example['3rdparty'].extensions.dhabiokniikknfidbhccdfcpelbijnna;
    expect(applyPolicy({}, settings).errors).toEqual([]);
  });
});
