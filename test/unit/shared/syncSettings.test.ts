import { describe, expect, it } from 'vitest';
import {
  defaults,
  diffFromDefaults,
  keepStoredSyncMinutes,
  validateSettings,
} from '../../../shared/settings.ts';

describe('contactSyncMinutes', () => {
  it('defaults to 15 minutes and is not stored while it is the default', () => {
    expect(defaults.contactSyncMinutes).toBe(15);
    expect(validateSettings({}).settings.contactSyncMinutes).toBe(15);
    expect(diffFromDefaults(validateSettings({}).settings)).toBeUndefined();
  });

  it('accepts whole minutes from 1 to 1440', () => {
    for (const m of [1, 30, 1440])
      expect(validateSettings({ contactSyncMinutes: m }).settings.contactSyncMinutes).toBe(m);
  });

  it.each([0, 1441, 2.5, -5, '30', null])('rejects %j with the field named and keeps the default', (m) => {
    const { settings, errors } = validateSettings({ contactSyncMinutes: m });
    expect(errors).toEqual([{ field: 'contactSyncMinutes', code: 'errSyncMinutes' }]);
    expect(settings.contactSyncMinutes).toBe(15);
  });

  it('keeps the stored interval when a save (the main form) leaves it out', () => {
    const stored = validateSettings({ contactSyncMinutes: 60 }).settings;
    expect(keepStoredSyncMinutes({ relayUrl: '' }, stored)).toEqual({ relayUrl: '', contactSyncMinutes: 60 });
    expect(keepStoredSyncMinutes({ contactSyncMinutes: 5 }, stored), 'an explicit value wins').toEqual({
      contactSyncMinutes: 5,
    });
    expect(keepStoredSyncMinutes('junk', stored), 'junk is left for validation to refuse').toBe('junk');
  });
});
