// Import under an enterprise policy: fields the policy sets are skipped, and named.
import { describe, expect, it } from 'vitest';
import { mergeImportUnderPolicy } from '../../../options/importExport.ts';
import { defaults, type Settings } from '../../../shared/settings.ts';

const current: Settings = { ...structuredClone(defaults), relayUrl: 'https://relay.corp.example' };

describe('mergeImportUnderPolicy', () => {
  it('skips locked fields, names them, and imports the rest', () => {
    const file = {
      relayUrl: 'https://relay.file.example',
      popOn: 'ringing',
      keypressActions: { '1': 'quote' },
    };
    const { merged, skipped } = mergeImportUnderPolicy(current, file, ['relayUrl', 'keypressActions']);
    const m = merged as Settings;
    expect(m.relayUrl, 'the locked relay URL is not taken from the file').toBe('https://relay.corp.example');
    expect(m.keypressActions).toEqual(defaults.keypressActions);
    expect(m.popOn).toBe('ringing');
    expect(skipped).toEqual(['relayUrl', 'keypressActions']);
  });

  it('skips a locked template the file names under its former name (after migration)', () => {
    const file = { crm: { templates: { unknown: 'https://crm.example.com/new?p={phone}' } } };
    const { skipped } = mergeImportUnderPolicy(current, file, ['crm.templates.newContact']);
    expect(skipped).toEqual(['crm.templates.newContact']);
  });

  it('skips nothing without a policy', () => {
    expect(mergeImportUnderPolicy(current, { popOn: 'never' }, []).skipped).toEqual([]);
  });
});
