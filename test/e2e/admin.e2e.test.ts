// The options page's Admin section against a real relay process: the mapping table, agent tokens,
// who is connected and the CSV import/export, in Chromium with the built extension. Changes made
// here must reach the agent's browser without restarting anything.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, textEnds, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, relayConfig, SECRET } from './scenario.ts';

const ADMIN = relayConfig.adminToken;

let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;
let page: Page;

interface AgentJson {
  user: string;
  name: string;
  extensions: string[];
  agentIds: string[];
  crmUserId?: string;
  tokens: { id: string; label: string }[];
}

async function adminGet<T>(path: string): Promise<T> {
  const res = await fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const agentsOnRelay = async () => (await adminGet<{ agents: AgentJson[] }>('/v1/admin/agents')).agents;
const row = (user: string) => page.locator(`[data-testid=admin-agent-row][data-user="${user}"]`);

/** Sets up a browser as agent ayse, as pop.e2e.test.ts does, and returns its options page. */
async function setUp(b: ExtensionBrowser): Promise<Page> {
  const options = await openOptions(b.context, b.extensionId);
  const imported = await importSettings(options, relay.dir, extensionSettings(relay.url, crm.origin));
  expect(imported.ok, imported.text).toBe(true);
  await waitUntil(
    'relay connected',
    async () => (await ask(options, 'status.get')).connection.state === 'connected',
  );
  return options;
}

async function connectAdmin(p: Page, token: string): Promise<void> {
  await p.locator('#admin-token').fill(token);
  await p.locator('#admin-connect').click();
}

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  browser = await launchWithExtension();
  page = await setUp(browser);
  await waitUntil('contacts synced', async () => (await ask(page, 'status.get')).sync.contacts === 4);
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await crm?.close();
});

