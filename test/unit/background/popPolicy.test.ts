// When a call pops (pop-on-state, ring groups, once per call) and what a preset opens.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { getCall } from '../../../background/callQueue.ts';
import { putContacts } from '../../../background/contactStore.ts';
import { type Db, openDb } from '../../../background/db.ts';
import { applyEvent, openAction } from '../../../background/popCall.ts';
import type { CallEvent } from '../../../shared/callEvent.ts';
import { type Settings, validateSettings } from '../../../shared/settings.ts';
import { callEvent } from '../../fixtures/calls.ts';

const CRM = 'https://crm.example.com';
const withSettings = (over: Record<string, unknown> = {}): Settings => {
  const { settings, errors } = validateSettings({ crm: { origin: CRM, preset: 'vtiger' }, ...over });
  expect(errors).toEqual([]);
  return settings;
};

let db: Db;
let opened: string[];
let counter = 0;
const deps = (settings: Settings, agentUser?: string) => ({
  db,
  settings,
  agentUser,
  openUrl: async (url: string) => void opened.push(url),
});
const event = (over: Partial<CallEvent>): CallEvent =>
  callEvent({ id: `e.${++counter}`, callId: 'A1', source: 'generic', ...over });

beforeEach(async () => {
  db = await openDb(`test-${randomUUID()}`);
  opened = [];
  await putContacts(
    db,
    [
      { id: '12', kind: 'company', name: 'Örnek A.Ş.', phones: ['0212 555 12 34'] },
      {
        id: '88',
        kind: 'person',
        name: 'Ayşe Demir',
        companyId: '12',
        company: 'Örnek A.Ş.',
        phones: ['0533 497 97 14'],
      },
    ],
    [],
    'TR',
    1,
  );
});

describe('pop on state', () => {
  it('pops on answer by default, not on ringing, and only once', async () => {
    const s = withSettings();
    expect((await applyEvent(deps(s), event({ state: 'ringing' }))).outcome).toBe('recorded');
    expect((await applyEvent(deps(s), event({ state: 'answered' }))).outcome).toBe('popped');
    expect((await applyEvent(deps(s), event({ state: 'answered' }))).outcome).toBe('recorded');
    expect((await applyEvent(deps(s), event({ state: 'hangup' }))).outcome).toBe('recorded');
    expect(opened).toEqual([`${CRM}/index.php?module=Contacts&view=Detail&record=88`]);
  });

  it('pops on ringing when the admin chose it, and not again on answer', async () => {
    const s = withSettings({ popOn: 'ringing' });
    expect((await applyEvent(deps(s), event({ state: 'ringing' }))).outcome).toBe('popped');
    expect((await applyEvent(deps(s), event({ state: 'answered' }))).outcome).toBe('recorded');
    expect(opened).toHaveLength(1);
  });

  it('never pops when turned off, but the queued call still opens when clicked', async () => {
    const s = withSettings({ popOn: 'never' });
    await applyEvent(deps(s), event({ state: 'ringing' }));
    await applyEvent(deps(s), event({ state: 'answered', keypress: '3' }));
    expect(opened).toEqual([]);
    const call = await getCall(db, 'A1');
    expect(call?.skipped).toBe('popOff');
    if (!call) throw new Error('no call');
    expect((await openAction(deps(s), call)).ok).toBe(true);
    expect(opened).toEqual([`${CRM}/index.php?module=HelpDesk&view=Edit&parent_id=12&contact_id=88`]);
  });

  it('keeps an ended call ended when a late ringing event arrives, with its duration', async () => {
    const s = withSettings();
    await applyEvent(deps(s), event({ state: 'answered', at: '2026-11-22T10:00:05.000Z' }));
    await applyEvent(deps(s), event({ state: 'hangup', at: '2026-11-22T10:02:05.000Z' }));
    await applyEvent(deps(s), event({ state: 'ringing', at: '2026-11-22T10:00:00.000Z' }));
    const call = await getCall(db, 'A1');
    expect(call?.state).toBe('hangup');
    expect([call?.answeredAt, call?.endedAt]).toEqual([
      '2026-11-22T10:00:05.000Z',
      '2026-11-22T10:02:05.000Z',
    ]);
  });
});

describe('ring groups', () => {
  it('pops only for the agent who answered', async () => {
    const s = withSettings();
    expect((await applyEvent(deps(s, 'mehmet'), event({ answeredBy: 'ayse' }))).outcome).toBe('skipped');
    expect(opened).toEqual([]);
    expect((await getCall(db, 'A1'))?.skipped).toBe('elsewhere');
  });

  it('pops for the answerer', async () => {
    expect((await applyEvent(deps(withSettings(), 'ayse'), event({ answeredBy: 'ayse' }))).outcome).toBe(
      'popped',
    );
  });
});

describe('vtiger preset', () => {
  it('opens the Accounts record for a company and passes the company to a quote', async () => {
    const s = withSettings();
    await applyEvent(deps(s), event({ callId: 'B1', callerId: '02125551234' }));
    await applyEvent(deps(s), event({ callId: 'B2', keypress: '2' }));
    expect(opened).toEqual([
      `${CRM}/index.php?module=Accounts&view=Detail&record=12`,
      `${CRM}/index.php?module=Quotes&view=Edit&account_id=12&contact_id=88`,
    ]);
  });

  it('gives an unknown caller a new contact with the number, or a search', async () => {
    await applyEvent(deps(withSettings()), event({ callId: 'U1', callerId: '05320000000' }));
    await applyEvent(
      deps(withSettings({ unknownAction: 'search' })),
      event({ callId: 'U2', callerId: '05320000000' }),
    );
    expect(opened[0], 'the national form, as the search looks for it').toBe(
      `${CRM}/index.php?module=Contacts&view=Edit&mobile=0532%20000%2000%2000`,
    );
    expect(decodeURIComponent(opened[1] ?? '')).toContain(
      'search_params=[[],[["mobile","c","000 00 00"],["mobile","c","5320000000"],["phone","c","000 00 00"]',
    );
  });

  it('lets a template the admin typed replace the preset one', async () => {
    const s = withSettings({ crm: { origin: CRM, preset: 'vtiger', templates: { card: '/c/{personId}' } } });
    await applyEvent(deps(s), event({}));
    expect(opened).toEqual([`${CRM}/c/88`]);
  });

  it('maps any digit to any action, e.g. 4 to a search and 9 to nothing', async () => {
    const s = withSettings({ keypressActions: { '4': 'search', '9': 'none' } });
    expect((await applyEvent(deps(s), event({ callId: 'K4', keypress: '4' }))).outcome).toBe('popped');
    expect((await applyEvent(deps(s), event({ callId: 'K9', keypress: '9' }))).outcome).toBe('failed');
    expect(opened).toHaveLength(1);
    expect((await getCall(db, 'K9'))?.error).toBe('errNoAction');
  });
});

describe('pop on ringing with a PBX that reports no ringing', () => {
  it('pops a Logo CRM call (answered only) on its answer', async () => {
    const s = withSettings({ popOn: 'ringing' });
    expect(
      (await applyEvent(deps(s), event({ callId: 'L1', state: 'answered', source: 'logo' }))).outcome,
    ).toBe('popped');
  });
});
