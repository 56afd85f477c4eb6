import { describe, expect, it } from 'vitest';
import type { StoredCall } from '../../../background/db.ts';
import {
  type CallNotificationOptions,
  type ClickDeps,
  callIdOf,
  callNotification,
  type NotificationRecord,
  type NotifyApi,
  notificationClicked,
  notificationRecords,
  type PopTabApi,
  showCallNotification,
  showPopTab,
} from '../../../background/notify.ts';
import type { ActionKind } from '../../../shared/actions.ts';
import type { MatchCandidate } from '../../../shared/messages.ts';
import { type Settings, validateSettings } from '../../../shared/settings.ts';

const CRM = 'http://crm.test';
const ALL_TEMPLATES = {
  card: `${CRM}/card/{contactId}`,
  quote: `${CRM}/quote?company={companyId}`,
  ticket: `${CRM}/ticket?company={companyId}`,
  newContact: `${CRM}/new?phone={phone}`,
  search: `${CRM}/search?q={national}`,
};
const settingsWith = (
  over: Record<string, unknown> = {},
  templates: Record<string, string> = ALL_TEMPLATES,
): Settings => {
  const { settings, errors } = validateSettings({ crm: { origin: CRM, templates }, ...over });
  expect(errors).toEqual([]);
  return settings;
};

// Readable fake translations: the key and its substitutions.
const t = (key: string, subs?: string | string[]) =>
  subs === undefined ? key : `${key}(${[subs].flat().join(',')})`;
const ICON = 'chrome-extension://id/icons/icon128.png';

const ayse: MatchCandidate = {
  id: 'P-7',
  kind: 'person',
  name: 'Ayşe Demir',
  companyId: 'C-19',
  company: 'IP Santral Firması',
  reason: 'exact',
  phone: '0533 497 97 14',
  own: true,
};
const company: MatchCandidate = {
  id: 'C-19',
  kind: 'company',
  name: 'IP Santral Firması',
  reason: 'exact',
  phone: '0533 497 97 14',
  own: false,
};

function call(over: Partial<StoredCall> = {}): StoredCall {
  const candidates = 'candidates' in over ? over.candidates : [ayse];
  const best = candidates?.[0];
  return {
    id: 'A000001',
    callId: 'A000001',
    state: 'answered',
    at: '2026-11-22T10:00:00.000Z',
    callerId: '05334979714',
    national: '0533 497 97 14',
    phone: '+905334979714',
    extension: '911',
    keypress: '1',
    contact: best && {
      id: best.id,
      kind: best.kind,
      name: best.name,
      companyId: best.companyId,
      company: best.company,
    },
    candidates,
    action: best ? 'card' : 'newContact',
    eventIds: [],
    popped: true,
    ...over,
  };
}

const build = (c: StoredCall, settings = settingsWith(), rich = true) =>
  callNotification(c, settings, t, { iconUrl: ICON, rich });

describe('what the notification says', () => {
  it('a known caller: name as title, company and how the number matched, the number as context', () => {
    const { options } = build(call());
    expect(options.title).toBe('Ayşe Demir');
    expect(options.message).toBe('IP Santral Firması\nnotifMatchedBy(match_exact)');
    expect(options.contextMessage).toBe('0533 497 97 14');
    expect(options.iconUrl, 'Chrome creates nothing without an icon').toBe(ICON);
    expect(options.type).toBe('basic');
  });

  it('an approximate match says so', () => {
    const { options } = build(call({ candidates: [{ ...ayse, reason: 'approximate' }] }));
    expect(options.message).toContain('notifMatchedBy(match_approximate)');
  });

  it('a company calling: no separate company line (the name is the company)', () => {
    const { options } = build(call({ candidates: [company] }));
    expect(options.title).toBe('IP Santral Firması');
    expect(options.message).toBe('notifMatchedBy(match_exact)');
  });

  it('several candidates: the one the pop used, and how many others match', () => {
    const c = call({ candidates: [ayse, company, { ...company, id: 'C-20', name: 'Other' }] });
    const { options } = build(c);
    expect(options.title).toBe('Ayşe Demir');
    expect(options.message).toContain('notifOtherMatches(2)');
  });

  it('an unknown caller: the number as title and no contact', () => {
    const { options } = build(call({ candidates: undefined }));
    expect(options.title).toBe('0533 497 97 14');
    expect(options.message).toBe('notifNoMatch');
    expect(options.contextMessage).toBeUndefined();
  });

  it('a number that could not be normalised shows as the PBX sent it', () => {
    const { options } = build(call({ candidates: undefined, national: undefined, callerId: 'anonymous' }));
    expect(options.title).toBe('anonymous');
  });

  it('keeps markup literal: the text is never interpreted', () => {
    const evil = { ...ayse, name: '<b>Ayşe</b> & <img src=x onerror=alert(1)>', company: '<i>ACME</i>' };
    const { options } = build(call({ candidates: [evil] }));
    expect(options.title).toBe('<b>Ayşe</b> & <img src=x onerror=alert(1)>');
    expect(options.message).toContain('<i>ACME</i>');
  });

  it('bounds a very long name to one line of reasonable length', () => {
    const { options } = build(call({ candidates: [{ ...ayse, name: `A\n${'x'.repeat(1000)}` }] }));
    expect(options.title.length).toBeLessThanOrEqual(200);
    expect(options.title).not.toContain('\n');
  });
});

