// The worker's message handlers with storage, fetch, tabs and signals passed in: no browser.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { putCall } from '../../../background/callQueue.ts';
import { type Db, openDb, type StoredCall } from '../../../background/db.ts';
import { createHandlers, type HandlerDeps, type WorkerState } from '../../../background/handlers.ts';
import { noteResync, recordFailedEvent } from '../../../background/notes.ts';
import type { PendingWork } from '../../../shared/messages.ts';
import { type Settings, validateSettings } from '../../../shared/settings.ts';
import { callEvent } from '../../fixtures/calls.ts';

const CRM = 'http://crm.test';
const TOKEN = 'agent-token-0123456789';

/** storage.local as a Map, with a record of every write. */
function memoryArea() {
  const data = new Map<string, unknown>();
  const writes: Record<string, unknown>[] = [];
  return {
    data,
    writes,
    get: async (keys: string | string[]) => {
      const out: Record<string, unknown> = {};
      for (const k of Array.isArray(keys) ? keys : [keys])
        if (data.has(k)) out[k] = structuredClone(data.get(k));
      return out;
    },
    set: async (items: Record<string, unknown>) => {
      writes.push(items);
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
  };
}

let db: Db;
let local: ReturnType<typeof memoryArea>;
let opened: string[];
let bumps: number;
let pending: PendingWork | null;
let fetched: string[];
let answer: Response;

function stateWith(over: Partial<Settings> = {}): WorkerState {
  const settings = validateSettings({
    relayUrl: 'http://relay.test',
    agentToken: TOKEN,
    crm: { origin: CRM, templates: { card: `${CRM}/card/{contactId}`, newContact: `${CRM}/new?p={phone}` } },
    ...over,
  }).settings;
  return { db, settings, connection: { current: { state: 'connected', user: 'ayse' } } };
}

function handlers(state = stateWith()) {
  const deps: HandlerDeps = {
    boot: async () => state,
    applyManaged: async () => ({}),
    popDeps: (s) => ({ db: s.db, settings: s.settings, openUrl: async (url) => void opened.push(url) }),
    runSync: async () => ({ contacts: 0 }),
    local,
    fetch: async (input) => {
      fetched.push(String(input));
      return answer;
    },
    tabs: {
      lastActionTab: async () => ({ tabId: 7, url: `${CRM}/new`, at: '' }),
      focusTab: async () => true,
      pendingWork: async () => pending,
    },
    signals: { bumpQueue: async () => void bumps++, updateBadge: async () => undefined },
  };
  return createHandlers(deps);
}

const storedCall = (over: Partial<StoredCall> = {}): StoredCall => ({
  id: 'A000001',
  callId: 'A000001',
  state: 'answered',
  at: '2026-11-22T10:00:00.000Z',
  callerId: '05334979714',
  extension: '911',
  contact: { id: 'P-7', kind: 'person', name: 'Ayşe Demir' },
  action: 'card',
  eventIds: ['e.1'],
  popped: true,
  ...over,
});

beforeEach(async () => {
  db = await openDb(`test-${randomUUID()}`);
  local = memoryArea();
  opened = [];
  bumps = 0;
  pending = null;
  fetched = [];
  answer = new Response('{}', { status: 200 });
});

describe('settings messages', () => {
  it('stores a valid save and reads it back; a bad one stores nothing and names the field', async () => {
    const h = handlers();
    expect(
      await h['settings.save']({ settings: { relayUrl: 'http://relay.test', agentToken: TOKEN } }),
    ).toEqual({
      ok: true,
      errors: [],
    });
    expect((await h['settings.get'](undefined)).settings.agentToken).toBe(TOKEN);
    const before = local.writes.length;
    const bad = await h['settings.save']({ settings: { relayUrl: 'ftp://x' } });
    expect(bad.ok).toBe(false);
    expect(bad.errors[0]?.field).toBe('relayUrl');
    expect(local.writes.length, 'a refused save writes nothing').toBe(before);
  });

  it('an update writes only the changed fields over the settings as they are now', async () => {
    const h = handlers();
    // An import stored a token and a relay after the options form had loaded the empty settings.
    await h['settings.save']({ settings: { relayUrl: 'http://relay.test', agentToken: TOKEN } });
    // The form's Save then sends only what the agent changed there.
    const res = await h['settings.update']({ changes: [{ path: 'tabPolicy', value: 'reuse' }] });
    expect(res).toEqual({ ok: true, errors: [] });
    const { settings } = await h['settings.get'](undefined);
    expect(settings).toMatchObject({ relayUrl: 'http://relay.test', agentToken: TOKEN, tabPolicy: 'reuse' });
  });

  it('an update refuses a path outside the settings and stores nothing', async () => {
    const h = handlers();
    const before = local.writes.length;
    const res = await h['settings.update']({ changes: [{ path: '__proto__.polluted', value: 1 }] });
    expect(res.ok).toBe(false);
    expect(local.writes.length).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('queue messages', () => {
  it('lists the queue with a call whose event could not be handled, marked failed', async () => {
    await putCall(db, storedCall());
    await recordFailedEvent(
      local,
      callEvent({ id: 'e.9', callId: 'B1', at: '2026-11-22T10:05:00.000Z' }),
      'QuotaExceededError',
      new Date(),
    );
    const { calls } = await handlers()['calls.list'](undefined);
    expect(calls.map((c) => [c.callId, c.error])).toEqual([
      ['B1', 'errEventFailed'],
      ['A000001', undefined],
    ]);
  });

  it('resume asks the pending-work guard first, and opens anyway when forced', async () => {
    await putCall(db, storedCall());
    pending = { tabId: 7, url: `${CRM}/new`, reason: 'editUrl' };
    const h = handlers();
    expect(await h['calls.resume']({ id: 'A000001' })).toEqual({ ok: false, pending });
    expect(opened).toEqual([]);
    expect(await h['calls.resume']({ id: 'A000001', force: true })).toMatchObject({ ok: true });
    expect(opened).toEqual([`${CRM}/card/P-7`]);
    expect(bumps).toBe(1);
  });

  it('answers errCallNotFound for a call the queue does not have', async () => {
    expect(await handlers()['calls.resume']({ id: 'nope' })).toEqual({ ok: false, error: 'errCallNotFound' });
  });
});

describe('status and diagnostics messages', () => {
  it('carries the resync notice until the agent dismisses it; diagnostics list it', async () => {
    await noteResync(local, '2026-11-22T09:00:00.000Z', new Date('2026-11-22T10:00:00.000Z'));
    const h = handlers();
    expect((await h['status.get'](undefined)).notice).toEqual({
      from: '2026-11-22T09:00:00.000Z',
      to: '2026-11-22T10:00:00.000Z',
    });
    expect((await h['diagnostics.events'](undefined)).notes[0]).toMatchObject({ kind: 'resync' });
    await h['notice.dismiss'](undefined);
    expect((await h['status.get'](undefined)).notice).toBeUndefined();
  });

  it('the test call goes through the fetch it was given', async () => {
    answer = new Response('{}', { status: 401 });
    expect(await handlers()['diagnostics.testCall'](undefined)).toEqual({
      ok: false,
      error: 'diagErrUnauthorized',
    });
    expect(fetched).toEqual(['http://relay.test/v1/diagnostics/test-call']);
  });
});
