import { describe, expect, it } from 'vitest';
import {
  exportJson,
  MAX_IMPORT_BYTES,
  mergeImport,
  parseSettingsFile,
} from '../../../options/importExport.ts';
import { defaults, type Settings, validateSettings } from '../../../shared/settings.ts';

const current: Settings = {
  ...structuredClone(defaults),
  relayUrl: 'https://relay.example.com',
  agentToken: 'personal-token-1',
  crm: {
    preset: 'custom',
    origin: 'https://crm.example.com',
    templates: {
      card: 'https://crm.example.com/card?id={contactId}',
      quote: 'https://crm.example.com/quote?c={companyId}',
      ticket: '',
      newContact: '',
      companyCard: '',
      search: '',
    },
  },
};

describe('parseSettingsFile', () => {
  it('reads JSON, also with a byte-order mark', () => {
    expect(parseSettingsFile('\uFEFF{"defaultRegion":"DE"}')).toEqual({
      ok: true,
      value: { defaultRegion: 'DE' },
    });
  });

  it('rejects text that is not JSON and files far too big to be settings', () => {
    expect(parseSettingsFile('{relayUrl: x}')).toEqual({ ok: false, error: 'importParseError' });
    expect(parseSettingsFile(' '.repeat(MAX_IMPORT_BYTES + 1))).toEqual({
      ok: false,
      error: 'importTooLarge',
    });
  });
});

describe('mergeImport', () => {
  it("changes only what the file names and keeps the agent's token", () => {
    const merged = mergeImport(current, {
      defaultRegion: 'DE',
      crm: { templates: { ticket: 'https://crm.example.com/ticket?c={companyId}' } },
    }) as Settings;
    expect(merged.agentToken).toBe('personal-token-1');
    expect(merged.defaultRegion).toBe('DE');
    expect(merged.crm.origin).toBe('https://crm.example.com');
    expect(merged.crm.templates).toEqual({
      ...current.crm.templates,
      ticket: 'https://crm.example.com/ticket?c={companyId}',
    });
    expect(current.defaultRegion).toBe('TR');
  });

  it('takes the keypress map whole, so a file can remove a digit', () => {
    const merged = mergeImport(current, { keypressActions: { '1': 'ticket' } }) as Settings;
    expect(merged.keypressActions).toEqual({ '1': 'ticket' });
  });

  it('passes wrong shapes on unchanged so the background reports them', () => {
    expect(mergeImport(current, [1, 2])).toEqual([1, 2]);
    expect(mergeImport(current, 'x')).toBe('x');
    expect((mergeImport(current, { crm: 5 }) as { crm: unknown }).crm).toBe(5);
    const templates = mergeImport(current, { crm: { templates: 'x' } }) as { crm: { templates: unknown } };
    expect(templates.crm.templates).toBe('x');
    expect(validateSettings(mergeImport(current, { theme: 'dark' })).errors).toEqual([
      { field: 'theme', code: 'errUnknownField' },
    ]);
  });
});

describe('exportJson', () => {
  it('leaves out the agent token and re-imports to the same settings', () => {
    const json = exportJson(current);
    expect(json).not.toContain('personal-token-1');
    const parsed = parseSettingsFile(json);
    expect(parsed.ok).toBe(true);
    const reimported = validateSettings(mergeImport(current, parsed.ok ? parsed.value : null));
    expect(reimported).toEqual({ settings: current, errors: [] });
  });
});
