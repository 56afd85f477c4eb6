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

const CRM = 'http://crm.test';
const settings: Settings = validateSettings({
  crm: {
    origin: CRM,
    templates: {
      card: `${CRM}/card/{contactId}`,
      quote: `${CRM}/quote?company={companyId}&contact={contactId}`,
      ticket: `${CRM}/ticket?company={companyId}&phone={phone}`,
      newContact: `${CRM}/new?phone={phone}&call={callId}`,
    },
  },
}).settings;

let db: Db;
let opened: string[];
const deps = () => ({ db, settings, openUrl: async (url: string) => void opened.push(url) });
const event = (over: Partial<CallEvent>): CallEvent => callEvent({ agentId: '911', ...over });

beforeEach(async () => {
  db = await openDb(`test-${randomUUID()}`);
  opened = [];
  await putContacts(
    db,
    [
      {
        id: 'C-1',
        kind: 'company',
        name: 'IP Santral Firması',
        phones: ['0212 555 12 34', '+90 533 497 97 14'],
      },
      {
        id: 'P-7',
        kind: 'person',
        name: 'Ayşe Demir',
        companyId: 'C-1',
        company: 'IP Santral Firması',
        phones: ['0533 497 97 14'],
      },
    ],
    [],
    'TR',
    1,
  );
});

describe('a call event', () => {
  it('opens the card of the person calling for keypress 1', async () => {
    expect((await applyEvent(deps(), event({ callerId: '5334979714' }))).outcome).toBe('popped');
    expect(opened).toEqual([`${CRM}/card/P-7`]);
    const call = await getCall(db, 'A000001');
    expect(call?.contact?.name).toBe('Ayşe Demir');
    expect(call?.national).toBe('0533 497 97 14');
  });

  it('opens a quote pre-filled with company and person for keypress 2', async () => {
    await applyEvent(deps(), event({ keypress: '2' }));
    expect(opened).toEqual([`${CRM}/quote?company=C-1&contact=P-7`]);
  });

  it('opens a ticket for keypress 3', async () => {
    await applyEvent(deps(), event({ keypress: '3' }));
    expect(opened).toEqual([`${CRM}/ticket?company=C-1&phone=%2B905334979714`]);
  });

  it('opens the unknown template for a caller not in the cache', async () => {
    await applyEvent(deps(), event({ callerId: '0532 000 00 00', callId: 'B1' }));
    expect(opened).toEqual([`${CRM}/new?phone=%2B905320000000&call=B1`]);
  });

  it('treats a withheld caller id as an unknown caller', async () => {
    await applyEvent(deps(), event({ callerId: '', callId: 'H1' }));
    expect(opened).toEqual([`${CRM}/new?phone=&call=H1`]);
  });

  it('is applied once when the relay replays it', async () => {
    await applyEvent(deps(), event({}));
    expect((await applyEvent(deps(), event({}))).outcome).toBe('replayed');
    expect(opened).toHaveLength(1);
  });

  it('pops once per call, and later states only update the row', async () => {
    await applyEvent(deps(), event({ id: 'e.1', state: 'ringing' }));
    expect(opened).toHaveLength(0);
    await applyEvent(deps(), event({ id: 'e.2', state: 'answered' }));
    await applyEvent(deps(), event({ id: 'e.3', state: 'answered' }));
    await applyEvent(deps(), event({ id: 'e.4', state: 'hangup' }));
    expect(opened).toHaveLength(1);
    expect((await getCall(db, 'A000001'))?.state).toBe('hangup');
  });

  it('records why nothing opened when the template is missing', async () => {
    const bare = validateSettings({ crm: { origin: CRM } }).settings;
    expect((await applyEvent({ ...deps(), settings: bare }, event({}))).outcome).toBe('failed');
    expect((await getCall(db, 'A000001'))?.error).toBe('errTemplateEmpty');
    expect(opened).toEqual([]);
  });

  it('resumes the action again on demand', async () => {
    await applyEvent(deps(), event({ keypress: '2' }));
    const call = await getCall(db, 'A000001');
    if (!call) throw new Error('call not stored');
    expect(await openAction(deps(), call)).toEqual({ ok: true });
    expect(opened).toEqual([`${CRM}/quote?company=C-1&contact=P-7`, `${CRM}/quote?company=C-1&contact=P-7`]);
  });

  it('records a tab the browser refused to open', async () => {
    const failing = { ...deps(), openUrl: async () => Promise.reject(new Error('no window')) };
    expect((await applyEvent(failing, event({}))).outcome).toBe('failed');
    expect((await getCall(db, 'A000001'))?.error).toBe('errTabFailed');
  });
});
