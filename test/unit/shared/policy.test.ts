import { describe, expect, it } from 'vitest';
import { applyPolicy, isLocked, withLockedFrom, withoutLocked } from '../../../shared/policy.ts';
import { defaults, type Settings } from '../../../shared/settings.ts';

const CRM = 'https://crm.example.com';
const local = {
  relayUrl: 'https://relay.local.example',
  agentToken: 'agent-own-token-123',
  crm: { origin: CRM, templates: { card: `${CRM}/card/{contactId}`, quote: `${CRM}/quote/{contactId}` } },
  keypressActions: { '1': 'card', '4': 'search' },
  queue: { maxCalls: 200 },
};

describe('applyPolicy', () => {
  it('with no policy the stored settings are in force and nothing is locked', () => {
    const { settings, locked, errors } = applyPolicy(local, {});
    expect(settings.relayUrl).toBe(local.relayUrl);
    expect(settings.queue).toEqual({ maxCalls: 200, maxAgeDays: defaults.queue.maxAgeDays });
    expect(locked).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a policy value overrides the local one field by field and locks only that field', () => {
    const { settings, locked } = applyPolicy(local, {
      relayUrl: 'https://relay.corp.example',
      crm: { templates: { card: `${CRM}/people/{personId}` } },
      queue: { maxAgeDays: 30 },
    });
    expect(settings.relayUrl).toBe('https://relay.corp.example');
    expect(settings.crm.templates.card, 'the policy template wins').toBe(`${CRM}/people/{personId}`);
    expect(settings.crm.templates.quote, 'a sibling template stays local').toBe(`${CRM}/quote/{contactId}`);
    expect(settings.queue, 'a sibling in queue stays local').toEqual({ maxCalls: 200, maxAgeDays: 30 });
    expect(settings.agentToken, 'fields the policy omits stay local').toBe(local.agentToken);
    expect(locked.sort()).toEqual(['crm.templates.card', 'queue.maxAgeDays', 'relayUrl']);
  });

  it('takes the keypress map whole, so the policy can remove a digit', () => {
    const { settings, locked } = applyPolicy(local, { keypressActions: { '2': 'ticket' } });
    expect(settings.keypressActions).toEqual({ '2': 'ticket' });
    expect(locked).toEqual(['keypressActions']);
    expect(isLocked(locked, 'keypressActions.1'), 'every digit of a locked map is locked').toBe(true);
  });

  it('drops a bad policy value, keeps the local one and reports which field and why', () => {
    const { settings, locked, errors } = applyPolicy(local, {
      relayUrl: 'https://relay.corp.example',
      queue: { maxCalls: 1 },
      popOn: 'sometimes',
      keypressActions: { '1': 'card', '9': 'dance' },
    });
    expect(settings.queue.maxCalls, 'the local value stays, not the default').toBe(200);
    expect(settings.popOn).toBe(defaults.popOn);
    expect(settings.keypressActions, 'one bad entry drops the policy map, the local one stays').toEqual(
      local.keypressActions,
    );
    expect(settings.relayUrl, 'good policy values still apply').toBe('https://relay.corp.example');
    expect(locked).toEqual(['relayUrl']);
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'queue.maxCalls', code: 'errQueueMaxCalls' },
        { field: 'popOn', code: 'errChoice' },
        { field: 'keypressActions.9', code: 'errAction' },
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('reports keys the settings do not have, and objects where values belong', () => {
    const { errors, locked } = applyPolicy(local, {
      colour: 'red',
      crm: { templates: { fax: 'x' } },
      queue: 5,
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'colour', code: 'errUnknownField' },
        { field: 'crm.templates.fax', code: 'errUnknownField' },
        { field: 'queue', code: 'errNotObject' },
      ]),
    );
    expect(locked).toEqual([]);
  });

  it('checks policy templates against the policy origin', () => {
    const other = 'https://crm.corp.example';
    const ok = applyPolicy(local, { crm: { origin: other, templates: { card: `${other}/c/{contactId}` } } });
    expect(ok.errors).toEqual([]);
    expect(ok.settings.crm.templates.card).toBe(`${other}/c/{contactId}`);
    const bad = applyPolicy(local, { crm: { templates: { card: `${other}/c/{contactId}` } } });
    expect(bad.errors, 'a template off the (local) origin is refused').toEqual([
      { field: 'crm.templates.card', code: 'errTemplateOrigin' },
    ]);
    expect(bad.settings.crm.templates.card).toBe(local.crm.templates.card);
  });

  it('drops templates that only fit a policy origin that was itself dropped', () => {
    const { errors, locked, settings } = applyPolicy(local, {
      crm: {
        origin: 'https://crm.corp.example/app',
        templates: { card: 'https://crm.corp.example/c/{contactId}' },
      },
    });
    expect(errors.map((e) => e.field).sort()).toEqual(['crm.origin', 'crm.templates.card']);
    expect(locked).toEqual([]);
    expect(settings.crm.origin).toBe(CRM);
  });

  it('reports local fields a locked origin made invalid, as local errors', () => {
    const { localErrors, errors, settings } = applyPolicy(local, {
      crm: { origin: 'https://crm.corp.example' },
    });
    expect(errors).toEqual([]);
    expect(localErrors.map((e) => e.field).sort()).toEqual(['crm.templates.card', 'crm.templates.quote']);
    expect(settings.crm.templates.card).toBe('');
  });

  it('never lets a policy key reach an object prototype', () => {
    const managed = JSON.parse('{"__proto__": {"relayUrl": "https://evil.example"}}');
    const { settings, errors } = applyPolicy(local, managed);
    expect(settings.relayUrl).toBe(local.relayUrl);
    expect(errors).toEqual([{ field: '__proto__', code: 'errUnknownField' }]);
  });

  it('treats anything but an object as no policy', () => {
    for (const managed of [null, undefined, 'x', [1]]) expect(applyPolicy(local, managed).locked).toEqual([]);
  });
});

describe('withLockedFrom', () => {
  const input = structuredClone(defaults) as Settings;
  input.relayUrl = 'https://typed.example';
  input.queue.maxCalls = 900;

  it('puts the source value (or the default) at each locked path and leaves the rest', () => {
    const out = withLockedFrom(input, { queue: { maxCalls: 300 } }, [
      'queue.maxCalls',
      'relayUrl',
    ]) as Settings;
    expect(out.queue.maxCalls).toBe(300);
    expect(out.relayUrl, 'absent in the source: the default').toBe(defaults.relayUrl);
    expect(input.queue.maxCalls, 'the input is not changed').toBe(900);
  });
});

describe('withoutLocked', () => {
  it('takes locked fields out of a file and names the ones it had', () => {
    const file = {
      relayUrl: 'x',
      crm: { origin: CRM, templates: { card: 'y' } },
      keypressActions: { '1': 'card' },
    };
    const { value, skipped } = withoutLocked(file, [
      'relayUrl',
      'crm.templates.card',
      'keypressActions',
      'popOn',
    ]);
    expect(value).toEqual({ crm: { origin: CRM, templates: {} } });
    expect(skipped).toEqual(['relayUrl', 'crm.templates.card', 'keypressActions']);
    expect(file.relayUrl, 'the file itself is untouched').toBe('x');
  });
});
