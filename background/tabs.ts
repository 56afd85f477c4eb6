// Where an action's URL opens: a new tab per pop or one reused pop tab, brought to the front or
// left in the background (the admin's "don't steal focus": the notification says a call popped).
// Browser access comes in as `TabApi`, so the policy is tested without a browser.
import type { FocusPolicy, TabPolicy } from '../shared/settings.ts';

export interface TabApi {
  create(props: {
    url: string;
    active: boolean;
    windowId?: number;
  }): Promise<{ id?: number; windowId?: number }>;
  update(
    tabId: number,
    props: { url?: string; active?: boolean },
  ): Promise<{ id?: number; windowId?: number } | undefined>;
  get(tabId: number): Promise<{ id?: number; windowId?: number; url?: string }>;
  createWindow(props: { url: string; focused: boolean }): Promise<{ tabs?: { id?: number }[]; id?: number }>;
  focusWindow(windowId: number): Promise<void>;
}

/** The tab an action opened: the pending-work guard looks at it before the next one opens. */
export interface ActionTab {
  tabId: number;
  windowId?: number;
  url: string;
  callId?: string;
  at: string;
}

export interface OpenOptions {
  tabPolicy: TabPolicy;
  focusPolicy: FocusPolicy;
  /** The tab the previous pop used, when the policy reuses one. */
  previous?: ActionTab;
  /** The pending-work guard: whether that tab holds unsaved work (then it is left alone). */
  holdsWork?: (tab: ActionTab) => Promise<boolean>;
}

/** Where a pop opened. */
export interface OpenedTab {
  tabId?: number;
  windowId?: number;
  /** The policy reuses one tab, but it held unsaved work: the pop opened in a new tab instead. */
  pendingKept?: boolean;
}

export async function openTab(api: TabApi, url: string, opts: OpenOptions): Promise<OpenedTab> {
  const active = opts.focusPolicy === 'focus';
  let pendingKept = false;
  if (opts.tabPolicy === 'reuse' && opts.previous) {
    // Navigating the tab would throw away what the agent typed there.
    pendingKept = Boolean(await opts.holdsWork?.(opts.previous).catch(() => false));
    const reused = pendingKept ? null : await reuse(api, opts.previous.tabId, url, active);
    if (reused) return reused;
  }
  const opened = await openNew(api, url, active);
  return pendingKept ? { ...opened, pendingKept } : opened;
}

async function openNew(api: TabApi, url: string, active: boolean): Promise<OpenedTab> {
  let tab: { id?: number; windowId?: number };
  try {
    tab = await api.create({ url, active });
  } catch {
    // No normal window is open (the agent closed the last one): a pop must still appear.
    const win = await api.createWindow({ url, focused: active });
    return { tabId: win.tabs?.[0]?.id, windowId: win.id };
  }
  if (active && tab.windowId !== undefined) await api.focusWindow(tab.windowId);
  return { tabId: tab.id, windowId: tab.windowId };
}

// The agent may have closed the pop tab since: then a new one opens.
async function reuse(
  api: TabApi,
  tabId: number,
  url: string,
  active: boolean,
): Promise<{ tabId?: number; windowId?: number } | null> {
  try {
    await api.get(tabId);
    const tab = await api.update(tabId, { url, ...(active ? { active: true } : {}) });
    const windowId = tab?.windowId;
    if (active && windowId !== undefined) await api.focusWindow(windowId);
    return { tabId, windowId };
  } catch {
    return null;
  }
}
