import { describe, expect, it } from 'vitest';
import {
  describeField,
  FIELDS,
  fieldId,
  formChanges,
  formToSettings,
  settingsToForm,
  templatePreview,
  unplacedErrors,
  visibleErrors,
  withValue,
} from '../../../options/form.ts';
import {
  applyChanges,
  defaults,
  type FieldError,
  type Settings,
  validateSettings,
} from '../../../shared/settings.ts';

const fakeT = (key: string, subs?: string | string[]) =>
  subs === undefined ? `[${key}]` : `[${key}:${([] as string[]).concat(subs).join('|')}]`;

function settings(overrides: Partial<Settings> = {}): Settings {
  return { ...structuredClone(defaults), ...overrides };
}

describe('settingsToForm / formToSettings', () => {
  it('round-trips every field', () => {
    const s = settings({
      relayUrl: 'https://relay.example.com',
      agentToken: 'agent-token-123',
      defaultRegion: 'DE',
      crm: {
        preset: 'vtiger',
        origin: 'https://crm.example.com',
        templates: {
          card: 'https://crm.example.com/card?id={contactId}',
          companyCard: '',
          quote: 'https://crm.example.com/quote?c={companyId}',
          ticket: 'https://crm.example.com/ticket?c={companyId}',
          newContact: 'https://crm.example.com/new?p={phone}',
          search: 'https://crm.example.com/search?q={phone}',
        },
      },
      keypressActions: { '1': 'ticket', '2': 'none', '3': 'search' },
      defaultAction: 'none',
      unknownAction: 'search',
      popOn: 'ringing',
      tabPolicy: 'reuse',
      focusPolicy: 'keep',
      notifications: false,
      queue: { maxCalls: 40, maxAgeDays: 3 },
    });
    // The contacts section, not this form, edits contactSyncMinutes; the background keeps the stored
    // value when a save omits it (shared/settings.ts keepStoredSyncMinutes).
    const { contactSyncMinutes: _minutes, ...formFields } = s;
    expect(formToSettings(settingsToForm(s))).toEqual(formFields);
  });

  it('keeps mappings of digits the form has no select for', () => {
    const s = settings({ keypressActions: { '1': 'card', '4': 'quote', '#': 'none' } });
    const form = withValue(settingsToForm(s), 'keypressActions.1', 'ticket');
    expect(formToSettings(form).keypressActions).toEqual({ '1': 'ticket', '4': 'quote', '#': 'none' });
  });

  it('shows an unmapped shown digit as "use the default" and does not invent a mapping on save', () => {
    const form = settingsToForm(settings({ keypressActions: { '1': 'card' } }));
    expect(form.values['keypressActions.2']).toBe('');
    expect(formToSettings(form).keypressActions).toEqual({ '1': 'card' });
    const cleared = withValue(form, 'keypressActions.1', '');
    expect(formToSettings(cleared).keypressActions).toEqual({});
  });

  it('sends what the user typed; validation (here and in the background) decides', () => {
    const form = withValue(settingsToForm(settings()), 'crm.origin', 'https://crm.example.com/app');
    const out = formToSettings(form);
    expect(out.crm.origin).toBe('https://crm.example.com/app');
    expect(validateSettings(out).errors).toEqual([{ field: 'crm.origin', code: 'errOrigin' }]);
  });

  it('has a form field for every dotted path validateSettings reports on a wrong value', () => {
    const wrong = {
      relayUrl: 'ftp://x',
      agentToken: 'a b',
      defaultRegion: 'XX',
      crm: {
        origin: 'nope',
        preset: 'sugar',
        templates: { card: '{bad}', quote: '{bad}', ticket: '{bad}', newContact: '{bad}', search: '{bad}' },
      },
      keypressActions: { '1': 'fly' },
      defaultAction: 'fly',
      unknownAction: 'card',
      popOn: 'later',
      tabPolicy: 'x',
      focusPolicy: 'x',
      notifications: 'yes',
      queue: { maxCalls: 1, maxAgeDays: 1000 },
    };
    const fields = validateSettings(wrong).errors.map((e) => e.field);
    expect(fields.length).toBeGreaterThan(5);
    for (const field of fields) expect(FIELDS, `${field} needs a form field`).toContain(field);
  });
});

