// The enterprise policy in the worker: reading storage.managed, the settings in force, and saves
// that cannot replace a locked field.
import { describe, expect, it } from 'vitest';
import {
  cachedManaged,
  loadEffectiveSettings,
  readManaged,
  refreshManaged,
  saveUnderPolicy,
} from '../../../background/managedSettings.ts';
import { SETTINGS_KEY, type StorageAreaLike } from '../../../background/settingsStore.ts';
import { defaults } from '../../../shared/settings.ts';

function memoryArea(
  initial: Record<string, unknown> = {},
): StorageAreaLike & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = structuredClone(initial);
  return {
    data,
    async get(key) {
      const keys = typeof key === 'string' ? [key] : key;
      return Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, structuredClone(data[k])]));
    },
    async set(items) {
      Object.assign(data, structuredClone(items));
    },
  };
}

const CRM = 'https://crm.corp.example';
const policy = {
  relayUrl: 'https://relay.corp.example',
  crm: { origin: CRM, templates: { card: `${CRM}/card/{contactId}` } },
  queue: { maxCalls: 1 },
};

describe('readManaged', () => {
  it('treats a read that throws (no schema, no policy store) or answers nothing as no policy', async () => {
    expect(
      await readManaged({ get: () => Promise.reject(new Error('Managed storage manifest not found')) }),
    ).toEqual({});
    expect(await readManaged(undefined)).toEqual({});
    expect(await readManaged({ get: async () => policy })).toEqual(policy);
  });
});

describe('refreshManaged', () => {
  it('keeps the policy for the next boot and says when it changed', async () => {
    const session = memoryArea();
    const managed = { get: async () => policy };
    expect((await refreshManaged(managed, session)).changed).toBe(true);
    expect(await cachedManaged(session)).toEqual(policy);
    expect((await refreshManaged(managed, session)).changed, 'the same policy again restarts nothing').toBe(
      false,
    );
    expect((await refreshManaged({ get: async () => ({}) }, session)).changed, 'a lifted policy does').toBe(
      true,
    );
  });
});

describe('loadEffectiveSettings', () => {
  it('answers the settings in force, the locked paths and the policy values it ignored', async () => {
    const local = memoryArea({ [SETTINGS_KEY]: { agentToken: 'own-token-12345', queue: { maxCalls: 300 } } });
    const got = await loadEffectiveSettings(local, policy);
    expect(got.settings.relayUrl).toBe(policy.relayUrl);
    expect(got.settings.agentToken).toBe('own-token-12345');
    expect(got.settings.queue.maxCalls, 'the bad policy value leaves the local one').toBe(300);
    expect(got.locked.sort()).toEqual(['crm.origin', 'crm.templates.card', 'relayUrl']);
    expect(got.policyErrors).toEqual([{ field: 'queue.maxCalls', code: 'errQueueMaxCalls' }]);
    expect(got.errors).toEqual([]);
  });

  it('still reports a bad stored field', async () => {
    const local = memoryArea({ [SETTINGS_KEY]: { popOn: 'whenever' } });
    const got = await loadEffectiveSettings(local, {});
    expect(got.errors).toEqual([{ field: 'popOn', code: 'errChoice' }]);
    expect(got.settings.popOn).toBe(defaults.popOn);
  });
});

describe('saveUnderPolicy', () => {
  it('a local save cannot replace a locked field: the policy stays in force and the own value is kept', async () => {
    const local = memoryArea({ [SETTINGS_KEY]: { relayUrl: 'https://relay.own.example' } });
    const { settings } = await loadEffectiveSettings(local, policy);
    const sent = { ...settings, relayUrl: 'https://relay.attacker.example', popOn: 'ringing' };
    expect(await saveUnderPolicy(local, sent, policy)).toEqual({ ok: true, errors: [] });
    const stored = local.data[SETTINGS_KEY] as Record<string, unknown>;
    expect(stored.relayUrl, 'the agent’s own value under the lock is untouched').toBe(
      'https://relay.own.example',
    );
    expect(stored.popOn, 'unlocked fields are saved').toBe('ringing');
    const after = await loadEffectiveSettings(local, policy);
    expect(after.settings.relayUrl).toBe(policy.relayUrl);
    expect(
      (await loadEffectiveSettings(local, {})).settings.relayUrl,
      'lifting the policy gives it back',
    ).toBe('https://relay.own.example');
  });

  it('validates an unlocked template against the locked CRM origin', async () => {
    const local = memoryArea();
    const { settings } = await loadEffectiveSettings(local, policy);
    const quote = `${CRM}/quote/{contactId}`;
    const sent = { ...settings, crm: { ...settings.crm, templates: { ...settings.crm.templates, quote } } };
    expect(await saveUnderPolicy(local, sent, policy)).toEqual({ ok: true, errors: [] });
    expect((await loadEffectiveSettings(local, policy)).settings.crm.templates.quote).toBe(quote);
  });

  it('keeps the stored sync interval when the page does not send it', async () => {
    const local = memoryArea({ [SETTINGS_KEY]: { contactSyncMinutes: 5 } });
    const { contactSyncMinutes: _omitted, ...form } = (await loadEffectiveSettings(local, {})).settings;
    await saveUnderPolicy(local, form, {});
    expect((await loadEffectiveSettings(local, {})).settings.contactSyncMinutes).toBe(5);
  });

  it('stores nothing when an unlocked field is bad', async () => {
    const local = memoryArea();
    const { settings } = await loadEffectiveSettings(local, policy);
    const res = await saveUnderPolicy(local, { ...settings, popOn: 'sometimes' }, policy);
    expect(res).toEqual({ ok: false, errors: [{ field: 'popOn', code: 'errChoice' }] });
    expect(local.data[SETTINGS_KEY]).toBeUndefined();
  });
});
