import { describe, expect, it } from 'vitest';
import { checkPendingWork, type GuardApi, looksLikeEditUrl, parseProbe } from '../../../background/guard.ts';
import type { ActionTab } from '../../../background/tabs.ts';
import {
  MARKER_FILE,
  MARKER_SCRIPT_ID,
  type MarkerApi,
  type MarkerScript,
  syncUnloadMarker,
} from '../../../background/unloadMarker.ts';

const CRM = 'https://crm.example.com';
const actionTab: ActionTab = {
  tabId: 7,
  url: `${CRM}/card?id=P-7`,
  callId: 'A1',
  at: '2026-01-01T10:00:00Z',
};

/** A fake browser: one tab, a permission answer and a probe answer, each replaceable. */
function api(over: {
  url?: string | null;
  granted?: boolean;
  probe?: unknown | Error;
}): GuardApi & { probed: number[] } {
  const probed: number[] = [];
  return {
    probed,
    getTab: async (tabId) => {
      if (over.url === null || tabId !== actionTab.tabId) throw new Error(`No tab with id: ${tabId}`);
      return { url: over.url ?? actionTab.url };
    },
    hasPermission: async (origin) => Boolean(over.granted) && origin === CRM,
    probe: async (tabId) => {
      probed.push(tabId);
      if (over.probe instanceof Error) throw over.probe;
      return over.probe;
    },
  };
}

const clean = [{ dirtyForm: false, beforeUnload: false }];

describe('checkPendingWork with host access (the page is asked)', () => {
  it('a changed, unsubmitted form is pending work in that tab, for the call that opened it', async () => {
    const pending = await checkPendingWork(
      api({ granted: true, probe: [{ dirtyForm: true, beforeUnload: false }] }),
      actionTab,
      CRM,
    );
    expect(pending).toEqual({ tabId: 7, url: actionTab.url, callId: 'A1', reason: 'dirtyForm' });
  });

  it('a beforeunload guard is pending work', async () => {
    const probe = [{ dirtyForm: false, beforeUnload: true }];
    const pending = await checkPendingWork(api({ granted: true, probe }), actionTab, CRM);
    expect(pending?.reason).toBe('beforeUnload');
  });

  it('any frame with unsaved work counts', async () => {
    const probe = [...clean, { dirtyForm: true, beforeUnload: false }];
    const pending = await checkPendingWork(api({ granted: true, probe }), actionTab, CRM);
    expect(pending?.reason).toBe('dirtyForm');
  });

  it('a clean page passes even on an edit URL: the page knows better than the URL', async () => {
    const edit = `${CRM}/index.php?module=HelpDesk&view=Edit`;
    expect(
      await checkPendingWork(api({ granted: true, url: edit, probe: clean }), actionTab, CRM),
    ).toBeNull();
  });

  it('reports the URL the tab is on now, not the one the action opened', async () => {
    const now = `${CRM}/card?id=P-7&tab=notes`;
    const probe = [{ dirtyForm: true, beforeUnload: false }];
    expect((await checkPendingWork(api({ granted: true, url: now, probe }), actionTab, CRM))?.url).toBe(now);
  });

  it('falls back to the URL when the probe fails or answers nonsense', async () => {
    const edit = `${CRM}/contact/new?phone=1`;
    const failing = api({ granted: true, url: edit, probe: new Error('Cannot access contents of the page') });
    expect((await checkPendingWork(failing, actionTab, CRM))?.reason).toBe('editUrl');
    const spoofed = api({ granted: true, url: edit, probe: [{ dirtyForm: 'no' }] });
    expect((await checkPendingWork(spoofed, actionTab, CRM))?.reason).toBe('editUrl');
    const card = api({ granted: true, probe: new Error('frame removed') });
    expect(await checkPendingWork(card, actionTab, CRM)).toBeNull();
  });
});

describe('checkPendingWork without host access (URL fallback)', () => {
  it('a tab still on an edit/new URL is pending work, and the page is never probed', async () => {
    const fake = api({ granted: false, url: `${CRM}/index.php?module=Contacts&view=Edit&record=5` });
    expect(await checkPendingWork(fake, actionTab, CRM)).toEqual({
      tabId: 7,
      url: `${CRM}/index.php?module=Contacts&view=Edit&record=5`,
      callId: 'A1',
      reason: 'editUrl',
    });
    expect(fake.probed, 'no access, no probe').toEqual([]);
  });

  it('a tab on a card URL holds nothing', async () => {
    expect(await checkPendingWork(api({ granted: false }), actionTab, CRM)).toBeNull();
  });
});

