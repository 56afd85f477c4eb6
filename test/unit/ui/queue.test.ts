import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  callDuration,
  type FormatDate,
  formatDuration,
  NO_VALUE,
  newestFirst,
  ROUTED_KEYS,
  STATE_KEYS,
  stateKey,
  toCallRow,
} from '../../../popup/queue.ts';
import { FILTER_KEYS, inFilter, QUEUE_FILTERS, queueCounts } from '../../../popup/queueFilters.ts';
import { CALL_STATES } from '../../../shared/callEvent.ts';
import type { QueuedCall } from '../../../shared/messages.ts';
import * as connection from '../../../shared/ui/connectionView.ts';
import * as text from '../../../shared/ui/uiText.ts';

const fixedFormat: FormatDate = (when) => ({
  date: when.toISOString().slice(0, 10),
  time: when.toISOString().slice(11, 16),
});

function call(overrides: Partial<QueuedCall> = {}): QueuedCall {
  return {
    id: '1-0',
    callId: 'A000001',
    state: 'answered',
    at: '2022-05-27T09:35:00.000Z',
    callerId: '05334979714',
    extension: '911',
    keypress: '2',
    action: 'quote',
    ...overrides,
  };
}

const fakeT = (key: string, subs?: string | string[]) =>
  subs === undefined ? `[${key}]` : `[${key}:${([] as string[]).concat(subs).join('|')}]`;

describe('toCallRow', () => {
  it('shows the Logo CRM columns: date/time, number, extension, call id, caller, keypress', () => {
    const row = toCallRow(
      call({
        national: '0533 497 97 14',
        contact: { id: 'C-19', kind: 'company', name: 'IP Santral Firması' },
      }),
      fixedFormat,
    );
    expect(row).toMatchObject({
      id: '1-0',
      callId: 'A000001',
      date: '2022-05-27',
      time: '09:35',
      number: '0533 497 97 14',
      callerId: '05334979714',
      extension: '911',
      caller: 'IP Santral Firması',
      company: null,
      keypress: '2',
      actionKey: 'action_quote',
      errorKey: null,
    });
  });

  it('falls back to the raw caller id when the number could not be normalised', () => {
    expect(toCallRow(call({ national: undefined }), fixedFormat).number).toBe('05334979714');
    expect(toCallRow(call({ national: '  ' }), fixedFormat).number).toBe('05334979714');
  });

  it("puts a person's company under the name, but not a company's own name twice", () => {
    const person = toCallRow(
      call({ contact: { id: 'P-1', kind: 'person', name: 'Ayşe Yılmaz', company: 'Örnek A.Ş.' } }),
      fixedFormat,
    );
    expect([person.caller, person.company]).toEqual(['Ayşe Yılmaz', 'Örnek A.Ş.']);
    const company = toCallRow(
      call({ contact: { id: 'C-1', kind: 'company', name: 'Örnek A.Ş.', company: 'Örnek A.Ş.' } }),
      fixedFormat,
    );
    expect([company.caller, company.company]).toEqual(['Örnek A.Ş.', null]);
  });

  it('leaves the caller empty (shown as —) when no contact matched, and marks a missing keypress', () => {
    const row = toCallRow(call({ keypress: undefined, action: 'newContact' }), fixedFormat);
    expect(row.caller).toBeNull();
    expect(row.keypress).toBe(NO_VALUE);
    expect(row.actionKey).toBe('action_newContact');
  });

  it('names the "no pop-up" action when the keypress maps to nothing', () => {
    expect(toCallRow(call({ action: null }), fixedFormat).actionKey).toBe('action_none');
  });

  it('keeps the error key of a call that opened nothing', () => {
    expect(toCallRow(call({ error: 'errTemplateOrigin' }), fixedFormat).errorKey).toBe('errTemplateOrigin');
  });

  it('shows an unreadable time as sent instead of "Invalid Date"', () => {
    const row = toCallRow(call({ at: 'yesterday' }), fixedFormat);
    expect([row.date, row.time]).toEqual(['yesterday', '']);
  });

  it('never interprets caller data as markup: names pass through as plain strings', () => {
    const name = '<img src=x onerror=alert(1)>';
    expect(toCallRow(call({ contact: { id: 'x', kind: 'person', name } }), fixedFormat).caller).toBe(name);
  });
});