describe('the buttons', () => {
  const titles = (o: CallNotificationOptions) => o.buttons?.map((b) => b.title);

  it('a known caller whose card popped: new ticket and new quote', () => {
    const { options, actions } = build(call());
    expect(actions).toEqual(['ticket', 'quote']);
    expect(titles(options)).toEqual(['notifAction_ticket', 'notifAction_quote']);
  });

  it('a quote or ticket popped: the card first, never the action already open', () => {
    expect(build(call({ action: 'quote' })).actions).toEqual(['card', 'ticket']);
    expect(build(call({ action: 'ticket' })).actions).toEqual(['card', 'quote']);
  });

  it('an unknown caller: new contact and search, minus the one that popped', () => {
    expect(build(call({ candidates: undefined, action: 'search' })).actions).toEqual(['newContact']);
    expect(build(call({ candidates: undefined, action: 'newContact' })).actions).toEqual(['search']);
  });

  it('only offers actions whose template is configured', () => {
    const { card, quote, newContact } = ALL_TEMPLATES;
    const s = settingsWith({}, { card, quote, newContact });
    expect(build(call(), s).actions, 'no ticket template: no ticket button').toEqual(['quote']);
    const { options, actions } = build(call({ candidates: undefined, action: 'newContact' }), s);
    expect(actions, 'no search template: no search button').toEqual([]);
    expect(options.buttons, 'no buttons at all rather than an empty list').toBeUndefined();
  });

  it("uses the preset's templates when the admin typed none", () => {
    const s = settingsWith({ crm: { preset: 'vtiger', origin: CRM } }, {});
    expect(build(call(), s).actions).toEqual(['ticket', 'quote']);
  });

  it('skips a template that does not fill to a CRM URL (an old stored one the validator now refuses)', () => {
    const s = settingsWith();
    s.crm.templates.ticket = `${CRM}/{unknownThing}`;
    expect(build(call({ action: 'quote' }), s).actions).toEqual(['card', 'search']);
  });

  it("keeps the notification up under 'keep' (the pop is in the background)", () => {
    expect(build(call(), settingsWith({ focusPolicy: 'keep' })).options.requireInteraction).toBe(true);
    expect(build(call()).options.requireInteraction).toBeUndefined();
  });

  it('Firefox: the basic form, without buttons or requireInteraction', () => {
    const { options, actions } = build(call(), settingsWith({ focusPolicy: 'keep' }), false);
    expect(actions).toEqual([]);
    expect(options).not.toHaveProperty('buttons');
    expect(options).not.toHaveProperty('requireInteraction');
    expect(options.title).toBe('Ayşe Demir');
  });
});

function fakeApi(rich: boolean, refuseRich = false) {
  const created: { id: string; options: CallNotificationOptions }[] = [];
  const stored = new Map<string, unknown>();
  const records = notificationRecords({
    get: async (key) => (stored.has(key) ? { [key]: stored.get(key) } : {}),
    set: async (items) => void Object.entries(items).forEach(([k, v]) => stored.set(k, v)),
    remove: async (key) => void stored.delete(key),
  });
  const api: NotifyApi = {
    create: async (id, options) => {
      if (refuseRich && ('buttons' in options || 'requireInteraction' in options))
        throw new Error('Property "buttons" is unsupported by Firefox');
      created.push({ id, options });
      return id;
    },
    iconUrl: ICON,
    rich,
    t,
    remember: records.remember,
  };
  return { api, created, records };
}

