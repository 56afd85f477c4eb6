// The managed-storage schema is what an admin's policy may set: Chrome drops every value it does not
// describe, so a setting missing here could never be deployed by policy.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaults } from '../../../shared/settings.ts';

interface SchemaNode {
  type: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode;
  [key: string]: unknown;
}

const root = new URL('../../../', import.meta.url);
const schema: SchemaNode = JSON.parse(readFileSync(new URL('extension/managed_schema.json', root), 'utf8'));
const manifest = JSON.parse(readFileSync(new URL('manifest.json', root), 'utf8'));

// Types only: with `enum`/`minimum` Chrome would drop a bad value silently (and the object holding
// it), so the admin would never learn why; the extension validates and reports instead.
const KEYWORDS = new Set(['type', 'properties', 'additionalProperties', 'items', 'title', 'description']);

/** Every dotted path in a value shaped like `defaults`, with the schema type it needs. */
function expectedPaths(value: Record<string, unknown>, prefix = ''): [string, string][] {
  return Object.entries(value).flatMap(([key, v]): [string, string][] => {
    const path = prefix + key;
    if (v === defaults.keypressActions) return [[path, 'map']];
    if (typeof v === 'object' && v !== null)
      return [[path, 'object'], ...expectedPaths(v as Record<string, unknown>, `${path}.`)];
    if (typeof v === 'number') return [[path, Number.isInteger(v) ? 'integer' : 'number']];
    return [[path, typeof v]];
  });
}

function schemaPaths(node: SchemaNode, prefix = ''): [string, string][] {
  return Object.entries(node.properties ?? {}).flatMap(([key, sub]): [string, string][] => {
    const path = prefix + key;
    if (sub.type === 'object' && sub.additionalProperties && !sub.properties) return [[path, 'map']];
    return [[path, sub.type], ...schemaPaths(sub, `${path}.`)];
  });
}

function keywords(node: SchemaNode): string[] {
  return [
    ...Object.keys(node),
    ...Object.values(node.properties ?? {}).flatMap(keywords),
    ...(node.additionalProperties ? keywords(node.additionalProperties) : []),
  ];
}

describe('storage.managed_schema', () => {
  it('is named by the manifest', () => {
    expect(manifest.storage?.managed_schema).toBe('managed_schema.json');
  });

  it('describes every setting in defaults, nested, with its type, and nothing else', () => {
    expect(schema.type).toBe('object');
    const want = Object.fromEntries(expectedPaths(defaults));
    const have = Object.fromEntries(schemaPaths(schema));
    expect(have, 'a new setting needs its entry in extension/managed_schema.json').toEqual(want);
  });

  it('takes the keypress map as digit → action strings', () => {
    expect(schema.properties?.keypressActions?.additionalProperties).toEqual({ type: 'string' });
  });

  it('leaves ranges and choices to the extension, which reports them (Chrome would drop them silently)', () => {
    expect(keywords(schema).filter((k) => !KEYWORDS.has(k))).toEqual([]);
  });
});