describe('Save writes only what the agent changed (formChanges + applyChanges)', () => {
  it('keeps settings an import stored after the form loaded, agent token included', () => {
    // The form loaded a fresh install's settings; then an import stored a relay and a token.
    const loaded = settingsToForm(settings());
    const imported = validateSettings({
      relayUrl: 'http://relay.test',
      agentToken: 'imported-token-0123456789',
      crm: { origin: 'http://crm.test', templates: { card: '/card/{contactId}' } },
    }).settings;
    // Saved before the form showed the import: nothing changed by hand.
    expect(formChanges(loaded, loaded)).toEqual([]);
    const untouched = validateSettings(applyChanges(imported, formChanges(loaded, loaded)).settings);
    expect(untouched.settings).toEqual(imported);
    // The agent had changed one field: only that one lands on the imported settings.
    const edited = withValue(loaded, 'tabPolicy', 'reuse');
    expect(formChanges(loaded, edited)).toEqual([{ path: 'tabPolicy', value: 'reuse' }]);
    const saved = validateSettings(applyChanges(imported, formChanges(loaded, edited)).settings).settings;
    expect(saved).toEqual({ ...imported, tabPolicy: 'reuse' });
  });

  it('turns each kind of field into its settings value, a cleared digit into a removal', () => {
    const loaded = settingsToForm(settings());
    let form = withValue(loaded, 'notifications', 'false');
    form = withValue(form, 'queue.maxCalls', '200');
    form = withValue(form, 'keypressActions.2', '');
    form = withValue(form, 'crm.templates.ticket', '/t/{contactId}');
    expect(formChanges(loaded, form)).toEqual([
      { path: 'crm.templates.ticket', value: '/t/{contactId}' },
      { path: 'keypressActions.2', remove: true },
      { path: 'notifications', value: false },
      { path: 'queue.maxCalls', value: 200 },
    ]);
    const out = applyChanges(settings(), formChanges(loaded, form)).settings as Settings;
    expect(out.keypressActions).toEqual({ '1': 'card', '3': 'ticket' });
  });
});

describe('fieldId', () => {
  it('gives the element ids the e2e tests select by', () => {
    expect(FIELDS.map(fieldId)).toEqual([
      'relayUrl',
      'agentToken',
      'defaultRegion',
      'crmPreset',
      'crmOrigin',
      'tpl-card',
      'tpl-companyCard',
      'tpl-quote',
      'tpl-ticket',
      'tpl-newContact',
      'tpl-search',
      'kp-1',
      'kp-2',
      'kp-3',
      'defaultAction',
      'unknownAction',
      'popOn',
      'tabPolicy',
      'focusPolicy',
      'notifications',
      'queue-maxCalls',
      'queue-maxAgeDays',
    ]);
  });
});

describe('visibleErrors', () => {
  const live: FieldError[] = [
    { field: 'relayUrl', code: 'errRelayUrl' },
    { field: 'crm.origin', code: 'errOrigin' },
    { field: 'crm.origin', code: 'errTooLong' },
  ];

  it('hides live errors of untouched fields until a save was tried', () => {
    expect([...visibleErrors({ live, saved: [], touched: new Set(), submitted: false })]).toEqual([]);
    expect([
      ...visibleErrors({ live, saved: [], touched: new Set(['crm.origin']), submitted: false }),
    ]).toEqual([['crm.origin', 'errOrigin']]);
    expect([...visibleErrors({ live, saved: [], touched: new Set(), submitted: true })]).toEqual([
      ['relayUrl', 'errRelayUrl'],
      ['crm.origin', 'errOrigin'],
    ]);
  });

  it("shows the background's errors from the last save, live errors first", () => {
    const saved: FieldError[] = [
      { field: 'agentToken', code: 'errToken' },
      { field: 'relayUrl', code: 'errString' },
    ];
    const shown = visibleErrors({ live, saved, touched: new Set(['relayUrl']), submitted: false });
    expect(shown.get('agentToken')).toBe('errToken');
    expect(shown.get('relayUrl')).toBe('errRelayUrl');
  });
});

describe('unplacedErrors and describeField', () => {
  it('lists errors that have no field on the page', () => {
    const errors: FieldError[] = [
      { field: 'crm.origin', code: 'errOrigin' },
      { field: 'keypressActions.7', code: 'errAction' },
      { field: 'theme', code: 'errUnknownField' },
      { field: '', code: 'errNotObject' },
    ];
    expect(unplacedErrors(errors).map((e) => e.field)).toEqual(['keypressActions.7', 'theme', '']);
  });

  it('names fields as people read them', () => {
    expect(describeField('crm.origin', fakeT)).toBe('[labelCrmOrigin]');
    expect(describeField('crm.templates.quote', fakeT)).toBe('[fieldTemplate:[template_quote]]');
    expect(describeField('keypressActions.7', fakeT)).toBe('[labelKeypress:7]');
    expect(describeField('', fakeT)).toBe('[fieldWholeFile]');
    expect(describeField('crm.templates.fax', fakeT)).toBe('crm.templates.fax');
    // Keys from a file are data: prototype names must not reach for Object.prototype.
    expect(describeField('constructor', fakeT)).toBe('constructor');
  });
});

describe('templatePreview', () => {
  const origin = 'https://crm.example.com';

  it('fills the sample caller in, encoded', () => {
    expect(templatePreview('https://crm.example.com/card?name={name}', origin)).toEqual({
      kind: 'url',
      url: 'https://crm.example.com/card?name=Ay%C5%9Fe%20Y%C4%B1lmaz',
    });
  });

  it('says when a template is empty or invalid', () => {
    expect(templatePreview('  ', origin)).toEqual({ kind: 'empty' });
    expect(templatePreview('https://evil.example.net/?q={phone}', origin)).toEqual({
      kind: 'invalid',
      error: 'errTemplateOrigin',
    });
    expect(templatePreview('https://crm.example.com/{nope}', origin)).toEqual({
      kind: 'invalid',
      error: 'errTemplatePlaceholder',
    });
  });
});
