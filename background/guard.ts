// The pending-work guard: before a resumed call replaces the agent's view, look at the tab the
// previous action opened. Browser access comes in as arguments, so every decision is tested
// without a browser; `pageProbe.ts` is what runs inside the CRM page.
import type { PendingWork } from '../shared/messages.ts';
import type { ActionTab } from './tabs.ts';

/** What the probe found in the CRM page (see pageProbe.ts). */
export interface ProbeResult {
  /**
   * A form field differs from its state once the page's own scripts settled (else from its HTML
   * default), and the form was not submitted since.
   */
  dirtyForm: boolean;
  /** The page's `beforeunload` handlers would ask now (not merely that it has some). */
  beforeUnload: boolean;
}

export interface GuardApi {
  /** The tab as it is now; rejects (or answers undefined) when it was closed. */
  getTab(tabId: number): Promise<{ url?: string } | undefined>;
  /** Whether the agent granted host access to the CRM origin (optional permission). */
  hasPermission(origin: string): Promise<boolean>;
  /** Runs the page probe in the tab; rejects when it cannot (no access, error page, …). */
  probe(tabId: number): Promise<unknown>;
}

/** The match pattern the optional host permission and the content script use for the CRM. */
export function originPattern(origin: string): string {
  return `${origin}/*`;
}

/**
 * The earlier action's tab still holding unsaved or pending work, or null. With host access the
 * page is asked; without it (or when asking fails) a tab still on an edit/new URL counts as busy.
 * A tab closed or navigated off the CRM holds nothing of ours.
 */
export async function checkPendingWork(
  api: GuardApi,
  actionTab: ActionTab | undefined,
  crmOrigin: string,
): Promise<PendingWork | null> {
  if (!actionTab || !crmOrigin) return null;
  const tab = await api.getTab(actionTab.tabId).catch(() => undefined);
  const url = tab?.url;
  if (!url || !onOrigin(url, crmOrigin)) return null;
  const found = (reason: PendingWork['reason']): PendingWork => ({
    tabId: actionTab.tabId,
    url,
    ...(actionTab.callId ? { callId: actionTab.callId } : {}),
    reason,
  });
  if (await api.hasPermission(crmOrigin).catch(() => false)) {
    const result = parseProbe(await api.probe(actionTab.tabId).catch(() => null));
    // The page itself answered: trust it over the URL, so a clean edit page does not nag.
    if (result) {
      if (result.dirtyForm) return found('dirtyForm');
      if (result.beforeUnload) return found('beforeUnload');
      return null;
    }
  }
  return looksLikeEditUrl(url) ? found('editUrl') : null;
}

/**
 * Combines what the probe answered in each frame. The page's own script could tamper with it, so
 * only real booleans count; anything else means "no answer" and the URL heuristic decides.
 */
export function parseProbe(results: unknown): ProbeResult | null {
  const list = Array.isArray(results) ? results : [results];
  const valid = list.filter(
    (r): r is ProbeResult =>
      typeof r === 'object' &&
      r !== null &&
      typeof (r as ProbeResult).dirtyForm === 'boolean' &&
      typeof (r as ProbeResult).beforeUnload === 'boolean',
  );
  if (!valid.length) return null;
  return {
    dirtyForm: valid.some((r) => r.dirtyForm),
    beforeUnload: valid.some((r) => r.beforeUnload),
  };
}

function onOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}

const EDIT_WORDS = new Set(['new', 'edit', 'create', 'add', 'editview']);
// A query value counts only when it reads like a command (`view=Edit`), not like data: a company
// called "New Horizons" in a card URL must not make it an edit page.
const COMMAND_VALUE = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/**
 * Whether a CRM URL looks like a form for a new or edited record: vtiger `view=Edit`, SuiteCRM
 * `action=EditView`, `/contact/new`, `/tickets/create`, `?mode=edit`, `/NewQuote.aspx`.
 */
export function looksLikeEditUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const parts = [parsed.pathname];
  for (const [key, value] of parsed.searchParams) {
    parts.push(key);
    if (COMMAND_VALUE.test(value)) parts.push(value);
  }
  return parts.some((part) => words(part).some((w) => EDIT_WORDS.has(w)));
}

/** `EditView` → edit, view; `/new-ticket` → new, ticket; `createTicket.aspx` → create, ticket, aspx. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}