describe('the Admin section', () => {
  it('says what is wrong with a malformed or a wrong admin token', async () => {
    await connectAdmin(page, 'too short');
    expect(await page.locator('[data-error-for=adminToken]').textContent()).toContain('16–256');
    await connectAdmin(page, 'wrong-admin-token-0123456789');
    const error = page.getByTestId('admin-error');
    await error.waitFor();
    expect(await error.getAttribute('data-key')).toBe('adminErrUnauthorized');
    expect(await error.textContent()).toContain('refused this admin token');
    expect(await page.getByTestId('admin-agents').count(), 'no table without the right token').toBe(0);
  });

  it('with the right token lists the agents of the relay', async () => {
    await connectAdmin(page, ADMIN);
    await page.getByTestId('admin-agents').waitFor();
    expect(await page.getByTestId('admin-error').count()).toBe(0);
    const users = await page
      .locator('[data-testid=admin-agent-row]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user')));
    expect(users).toEqual(['ayse', 'mehmet']);
    expect(await row('ayse').textContent()).toContain('Ayşe Yılmaz');
  });

  it('checks a new agent where it is typed, shows the relay refusal by its field, then adds it', async () => {
    await page.locator('#admin-add-user').fill('zeynep');
    await page.locator('#admin-add-name').fill('Zeynep Şahin');
    await page.locator('#admin-add-extensions').fill('914, 9x!');
    await page.locator('#admin-add-extensions').blur();
    const extError = page.locator('[data-testid=admin-add-form] [data-error-for=extensions]');
    expect(await extError.textContent()).toContain('“9x!” is not an extension');
    // Agent id 911 belongs to ayse: only the relay knows, and its refusal sits by the agent ids.
    await page.locator('#admin-add-extensions').fill('914');
    await page.locator('#admin-add-agentIds').fill('911');
    await page.getByTestId('admin-add-submit').click();
    const idError = page.locator('[data-testid=admin-add-form] [data-error-for=agentIds]');
    await idError.waitFor();
    expect(await idError.textContent()).toContain('already belongs to another agent');
    expect(await extError.count()).toBe(0);

    await page.locator('#admin-add-agentIds').fill('');
    // The CRM user id (owner of her calls in the CRM's journal) is a labelled field, saved with her.
    expect(await page.locator('label[for=admin-add-crmUserId]').textContent()).toBe('CRM user id');
    await page.locator('#admin-add-crmUserId').fill('19x7');
    await page.getByTestId('admin-add-submit').click();
    await row('zeynep').waitFor();
    expect(await row('zeynep').textContent()).toContain('914');
    expect(await row('zeynep').getByTestId('admin-agent-crm-user-id').textContent()).toBe('19x7');
    const zeynep = (await agentsOnRelay()).find((a) => a.user === 'zeynep');
    expect(zeynep).toMatchObject({
      name: 'Zeynep Şahin',
      extensions: ['914'],
      agentIds: [],
      crmUserId: '19x7',
    });
  });

  it("an edit of ayse's extensions reaches her browser at once: a call on 913 pops", async () => {
    await row('ayse').getByTestId('admin-edit').click();
    await page.locator('#admin-edit-extensions').fill('911, 913');
    await page.getByTestId('admin-edit-submit').click();
    await expect.poll(() => row('ayse').getByTestId('admin-agent-extensions').textContent()).toBe('911, 913');
    expect((await agentsOnRelay()).find((a) => a.user === 'ayse')?.extensions).toEqual(['911', '913']);

    const tab = browser.context.waitForEvent('page', { timeout: 15_000 });
    const res = await fetch(`${relay.url}/v1/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        callId: 'ADM-913',
        state: 'answered',
        extension: '913',
        callerId: '05334979714',
        keypress: '1',
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const crmTab = await tab;
    await crmTab.waitForURL((u) => u.origin === crm.origin);
    expect(crmTab.url()).toBe(`${crm.origin}/card?id=P-7`);
    await crmTab.close();
  });

  it('issues a token shown once that works at once, and revokes it so it is refused at once', async () => {
    const contacts = (token: string) =>
      fetch(`${relay.url}/v1/contacts`, { headers: { authorization: `Bearer ${token}` } });
    await page.locator('#admin-token-user').selectOption('ayse');
    await page.locator('#admin-token-label').fill('Desk 12');
    await page.getByTestId('admin-issue').click();
    const issued = page.getByTestId('admin-issued');
    await issued.waitFor();
    expect(await issued.textContent()).toContain('shown this once only');
    const token = await page.getByTestId('admin-issued-token').inputValue();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await contacts(token)).status).toBe(200);
    const tokenRow = page.locator('[data-testid=admin-token-row]', { hasText: 'Desk 12' });
    await tokenRow.waitFor();
    await expect.poll(() => row('ayse').locator('td').nth(5).textContent()).toBe('2');

    // Shown once: after a reload (and connecting again, remembered this time) it is gone.
    await page.reload();
    await page.locator('#admin-remember').check();
    await connectAdmin(page, ADMIN);
    await page.getByTestId('admin-tokens').waitFor();
    await page.locator('#admin-token-user').selectOption('ayse');
    expect(await page.getByTestId('admin-issued').count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    await tokenRow.getByTestId('admin-revoke').click();
    await tokenRow.getByTestId('admin-revoke-confirm').click();
    await expect.poll(() => tokenRow.count()).toBe(0);
    expect((await contacts(token)).status).toBe(401);
    expect((await agentsOnRelay()).find((a) => a.user === 'ayse')?.tokens.map((t) => t.label)).not.toContain(
      'Desk 12',
    );
  });

  it('remembers the admin token for this browser session when asked', async () => {
    await page.reload();
    await page.getByTestId('admin-connected').waitFor();
    await row('ayse').waitFor();
  });

  it('lists ayse as connected, with her last event', async () => {
    const { connections } = await adminGet<{
      connections: { user: string; lastEventId?: string }[];
    }>('/v1/admin/connections');
    const ayse = connections.find((c) => c.user === 'ayse');
    expect(ayse?.lastEventId, 'the relay sent ayse the 913 call').toBeTruthy();
    await page.getByTestId('admin-connections-refresh').click();
    const conn = page.locator('[data-testid=admin-connection-row][data-user=ayse]');
    await conn.waitFor();
    expect(await conn.textContent()).toContain('Ayşe Yılmaz');
    expect(await conn.textContent()).toContain('WebSocket');
    expect(await conn.getByTestId('admin-last-event').textContent()).toContain(ayse?.lastEventId);
    expect(await page.locator('[data-testid=admin-connection-row][data-user=mehmet]').count()).toBe(0);
  });

  it('exports the current mapping as agents.csv', async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('admin-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('agents.csv');
    const text = readFileSync((await file.path()) as string, 'utf8');
    expect(text.split('\r\n').filter(Boolean)).toEqual([
      'user,name,extensions,agentIds,crm_user_id',
      'ayse,Ayşe Yılmaz,911;913,911,',
      'mehmet,Mehmet Kaya,912,912,',
      'zeynep,Zeynep Şahin,914,,19x7',
    ]);
  });

  it('imports a changed CSV: a dry run shows what would change, confirming applies it', async () => {
    const file = join(relay.dir, 'agents-changed.csv');
    writeFileSync(
      file,
      [
        'user,name,extensions,agentIds',
        'ayse,Ayşe Yılmaz,911;913,911',
        'mehmet,Mehmet K.,912,912',
        'ali,Ali,915,',
      ].join('\n'),
    );
    await page.setInputFiles('#admin-import-file', file);
    const dryRun = page.getByTestId('admin-dry-run');
    await dryRun.waitFor();
    expect(await dryRun.locator('[data-kind=added]').textContent()).toContain('ali');
    expect(await dryRun.locator('[data-kind=changed]').textContent()).toContain('mehmet');
    expect(await dryRun.locator('[data-kind=removed]').textContent()).toContain('zeynep');
    expect(await dryRun.locator('[data-kind=unchanged]').textContent()).toContain('1');
    expect(
      (await agentsOnRelay()).map((a) => a.user),
      'a dry run changes nothing',
    ).toContain('zeynep');

    await page.getByTestId('admin-import-apply').click();
    await page.getByTestId('admin-import-done').waitFor();
    expect((await agentsOnRelay()).map((a) => a.user).sort()).toEqual(['ali', 'ayse', 'mehmet']);
    await row('ali').waitFor();
    await expect.poll(() => row('zeynep').count()).toBe(0);
    expect(await row('mehmet').textContent()).toContain('Mehmet K.');
  });

  it('removes an agent after asking', async () => {
    await row('ali').getByTestId('admin-remove').click();
    expect(await row('ali').textContent()).toContain('Remove ali and their tokens?');
    await row('ali').getByTestId('admin-remove-confirm').click();
    await expect.poll(() => row('ali').count()).toBe(0);
    expect((await agentsOnRelay()).map((a) => a.user).sort()).toEqual(['ayse', 'mehmet']);
  });
});

describe('the Admin section in other languages', () => {
  const HEADINGS: Record<string, string> = { en: 'Admin', tr: 'Yönetim', fa: 'مدیریت' };
  it.each(['en', 'tr', 'fa'])('%s: localized, tables fit at 800 px (screenshot saved)', async (lang) => {
    const prev = process.env.LANGUAGE;
    process.env.LANGUAGE = lang;
    const b = await launchWithExtension([`--lang=${lang}`, `--accept-lang=${lang}`]);
    process.env.LANGUAGE = prev;
    try {
      const p = await setUp(b);
      await p.setViewportSize({ width: 800, height: 900 });
      await connectAdmin(p, ADMIN);
      await p.locator('[data-testid=admin-agent-row]').first().waitFor();
      await p.locator('[data-testid=admin-connection-row]').first().waitFor();
      expect(await p.locator('#sec-admin').textContent()).toBe(HEADINGS[lang]);
      expect(await p.evaluate(() => document.documentElement.dir)).toBe(lang === 'fa' ? 'rtl' : 'ltr');
      // Extensions read left to right in every language, Persian included.
      const order = await textEnds(
        p.locator('[data-testid=admin-agent-row][data-user=ayse] [data-testid=admin-agent-extensions]'),
      );
      expect(order.text).toBe('911, 913');
      expect(order.firstLeft, 'extensions read left to right').toBeLessThan(order.lastLeft);
      // A field error, so the screenshot shows one too.
      await p.locator('#admin-add-extensions').fill('9x!');
      await p.locator('#admin-add-extensions').blur();
      await p.locator('[data-testid=admin-add-form] [data-error-for=extensions]').waitFor();
      const overflow = await p.evaluate(() => ({
        page: document.documentElement.scrollWidth - window.innerWidth,
        tables: [...document.querySelectorAll('.admin-table-wrap')].map((w) => w.scrollWidth - w.clientWidth),
      }));
      expect(overflow.page, 'nothing sticks out of the page sideways').toBeLessThanOrEqual(0);
      expect(overflow.tables, 'every admin table fits without scrolling at 800 px').toEqual(
        overflow.tables.map(() => 0),
      );
      mkdirSync('test-results/screenshots', { recursive: true });
      await p.getByTestId('admin-section').screenshot({ path: `test-results/screenshots/admin-${lang}.png` });
    } finally {
      await b.close();
    }
  });
});
