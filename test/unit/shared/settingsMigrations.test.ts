import { describe, expect, it } from 'vitest';
import { defaults, validateSettings } from '../../../shared/settings.ts';
import { MIGRATIONS, migrateSettings, SETTINGS_VERSION } from '../../../shared/settingsMigrations.ts';

const v1 = {
  crm: {
    origin: 'https://crm.example.com',
    templates: {
      card: 'https://crm.example.com/card?id={contactId}',
      unknown: 'https://crm.example.com/new?phone={phone}',
    },
  },
};

describe('settings migrations', () => {
  it('are ordered and end at the current version', () => {
    const versions = MIGRATIONS.map((m) => m.to);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(SETTINGS_VERSION).toBe(versions.at(-1));
  });

  it('2: the unknown-caller template becomes the new-contact template and validates', () => {
    const { settings, applied } = migrateSettings(v1, 1);
    expect(applied).toHaveLength(1);
    const { settings: valid, errors } = validateSettings(settings);
    expect(errors).toEqual([]);
    expect(valid.crm.templates.newContact).toBe('https://crm.example.com/new?phone={phone}');
    expect(valid.crm.templates.card).toBe('https://crm.example.com/card?id={contactId}');
    expect(valid.unknownAction).toBe('newContact');
  });

  it('2: an unknown-caller template that searched becomes the search template and the unknown action', () => {
    const searching = {
      crm: { ...v1.crm, templates: { unknown: 'https://crm.example.com/search?q={phone}' } },
    };
    const { settings } = migrateSettings(searching, undefined);
    const { settings: valid, errors } = validateSettings(settings);
    expect(errors).toEqual([]);
    expect(valid.crm.templates.search).toBe('https://crm.example.com/search?q={phone}');
    expect(valid.unknownAction).toBe('search');
  });

  it('leave settings already at the current version untouched', () => {
    const current = { crm: { templates: { unknown: 'x' } } };
    expect(migrateSettings(current, SETTINGS_VERSION)).toEqual({ settings: current, applied: [] });
    expect(migrateSettings(defaults, undefined).settings).toEqual(defaults);
  });
});
