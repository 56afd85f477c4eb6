import { describe, expect, it } from 'vitest';
import { journalAdapter, threeCxContact } from '../../../../relay/ingest/adapters/threecx.ts';
import type { Contact } from '../../../../shared/contact.ts';
import { fixture } from '../../../fixtures/pbx/pbxApp.ts';

// The reference's four request templates with 3CX's placeholders filled in.
const fill = (template: Record<string, string>) =>
  JSON.parse(
    JSON.stringify(template)
      .replaceAll('[Duration]', '125')
      .replaceAll('[Number]', '+49 30 1234567')
      .replaceAll('[Agent]', '911'),
  ) as Record<string, string>;
const TEMPLATES = JSON.parse(fixture('threecx-journal.json')) as Record<string, Record<string, string>>;
const sample = (name: string) => fill(TEMPLATES[name] as Record<string, string>);

const agents = { '911': { extension: '911' }, 'agent-7': { extension: '912', agentId: 'agent-7' } } as Record<
  string,
  { extension: string; agentId?: string }
>;
const options = { resolveAgent: (v: string) => agents[v], now: Date.UTC(2024, 4, 27, 9, 35) };

describe('3CX call journaling adapter', () => {
  it.each([
    ['inboundAnswered', 'hangup', 'inbound'],
    ['outboundAnswered', 'hangup', 'outbound'],
    ['inboundMissed', 'missed', 'inbound'],
    ['outboundNotAnswered', 'missed', 'outbound'],
  ])('reads %s as a %s %s call on the agent’s extension', (name, state, direction) => {
    const result = journalAdapter(sample(name), options);
    expect(result.ok && result.event).toMatchObject({
      state,
      direction,
      extension: '911',
      callerId: '+49 30 1234567',
      source: 'threecx',
    });
  });

  it('gives a retry the same call id and another call another one', () => {
    const id = (raw: Record<string, string>, now = options.now) => {
      const result = journalAdapter(raw, { ...options, now });
      return result.ok ? result.event.callId : result.reason;
    };
    const first = id(sample('inboundAnswered'));
    expect(first).toMatch(/^3cx-[0-9a-f]{24}$/);
    expect(id(sample('inboundAnswered'), options.now + 10_000)).toBe(first);
    expect(id({ ...sample('inboundAnswered'), duration: '126' })).not.toBe(first);
    expect(id({ ...sample('inboundAnswered'), call_id: '00000123' })).toBe('00000123');
  });

  it('maps an agent id to its agent’s extension', () => {
    const result = journalAdapter({ ...sample('inboundAnswered'), to: 'agent-7' }, options);
    expect(result.ok && result.event).toMatchObject({ extension: '912', agentId: 'agent-7' });
  });

  it('refuses a missing direction or number and a malformed duration', () => {
    expect(journalAdapter({ ...sample('inboundAnswered'), direction: 'sideways' }, options)).toMatchObject({
      ok: false,
      field: 'direction',
    });
    expect(journalAdapter({ ...sample('inboundAnswered'), from: '' }, options)).toMatchObject({
      ok: false,
      field: 'from',
    });
    expect(journalAdapter({ ...sample('outboundAnswered'), from: '' }, options)).toMatchObject({
      ok: false,
      field: 'from',
    });
    expect(journalAdapter({ ...sample('inboundAnswered'), duration: '2 min' }, options)).toMatchObject({
      ok: false,
      field: 'duration',
    });
    expect(journalAdapter({ ...sample('inboundAnswered'), duration: '02:05' }, options).ok).toBe(true);
  });
});

describe('3CX contact shape', () => {
  const contact: Contact = {
    id: 'P-1',
    kind: 'person',
    name: 'Ayşe Demir',
    company: 'IP Santral Firması',
    phones: ['0212 555 01 00', '0533 497 97 14'],
  };
  const shaped = threeCxContact(contact, { mobile: ['0533 497 97 14'], other: ['0212 555 01 00'] }, null);

  it('answers every field path of the reference’s 3CX template', () => {
    const paths = JSON.parse(fixture('threecx-lookup.paths.json')) as Record<string, string>;
    for (const [label, path] of Object.entries(paths)) {
      const value = path
        .split('.')
        .reduce<unknown>((o, key) => (o as Record<string, unknown>)?.[key], shaped);
      expect(value, `${label} (${path})`).not.toBeUndefined();
    }
    expect(shaped.data).toMatchObject({
      first_name: 'Ayşe',
      last_name: 'Demir',
      office_phone: '0212 555 01 00',
      home_cell: '0533 497 97 14',
    });
  });

  it('puts a company’s name in last_name and company', () => {
    const company = threeCxContact(
      { id: 'C-1', kind: 'company', name: 'Anadolu Lojistik A.Ş.', phones: [] },
      { mobile: [], other: [] },
      null,
    );
    expect(company).toMatchObject({
      first_name: '',
      last_name: 'Anadolu Lojistik A.Ş.',
      company: 'Anadolu Lojistik A.Ş.',
    });
  });
});
