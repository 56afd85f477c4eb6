// The wired worker with a fake browser: what only the wiring can get wrong.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../background/db.ts';
import { createWorker, type WorkerBrowser, type WorkerDeps } from '../../../background/worker.ts';

function area() {
  const data = new Map<string, unknown>();
  return {
    get: async (keys?: null | string | string[]) => {
      const out: Record<string, unknown> = {};
      for (const k of keys == null ? [...data.keys()] : Array.isArray(keys) ? keys : [keys])
        if (data.has(k)) out[k] = data.get(k);
      return out;
    },
    set: async (items: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(items)) data.set(k, v);
    },
  };
}

function event<A extends unknown[]>() {
  const listeners: ((...args: A) => unknown)[] = [];
  return { addListener: (fn: (...args: A) => unknown) => void listeners.push(fn), listeners };
}

function fakeBrowser() {
  const alarms = new Map<string, { periodInMinutes?: number }>();
  const onAlarm = event<[{ name: string }]>();
  const browser: WorkerBrowser = {
    runtime: {
      id: 'ext',
      getURL: (p) => `chrome-extension://ext/${p}`,
      openOptionsPage: async () => undefined,
      onInstalled: event(),
      onStartup: event(),
      onMessage: event(),
    },
    permissions: { onAdded: event(), onRemoved: event() },
    alarms: {
      get: async (name) => alarms.get(name),
      create: (name, info) => void alarms.set(name, info),
      onAlarm,
    },
    storage: { local: area(), session: area(), managed: area(), onChanged: event() },
    notifications: { onClicked: event(), onClosed: event() },
  };
  return {
    browser,
    alarms,
    fireAlarm: (name: string) => Promise.all(onAlarm.listeners.map((fn) => fn({ name }))),
  };
}

function deps(browser: WorkerBrowser, openDbFn: WorkerDeps['openDb']): WorkerDeps {
  return {
    browser,
    openDb: openDbFn,
    fetch: async () => new Response('{}'),
    openSocket: () => {
      throw new Error('no relay in this test');
    },
    tabs: {
      openUrl: async () => ({}),
      lastActionTab: async () => undefined,
      focusTab: async () => true,
      pendingWork: async () => null,
      refreshUnloadMarker: async () => undefined,
    },
    notifications: {
      notifyCall: async () => undefined,
      onClick: async () => undefined,
      forget: async () => undefined,
    },
    signals: {
      publishStatus: () => undefined,
      bumpQueue: async () => undefined,
      updateBadge: async () => undefined,
    },
    log: { info: () => undefined, warn: () => undefined },
  };
}

describe('the worker', () => {
  it('tries a failed boot again instead of keeping the failure for its whole life', async () => {
    const { browser, fireAlarm } = fakeBrowser();
    let opens = 0;
    const worker = createWorker(
      deps(browser, async () => {
        if (++opens === 1) throw new Error('IndexedDB: UnknownError');
        return openDb(`test-${randomUUID()}`);
      }),
    );
    await expect(worker.boot()).rejects.toThrow('UnknownError');
    // The next alarm (or message) boots again and works.
    await fireAlarm('keepalive');
    await expect(worker.boot()).resolves.toMatchObject({ connection: null });
    expect(opens).toBe(2);
    expect((await worker.handlers['status.get'](undefined)).connection.state).toBe('unconfigured');
  });

  it('keeps the keep-alive alarm at the period it is given (30 s by default), without re-creating it', async () => {
    const { browser, alarms } = fakeBrowser();
    const db = () => openDb(`test-${randomUUID()}`);
    await createWorker(deps(browser, db)).boot();
    expect(alarms.get('keepalive')).toEqual({ periodInMinutes: 0.5 });
    // A Firefox event page asks for a shorter period: the alarm from before is replaced.
    await createWorker({ ...deps(browser, db), keepAliveMinutes: 0.25 }).boot();
    expect(alarms.get('keepalive')).toEqual({ periodInMinutes: 0.25 });
    // A restart with the same period keeps the alarm (re-creating it would postpone its next tick).
    const kept = alarms.get('keepalive');
    await createWorker({ ...deps(browser, db), keepAliveMinutes: 0.25 }).boot();
    expect(alarms.get('keepalive'), 'the same alarm object').toBe(kept);
  });

  it('registers every listener before its first await', () => {
    const { browser } = fakeBrowser();
    createWorker(deps(browser, () => new Promise(() => undefined)));
    const registered = (e: unknown) => (e as { listeners: unknown[] }).listeners.length;
    expect(registered(browser.runtime.onMessage)).toBe(1);
    expect(registered(browser.alarms.onAlarm)).toBe(1);
    expect(registered(browser.storage.onChanged)).toBe(1);
    expect(registered(browser.notifications.onClicked)).toBe(1);
  });
});