describe('showing it', () => {
  it("creates it under the call's id and remembers the buttons' actions", async () => {
    const { api, created, records } = fakeApi(true);
    expect(await showCallNotification(api, call(), settingsWith())).toBe(true);
    expect(created.map((c) => c.id)).toEqual(['call:A000001']);
    expect(callIdOf('call:A000001')).toBe('A000001');
    expect((await records.recall('call:A000001'))?.actions).toEqual(['ticket', 'quote']);
  });

  it('shows none when notifications are off and focus is brought to the pop', async () => {
    const { api, created } = fakeApi(true);
    expect(await showCallNotification(api, call(), settingsWith({ notifications: false }))).toBe(false);
    expect(created).toEqual([]);
  });

  it("shows one under 'keep' even when notifications are off: it is the only sign of the pop", async () => {
    const { api, created } = fakeApi(true);
    await showCallNotification(api, call(), settingsWith({ notifications: false, focusPolicy: 'keep' }));
    expect(created).toHaveLength(1);
  });

  it('says the pop opened in a new tab because the reused pop tab held unsaved work', async () => {
    const { api, created } = fakeApi(true);
    await showCallNotification(api, call(), settingsWith({ notifications: false }), {
      tabId: 5,
      pendingKept: true,
    });
    expect(created).toHaveLength(1);
    expect(created[0]?.options.message).toContain('notifPendingKept');
  });

  it('a browser that refuses buttons still gets the basic form, and no button actions', async () => {
    const { api, created, records } = fakeApi(true, true);
    await showCallNotification(api, call(), settingsWith({ focusPolicy: 'keep' }));
    expect(created).toHaveLength(1);
    expect(created[0]?.options.buttons).toBeUndefined();
    expect((await records.recall('call:A000001'))?.actions).toEqual([]);
  });
});

describe('clicking it', () => {
  function clickDeps(record?: NotificationRecord) {
    const log: string[] = [];
    const deps: ClickDeps = {
      clear: async (id) => void log.push(`clear ${id}`),
      recall: async () => record,
      forget: async (id) => void log.push(`forget ${id}`),
      resume: async (callId) => void log.push(`resume ${callId}`),
      openAction: async (callId, action: ActionKind) => void log.push(`open ${callId} ${action}`),
    };
    return { deps, log };
  }
  const record: NotificationRecord = {
    callId: 'A1',
    actions: ['ticket', 'quote'],
    options: build(call()).options,
  };

  it('the body resumes the call and clears the notification', async () => {
    const { deps, log } = clickDeps(record);
    await notificationClicked(deps, 'call:A1');
    expect(log).toEqual(['clear call:A1', 'forget call:A1', 'resume A1']);
  });

  it('a button opens its action for the call', async () => {
    const { deps, log } = clickDeps(record);
    await notificationClicked(deps, 'call:A1', 1);
    expect(log).toContain('open A1 quote');
    expect(log).toContain('clear call:A1');
  });

  it('a button whose record is gone still brings the call back', async () => {
    const { deps, log } = clickDeps(undefined);
    await notificationClicked(deps, 'call:A1', 0);
    expect(log.at(-1)).toBe('resume A1');
  });

  it("ignores notifications that are not a call's", async () => {
    const { deps, log } = clickDeps(record);
    await notificationClicked(deps, 'something-else');
    await notificationClicked(deps, 'call:');
    expect(log).toEqual([]);
  });
});

describe("bringing back the call's pop tab", () => {
  function popTabs(tabUrl: string | null, callId = 'A1') {
    const shown: number[] = [];
    const api: PopTabApi = {
      lastActionTab: async () => ({ tabId: 5, windowId: 1, url: `${CRM}/card/P-7`, callId, at: '' }),
      getTab: async () => {
        if (tabUrl === null) throw new Error('No tab with id: 5');
        return { url: tabUrl, windowId: 1 };
      },
      show: async (tabId) => void shown.push(tabId),
    };
    return { api, shown };
  }

  it('shows the tab the call popped when it is still on the CRM', async () => {
    const { api, shown } = popTabs(`${CRM}/card/P-7`);
    expect(await showPopTab(api, 'A1', CRM)).toBe(true);
    expect(shown).toEqual([5]);
  });

  it('does not when the tab was closed, left the CRM, or belongs to another call', async () => {
    for (const [url, callId] of [
      [null, 'A1'],
      ['https://elsewhere.test/', 'A1'],
      [`${CRM}/card/P-7`, 'A2'],
    ] as const) {
      const { api, shown } = popTabs(url, callId);
      expect(await showPopTab(api, 'A1', CRM), `${url} ${callId}`).toBe(false);
      expect(shown).toEqual([]);
    }
  });
});
