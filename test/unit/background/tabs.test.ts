import { describe, expect, it } from 'vitest';
import { openTab, type TabApi } from '../../../background/tabs.ts';

/** A browser with windows of tabs, recording what the policy asked for. */
function fakeBrowser(opts: { noWindow?: boolean } = {}) {
  const tabs = new Map<number, { url: string; windowId: number; active: boolean }>();
  const calls: string[] = [];
  let next = 1;
  const api: TabApi = {
    create: async ({ url, active }) => {
      if (opts.noWindow) throw new Error('No current window');
      const id = next++;
      tabs.set(id, { url, windowId: 1, active });
      calls.push(`create ${url} active=${active}`);
      return { id, windowId: 1 };
    },
    update: async (id, props) => {
      const tab = tabs.get(id);
      if (!tab) throw new Error('No tab');
      Object.assign(tab, props);
      calls.push(`update ${id} ${props.url} active=${props.active ?? false}`);
      return { id, windowId: tab.windowId };
    },
    get: async (id) => {
      const tab = tabs.get(id);
      if (!tab) throw new Error('No tab');
      return { id, windowId: tab.windowId, url: tab.url };
    },
    createWindow: async ({ url, focused }) => {
      calls.push(`window ${url} focused=${focused}`);
      return { id: 9, tabs: [{ id: 99 }] };
    },
    focusWindow: async (id) => void calls.push(`focus window ${id}`),
  };
  return { api, tabs, calls };
}

const previous = (tabId: number) => ({ tabId, url: 'x', at: '' });

describe('openTab', () => {
  it('reuses the pop tab only after the pending-work guard says it holds no unsaved work', async () => {
    const b = fakeBrowser();
    const first = await openTab(b.api, 'https://crm/a', { tabPolicy: 'reuse', focusPolicy: 'focus' });
    const asked: number[] = [];
    const opts = (busy: boolean) => ({
      tabPolicy: 'reuse' as const,
      focusPolicy: 'focus' as const,
      previous: previous(first.tabId as number),
      holdsWork: async (tab: { tabId: number }) => {
        asked.push(tab.tabId);
        return busy;
      },
    });
    // The agent is typing in the pop tab: the next call opens beside it and says why.
    const kept = await openTab(b.api, 'https://crm/b', opts(true));
    expect(kept).toMatchObject({ pendingKept: true });
    expect(kept.tabId).not.toBe(first.tabId);
    expect(b.tabs.get(first.tabId as number)?.url, 'the busy tab is left as it was').toBe('https://crm/a');
    // A clean pop tab is reused as before.
    const reused = await openTab(b.api, 'https://crm/c', opts(false));
    expect(reused).toEqual({ tabId: first.tabId, windowId: 1 });
    expect(asked).toEqual([first.tabId, first.tabId]);
  });

  it('opens a new, focused tab per pop by default', async () => {
    const b = fakeBrowser();
    await openTab(b.api, 'https://crm/a', { tabPolicy: 'new', focusPolicy: 'focus', previous: previous(1) });
    await openTab(b.api, 'https://crm/b', { tabPolicy: 'new', focusPolicy: 'focus', previous: previous(1) });
    expect(b.calls).toEqual([
      'create https://crm/a active=true',
      'focus window 1',
      'create https://crm/b active=true',
      'focus window 1',
    ]);
  });

  it('reuses the pop tab while it exists, and opens a new one after the agent closed it', async () => {
    const b = fakeBrowser();
    const first = await openTab(b.api, 'https://crm/a', { tabPolicy: 'reuse', focusPolicy: 'focus' });
    const again = await openTab(b.api, 'https://crm/b', {
      tabPolicy: 'reuse',
      focusPolicy: 'focus',
      previous: previous(first.tabId ?? 0),
    });
    expect(again.tabId).toBe(first.tabId);
    expect(b.tabs.get(first.tabId ?? 0)?.url).toBe('https://crm/b');
    b.tabs.clear();
    const fresh = await openTab(b.api, 'https://crm/c', {
      tabPolicy: 'reuse',
      focusPolicy: 'focus',
      previous: previous(first.tabId ?? 0),
    });
    expect(fresh.tabId).not.toBe(first.tabId);
  });

  it("doesn't steal focus when the admin said so: background tab, no window focus", async () => {
    const b = fakeBrowser();
    const t = await openTab(b.api, 'https://crm/a', { tabPolicy: 'new', focusPolicy: 'keep' });
    await openTab(b.api, 'https://crm/b', {
      tabPolicy: 'reuse',
      focusPolicy: 'keep',
      previous: previous(t.tabId ?? 0),
    });
    expect(b.calls).toEqual([
      `create https://crm/a active=false`,
      `update ${t.tabId} https://crm/b active=false`,
    ]);
  });

  it('opens a window when none is left', async () => {
    const b = fakeBrowser({ noWindow: true });
    expect(await openTab(b.api, 'https://crm/a', { tabPolicy: 'new', focusPolicy: 'focus' })).toEqual({
      tabId: 99,
      windowId: 9,
    });
  });
});
