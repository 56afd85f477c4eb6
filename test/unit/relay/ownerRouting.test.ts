// A PBX source with `"routing": "owner"` (RBS CRM's option, shared/reference/003_…): the caller's
// owner hears the call alone; else the extension's agents; a call without extension goes to the team.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../../relay/agents/agentConfig.ts';
import type { AgentDirectory } from '../../../relay/agents/agentDirectory.ts';
import type { ContactsFeed } from '../../../relay/contacts/contactsFeed.ts';
import type { EventsPage } from '../../../relay/delivery/longPoll.ts';
import { routeByOwner } from '../../../relay/ingest/ownerRouting.ts';
import { agentKeys, eventKeys, routesTo } from '../../../relay/store/logKeys.ts';
import type { CallEvent } from '../../../shared/callEvent.ts';
import type { Contact } from '../../../shared/contact.ts';
import { AUTH, fixture, pbxApp } from '../../fixtures/pbx/pbxApp.ts';
import { AYSE_TOKEN, MEHMET_TOKEN } from './helpers.ts';

const agent = (user: string, extensions: string[], agentIds: string[] = []): AgentConfig => ({
  user,
  name: user,
  extensions,
  agentIds,
  token: `token-${user}-0123456789abcdef`,
});
const AGENTS = [agent('ayse', ['911'], ['A-1']), agent('mehmet', ['912']), agent('zeynep', ['912'])];
const directory = { list: async () => AGENTS } as unknown as AgentDirectory;

const contact = (phone: string, owner?: string): Contact =>
  ({ id: phone, kind: 'person', name: phone, phones: [phone], ...(owner ? { owner } : {}) }) as Contact;
const BOOK: Record<string, Contact[]> = {
  '05101234567': [contact('05101234567', 'AYSE')],
  '05321112233': [contact('05321112233', 'nobody')],
  '05329998877': [contact('05329998877', 'ayse'), contact('05329998877', 'mehmet')],
  '05330000000': [contact('05330000000')],
};
const feed = { findByPhone: async (phone: string) => BOOK[phone] ?? [] } as unknown as ContactsFeed;
const deps = { agents: directory, feed, region: 'TR' };

const event = (callerId: string, extension = '912') => ({
  callId: 'c1',
  state: 'ringing' as const,
  extension,
  callerId,
  direction: 'inbound' as const,
  source: 'uis',
});

describe('routeByOwner', () => {
  it('sends a known caller to the agent whose user is the owner (any case), and only there', async () => {
    expect(await routeByOwner(event('05101234567'), [], deps)).toEqual([
      { ...event('05101234567'), routedBy: 'owner', routedTo: ['ayse'] },
    ]);
  });

  it('sends an unknown caller, an owner who is no agent, two owners or no owner to the extension', async () => {
    for (const caller of ['05559990000', '05321112233', '05329998877', '05330000000', ''])
      expect(await routeByOwner(event(caller), ['ayse'], deps), caller).toEqual([
        { ...event(caller), routedBy: 'extension' },
      ]);
    expect(await routeByOwner(event('05101234567'), [], { ...deps, feed: null }), 'no contacts').toEqual([
      { ...event('05101234567'), routedBy: 'extension' },
    ]);
  });

  it('sends a call without extension to its owner, else the team, else the fallback extensions', async () => {
    expect(await routeByOwner(event('05101234567', ''), ['mehmet'], deps)).toEqual([
      { ...event('05101234567', ''), routedBy: 'owner', routedTo: ['ayse'] },
    ]);
    expect(await routeByOwner(event('05559990000', ''), ['Mehmet', 'zeynep', 'gone'], deps)).toEqual([
      { ...event('05559990000', ''), routedBy: 'team', routedTo: ['mehmet', 'zeynep', 'gone'] },
    ]);
    expect(await routeByOwner(event('05559990000', ''), [], deps, ['911', '912'])).toEqual([
      { ...event('05559990000', '911'), routedBy: 'team' },
      { ...event('05559990000', '912'), routedBy: 'team' },
    ]);
    expect(await routeByOwner(event('05559990000', ''), [], deps)).toEqual([]);
  });
});

describe('log keys of routed events', () => {
  const ayse = { user: 'ayse', extensions: ['911'], agentIds: ['A-1'] };
  const mehmet = { user: 'mehmet', extensions: ['912'], agentIds: [] };

  it('stores an owner- or team-routed event under its users only; agents also read their user key', () => {
    const routed = { extension: '912', routedTo: ['ayse'] };
    expect(eventKeys(routed)).toEqual(['user:ayse']);
    expect(eventKeys({ extension: '912', routedTo: ['ayse', 'mehmet'] })).toEqual([
      'user:ayse',
      'user:mehmet',
    ]);
    expect(eventKeys({ extension: '912', agentId: 'A-1' })).toEqual(['ext:912', 'agent:A-1']);
    expect(agentKeys(ayse)).toEqual(['ext:911', 'agent:A-1', 'user:ayse']);
    expect(routesTo(ayse, routed)).toBe(true);
    expect(routesTo(mehmet, routed), 'the extension no longer decides').toBe(false);
    expect(routesTo({ extensions: ['912'], agentIds: [] }, routed), 'a route without user').toBe(false);
    expect(routesTo(mehmet, { extension: '912' })).toBe(true);
  });
});

