import { describe, expect, it } from 'vitest';
import {
  defaults,
  diffFromDefaults,
  relayBase,
  streamUrl,
  validateSettings,
} from '../../../shared/settings.ts';

const good = {
  relayUrl: 'https://relay.example.com',
  agentToken: 'agent-token-123456',
  defaultRegion: 'de',
  crm: {
    origin: 'https://crm.example.com',
    templates: {
      card: 'https://crm.example.com/card/{contactId}',
      quote: 'https://crm.example.com/quote?c={contactId}',
      ticket: 'https://crm.example.com/ticket?c={contactId}',
      newContact: 'https://crm.example.com/new?phone={phone}',
    },
  },
};

describe('validateSettings', () => {
  it('accepts the import file format', () => {
    const { settings, errors } = validateSettings(good);
    expect(errors).toEqual([]);
    expect(settings.defaultRegion).toBe('DE');
    expect(settings.crm.templates.card).toBe(good.crm.templates.card);
    expect(settings.keypressActions).toEqual(defaults.keypressActions);
  });

  it('names each bad field and keeps its default', () => {
    const { settings, errors } = validateSettings({
      relayUrl: 'ftp://relay',
      agentToken: 'short',
      defaultRegion: 'XX',
      crm: { origin: 'https://crm.example.com/app', templates: { card: 'https://crm.example.com/{nope}' } },
      colour: 'red',
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'relayUrl', code: 'errRelayUrl' },
        { field: 'agentToken', code: 'errToken' },
        { field: 'defaultRegion', code: 'errRegion' },
        { field: 'crm.origin', code: 'errOrigin' },
        { field: 'crm.templates.card', code: 'errTemplatePlaceholder' },
        { field: 'colour', code: 'errUnknownField' },
      ]),
    );
    expect(settings.relayUrl).toBe('');
    expect(settings.defaultRegion).toBe('TR');
  });

  it('refuses templates that leave the CRM origin', () => {
    const { errors } = validateSettings({
      ...good,
      crm: { ...good.crm, templates: { card: 'https://evil.test/x' } },
    });
    expect(errors).toEqual([{ field: 'crm.templates.card', code: 'errTemplateOrigin' }]);
  });

  it('rejects wrong types with the field named', () => {
    expect(validateSettings({ relayUrl: 42 }).errors).toEqual([{ field: 'relayUrl', code: 'errString' }]);
    expect(validateSettings([]).errors).toEqual([{ field: '', code: 'errNotObject' }]);
  });
});

describe('stored settings', () => {
  it('keep only what differs from the defaults and read back the same', () => {
    const { settings } = validateSettings(good);
    const stored = diffFromDefaults(settings);
    expect(stored).not.toHaveProperty('keypressActions');
    expect(stored).not.toHaveProperty('defaultAction');
    expect(validateSettings(stored).settings).toEqual(settings);
  });

  it('keep a removed keypress removed', () => {
    const { settings } = validateSettings({ keypressActions: { '1': 'card' } });
    expect(validateSettings(diffFromDefaults(settings)).settings.keypressActions).toEqual({ '1': 'card' });
  });
});

describe('relay URLs', () => {
  it('derives the stream URL from what the admin typed', () => {
    expect(streamUrl('https://relay.example.com/')).toBe('wss://relay.example.com/v1/stream');
    expect(streamUrl('ws://127.0.0.1:8787/sp')).toBe('ws://127.0.0.1:8787/sp/v1/stream');
    expect(relayBase('wss://relay.example.com')).toBe('https://relay.example.com');
    expect(relayBase('https://user:pw@relay.example.com')).toBeNull();
  });
});