describe('checkPendingWork: nothing of ours is left', () => {
  it('when the tab was closed', async () => {
    expect(await checkPendingWork(api({ granted: true, url: null }), actionTab, CRM)).toBeNull();
  });

  it('when the tab navigated off the CRM origin (even to an edit page elsewhere)', async () => {
    const away = api({ granted: true, url: 'https://mail.example.com/compose/new', probe: clean });
    expect(await checkPendingWork(away, actionTab, CRM)).toBeNull();
    expect(away.probed, 'another site is never probed').toEqual([]);
  });

  it('when no action opened a tab yet, or no CRM origin is set', async () => {
    const dirty = api({ granted: true, url: `${CRM}/new`, probe: [{ dirtyForm: true, beforeUnload: true }] });
    expect(await checkPendingWork(dirty, undefined, CRM)).toBeNull();
    expect(await checkPendingWork(dirty, actionTab, '')).toBeNull();
  });
});

describe('parseProbe', () => {
  it('takes a single answer or one per frame, and ignores what is not a pair of booleans', () => {
    expect(parseProbe({ dirtyForm: true, beforeUnload: false })).toEqual({
      dirtyForm: true,
      beforeUnload: false,
    });
    expect(parseProbe([null, undefined, { dirtyForm: false, beforeUnload: true }])).toEqual({
      dirtyForm: false,
      beforeUnload: true,
    });
    expect(parseProbe([null, { dirtyForm: 1, beforeUnload: 0 }])).toBeNull();
    expect(parseProbe([])).toBeNull();
  });
});

describe('looksLikeEditUrl', () => {
  it.each([
    'https://crm.example.com/index.php?module=HelpDesk&view=Edit', // vtiger
    'https://crm.example.com/index.php?module=Accounts&action=EditView&record=1', // SuiteCRM
    'https://crm.example.com/contact/new?phone=%2B905334979714',
    'https://crm.example.com/new?phone=%2B90533&caller=0533',
    'https://crm.example.com/tickets/create',
    'https://crm.example.com/quote/new-quote?company=C-19',
    'https://crm.example.com/NewQuote.aspx?id=3',
    'https://crm.example.com/record?mode=edit',
    'https://crm.example.com/lead?id=4&edit=1',
    'https://crm.example.com/Opportunity/ADD',
  ])('%s is an edit/new page', (url) => {
    expect(looksLikeEditUrl(url)).toBe(true);
  });

  it.each([
    'https://crm.example.com/card?id=P-7',
    'https://crm.example.com/index.php?module=Contacts&view=Detail&record=5',
    'https://crm.example.com/news/2024',
    'https://crm.example.com/address?id=1',
    'https://crm.example.com/editor-guide', // a word that merely starts with "edit"
    'https://crm.example.com/card?company=New%20Horizons%20Ltd', // data, not a command
    'https://crm.example.com/search?q=create+account',
    'not a url',
  ])('%s is not', (url) => {
    expect(looksLikeEditUrl(url)).toBe(false);
  });
});

describe('syncUnloadMarker', () => {
  function markerApi(granted: boolean, scripts: MarkerScript[] = []) {
    const calls: string[] = [];
    const fake: MarkerApi = {
      hasPermission: async () => granted,
      registered: async () => scripts,
      register: async (s) => {
        calls.push(`register ${s.matches.join(',')} ${s.js.join(',')} ${s.world} ${s.runAt}`);
        scripts.push(s);
      },
      unregister: async (id) => {
        calls.push(`unregister ${id}`);
        scripts.splice(
          scripts.findIndex((s) => s.id === id),
          1,
        );
      },
    };
    return { fake, calls };
  }

  it('registers the marker for the CRM origin at document_start in the page world once access is granted', async () => {
    const { fake, calls } = markerApi(true);
    expect(await syncUnloadMarker(fake, CRM)).toBe('registered');
    expect(calls).toEqual([`register ${CRM}/* ${MARKER_FILE} MAIN document_start`]);
    expect(await syncUnloadMarker(fake, CRM), 'a second start changes nothing').toBe('kept');
  });

  it('moves it when the CRM origin changes, and removes it when access is taken back', async () => {
    const { fake, calls } = markerApi(true, [{ id: MARKER_SCRIPT_ID, matches: [`${CRM}/*`] }]);
    expect(await syncUnloadMarker(fake, 'https://other.example.com')).toBe('registered');
    expect(calls).toEqual([
      `unregister ${MARKER_SCRIPT_ID}`,
      `register https://other.example.com/* ${MARKER_FILE} MAIN document_start`,
    ]);
    const revoked = markerApi(false, [{ id: MARKER_SCRIPT_ID, matches: [`${CRM}/*`] }]);
    expect(await syncUnloadMarker(revoked.fake, CRM)).toBe('unregistered');
    expect(revoked.calls).toEqual([`unregister ${MARKER_SCRIPT_ID}`]);
  });

  it('registers nothing without access or without an origin', async () => {
    const none = markerApi(false);
    expect(await syncUnloadMarker(none.fake, CRM)).toBe('kept');
    const noOrigin = markerApi(true);
    expect(await syncUnloadMarker(noOrigin.fake, '')).toBe('kept');
    expect([...none.calls, ...noOrigin.calls]).toEqual([]);
  });
});