describe('newestFirst', () => {
  it('orders by time, newest first, without changing the input', () => {
    const calls = [
      call({ id: 'a', at: '2022-05-27T09:35:00Z' }),
      call({ id: 'b', at: '2022-05-27T13:19:00Z' }),
      call({ id: 'c', at: '2022-05-27T13:16:00Z' }),
    ];
    expect(newestFirst(calls).map((c) => c.id)).toEqual(['b', 'c', 'a']);
    expect(calls.map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it("keeps the background's order for equal or unreadable times", () => {
    const calls = [
      call({ id: 'a', at: 'bad' }),
      call({ id: 'b', at: '2022-05-27T09:35:00Z' }),
      call({ id: 'c', at: '2022-05-27T09:35:00Z' }),
      call({ id: 'd', at: 'bad' }),
    ];
    expect(newestFirst(calls).map((c) => c.id)).toEqual(['b', 'c', 'a', 'd']);
  });
});

describe('text and connection helpers shared by popup and options', () => {
  it('localises error keys and shows any other text as it is', () => {
    expect(text.errorText('errCallNotFound', fakeT)).toBe('[errCallNotFound]');
    expect(text.errorText('socket closed: 1006', fakeT)).toBe('socket closed: 1006');
  });

  it('names each connection state and adds the user and extensions only when connected', () => {
    expect(
      connection.connectionView({ state: 'connected', user: 'ayse', extensions: ['911', '912'] }, fakeT),
    ).toEqual({
      state: 'connected',
      label: '[conn_connected]',
      detail: 'ayse · [extensionsList:911, 912]',
      title: undefined,
      transport: null,
    });
    expect(
      connection.connectionView({ state: 'unauthorized', user: 'ayse', reason: 'token revoked' }, fakeT),
    ).toEqual({
      state: 'unauthorized',
      label: '[conn_unauthorized]',
      detail: null,
      title: 'token revoked',
      transport: null,
    });
  });

  it('names the transport the stream uses', () => {
    expect(connection.connectionView({ state: 'connected', transport: 'sse' }, fakeT).transport).toBe(
      '[connVia:[transport_sse]]',
    );
    expect(connection.connectionView({ state: 'offline', transport: 'longpoll' }, fakeT).transport).toBe(
      '[connVia:[transport_longpoll]]',
    );
  });

  it("takes the page's direction and language from the locale the messages came from", () => {
    const messages = (m: Record<string, string>) => (key: string) => m[key] ?? '';
    expect(text.pageLocale(messages({ textDir: 'rtl', textLang: 'fa', '@@bidi_dir': 'ltr' }))).toEqual({
      dir: 'rtl',
      lang: 'fa',
    });
    // English shown in an Arabic browser (no Arabic translation) stays left to right.
    expect(text.pageLocale(messages({ textDir: 'ltr', textLang: 'en', '@@bidi_dir': 'rtl' }))).toEqual({
      dir: 'ltr',
      lang: 'en',
    });
    // Without the keys, Chrome's own values.
    expect(text.pageLocale((key) => ({ '@@bidi_dir': 'rtl', '@@ui_locale': 'fa_IR' })[key] ?? key)).toEqual({
      dir: 'rtl',
      lang: 'fa-IR',
    });
  });

  it('shows an unknown state as offline rather than breaking', () => {
    const status = { state: 'exploded' } as unknown as Parameters<typeof connection.connectionView>[0];
    expect(connection.connectionView(status, fakeT).state).toBe('offline');
  });
});

const T0 = Date.parse('2022-05-27T09:35:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
/** Formats parts as a Persian browser would, to prove the duration uses the injected digits. */
const persianDigits = (n: number) =>
  String(n)
    .padStart(2, '0')
    .replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)] ?? d);

describe('call state', () => {
  it('names each state the agent reads: a hangup is "ended"', () => {
    expect(stateKey({ state: 'ringing' })).toBe('state_ringing');
    expect(stateKey({ state: 'answered' })).toBe('state_answered');
    expect(stateKey({ state: 'hangup' })).toBe('state_ended');
    expect(stateKey({ state: 'missed' })).toBe('state_missed');
  });

  it('says "answered elsewhere" when a ring-group colleague took the call', () => {
    expect(stateKey({ state: 'answered', skipped: 'elsewhere' })).toBe('state_elsewhere');
    expect(stateKey({ state: 'hangup', skipped: 'elsewhere' })).toBe('state_elsewhere');
    expect(stateKey({ state: 'answered', skipped: 'popOff' }), 'pops off is still answered').toBe(
      'state_answered',
    );
  });

  it('has a translation for every state key (all PBX states included)', () => {
    const en = JSON.parse(readFileSync('extension/_locales/en/messages.json', 'utf8'));
    const produced = [
      ...CALL_STATES.map((state) => stateKey({ state })),
      stateKey({ state: 'answered', skipped: 'elsewhere' }),
    ];
    expect(
      produced.every((k) => STATE_KEYS.includes(k)),
      'STATE_KEYS lists every produced key',
    ).toBe(true);
    expect([...STATE_KEYS, ...Object.values(FILTER_KEYS)].filter((k) => !(k in en))).toEqual([]);
  });

  it('says why the call reached the agent when the relay routed it by owner, in every locale', () => {
    expect(toCallRow(call({ routedBy: 'owner' }), fixedFormat).routedKey).toBe('routed_owner');
    expect(toCallRow(call({ routedBy: 'team' }), fixedFormat).routedKey).toBe('routed_team');
    expect(toCallRow(call(), fixedFormat).routedKey, 'extension routing says nothing').toBeNull();
    expect(toCallRow(call({ routedBy: 'team', extension: '' }), fixedFormat).extension).toBe(NO_VALUE);
    expect(ROUTED_KEYS).toEqual(['routed_owner', 'routed_extension', 'routed_team']);
    for (const lang of ['en', 'tr', 'ru', 'de', 'fa']) {
      const messages = JSON.parse(readFileSync(`extension/_locales/${lang}/messages.json`, 'utf8'));
      expect(
        ROUTED_KEYS.filter((k) => !messages[k]?.message),
        lang,
      ).toEqual([]);
    }
  });

  it('highlights a missed call until it is handled, and dims handled calls', () => {
    expect(toCallRow(call({ state: 'missed' }), fixedFormat)).toMatchObject({ alert: true, handled: false });
    expect(toCallRow(call({ state: 'missed', handled: true }), fixedFormat)).toMatchObject({
      alert: false,
      handled: true,
    });
    expect(toCallRow(call({ state: 'hangup' }), fixedFormat).alert).toBe(false);
  });
});

describe('call duration', () => {
  it('formats mm:ss, and h:mm:ss past an hour', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(65_999)).toBe('01:05');
    expect(formatDuration(3_725_000)).toBe('01:02:05');
    expect(formatDuration(-500), 'clock skew never shows a negative time').toBe('00:00');
    expect(formatDuration(125_000, persianDigits)).toBe('۰۲:۰۵');
  });

  it('runs from the answer to the end of the call', () => {
    const ended = call({ state: 'hangup', answeredAt: iso(T0), endedAt: iso(T0 + 83_000) });
    expect(callDuration(ended, T0 + 999_999)).toEqual({ ms: 83_000, running: false });
    expect(toCallRow(ended, fixedFormat, formatDuration, T0 + 999_999)).toMatchObject({
      stateKey: 'state_ended',
      duration: '01:23',
      runningSince: null,
    });
  });

  it('counts from the answer until now while the call is on the line', () => {
    const live = call({ state: 'answered', source: 'generic', answeredAt: iso(T0) });
    expect(toCallRow(live, fixedFormat, formatDuration, T0 + 7_000)).toMatchObject({
      duration: '00:07',
      runningSince: T0,
    });
  });

  it('shows no duration for a missed, ringing or never-answered call', () => {
    const none = [
      call({ state: 'missed', endedAt: iso(T0) }),
      call({ state: 'missed', answeredAt: iso(T0), endedAt: iso(T0 + 5000) }),
      call({ state: 'ringing' }),
      call({ state: 'hangup', endedAt: iso(T0) }),
    ];
    for (const c of none)
      expect(toCallRow(c, fixedFormat, formatDuration, T0 + 10_000).duration, c.state).toBeNull();
  });

  it('does not count forever for a PBX that never reports hangups (Logo) or after four hours', () => {
    const logo = call({ state: 'answered', source: 'logo', answeredAt: iso(T0) });
    expect(callDuration(logo, T0 + 60_000)).toBeNull();
    const stale = call({ state: 'answered', source: 'generic', answeredAt: iso(T0) });
    expect(callDuration(stale, T0 + 5 * 3600_000)).toBeNull();
    expect(callDuration({ ...stale, answeredAt: 'soon' }, T0)).toBeNull();
  });
});

describe('queue filters', () => {
  const queue = [
    call({ id: 'a', state: 'missed' }),
    call({ id: 'b', state: 'missed', handled: true }),
    call({ id: 'c', state: 'hangup', handled: true }),
    call({ id: 'd', state: 'ringing' }),
    call({ id: 'e', state: 'answered' }),
  ];
  const ids = (f: (typeof QUEUE_FILTERS)[number]) => queue.filter((c) => inFilter(c, f)).map((c) => c.id);

  it('shows every call, only the missed ones, or only those not yet handled', () => {
    expect(ids('all')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids('missed')).toEqual(['a', 'b']);
    expect(ids('open')).toEqual(['a', 'd', 'e']);
  });

  it('counts what each filter shows, and what "clear handled" removes', () => {
    const counts = queueCounts(queue);
    for (const f of QUEUE_FILTERS) expect(counts[f], `count of ${f}`).toBe(ids(f).length);
    expect(counts.handled).toBe(2);
    expect(queueCounts([])).toEqual({ all: 0, missed: 0, open: 0, handled: 0 });
  });
});