describe('owner routing over HTTP (UIS, generic)', () => {
  let current: ReturnType<typeof pbxApp> | null = null;
  afterEach(async () => {
    await current?.close();
    current = null;
  });

  function setup(pbx: Record<string, unknown>, uis?: Record<string, unknown>) {
    current = pbxApp(
      { pbx: { ...pbx, ...(uis ? { uis } : {}) }, delivery: { longPollMs: 100 } },
      { contacts: true },
    );
    return current;
  }

  const uis = (app: ReturnType<typeof pbxApp>['app'], body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/v1/pbx/uis',
      headers: AUTH,
      payload: { ...JSON.parse(fixture('uis-ringing.json')), ...body },
    });

  async function received(app: ReturnType<typeof pbxApp>['app'], token: string): Promise<CallEvent[]> {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/events?after=test.0',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as EventsPage).events;
  }

  const secret = (AUTH.authorization as string).slice('Bearer '.length);

  it('delivers a known caller only to the owner, whatever extension it rang', async () => {
    const { app } = setup({ secret, routing: 'owner' });
    // Can Arslan (0510 123 45 67) belongs to ayse; the call rings mehmet's extension 912.
    const res = await uis(app, { from_number: '905101234567', user_extension: '912' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await received(app, AYSE_TOKEN)).toEqual([
      expect.objectContaining({
        callId: '3371546751',
        extension: '912',
        routedBy: 'owner',
        routedTo: ['ayse'],
      }),
    ]);
    expect(await received(app, MEHMET_TOKEN)).toEqual([]);
  });

  it('delivers an unknown caller, or one whose owner is no agent, to the extension’s agent', async () => {
    const { app } = setup({ secret, routing: 'owner' });
    await uis(app, { call_id: 1, from_number: '79031234567', user_extension: '912' });
    await uis(app, { call_id: 2, from_number: '905321112233', user_extension: '912' });
    expect(await received(app, AYSE_TOKEN)).toEqual([]);
    const got = await received(app, MEHMET_TOKEN);
    expect(got.map((e) => [e.callId, e.routedBy, e.routedTo])).toEqual([
      ['1', 'extension', undefined],
      ['2', 'extension', undefined],
    ]);
  });

  it('delivers a lost call (user_extension null) of an unknown caller to every team agent', async () => {
    const { app } = setup(
      { secret, routing: 'owner', teamAgents: ['ayse', 'mehmet'] },
      { fallbackExtensions: ['999'] },
    );
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pbx/uis',
      headers: AUTH,
      payload: fixture('uis-missed.json'),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ids, 'one event, not one per fallback extension').toBeUndefined();
    for (const token of [AYSE_TOKEN, MEHMET_TOKEN])
      expect(await received(app, token)).toEqual([
        expect.objectContaining({
          state: 'missed',
          extension: '',
          routedBy: 'team',
          routedTo: ['ayse', 'mehmet'],
        }),
      ]);
  });

  it('sends a lost call of a known caller to the owner, not the team', async () => {
    const { app } = setup({ secret, routing: 'owner', teamAgents: ['mehmet'] });
    await uis(app, { from_number: '905101234567', user_extension: null, call_state: 'MISSED' });
    expect((await received(app, AYSE_TOKEN)).map((e) => e.routedBy)).toEqual(['owner']);
    expect(await received(app, MEHMET_TOKEN)).toEqual([]);
  });

  it('refuses a lost call nobody can hear (no owner, no team, no fallback extensions)', async () => {
    const { app } = setup({ secret, routing: 'owner' });
    const res = await uis(app, { user_extension: null, call_state: 'MISSED' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'user_extension' });
  });

  it('applies per source: the default source keeps today’s routing while a named source routes by owner', async () => {
    const crmSecret = 'crm-source-secret-0123456789';
    const { app } = setup({ secret, sources: [{ name: 'rbs', secret: crmSecret, routing: 'owner' }] });
    const body = { callId: 'plain', state: 'ringing', extension: '912', callerId: '05101234567' };
    const plain = await app.inject({ method: 'POST', url: '/v1/calls', headers: AUTH, payload: body });
    expect(plain.statusCode, plain.body).toBe(200);
    const owned = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: { authorization: `Bearer ${crmSecret}` },
      payload: { ...body, callId: 'owned' },
    });
    expect(owned.statusCode, owned.body).toBe(200);
    const mehmet = await received(app, MEHMET_TOKEN);
    expect(mehmet.map((e) => e.callId)).toEqual(['plain']);
    expect(mehmet[0]).not.toHaveProperty('routedBy');
    expect((await received(app, AYSE_TOKEN)).map((e) => [e.callId, e.routedBy])).toEqual([
      ['owned', 'owner'],
    ]);
  });

  it('refuses a bad routing option, and teamAgents without owner routing, naming the field', () => {
    expect(() => setup({ secret, routing: 'crm' })).toThrow(/pbx\.routing must be one of extension, owner/);
    expect(() => setup({ secret, teamAgents: ['ayse'] })).toThrow(
      /pbx\.teamAgents applies only with "routing": "owner"/,
    );
    expect(() => setup({ secret, routing: 'owner', teamAgents: ['a b'] })).toThrow(/pbx\.teamAgents\[0\]/);
  });
});
