// Contacts straight from the CRM's database, no file anywhere: a relay reading PostgreSQL (a `sql`
// source polled every 2 s), Chromium with the built extension. A contact inserted into the
// database pops by name on the next call; a changed number reaches the browser's cache within
// seconds (the relay tells the browser the feed moved); a deleted contact no longer matches.

import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresDatabase,
  dropPostgresDatabase,
  PG_ADMIN_URL,
  postgresUnavailable,
  testDatabaseName,
  urlFor,
} from '../integration/helpers/sqlDatabases.ts';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, postLogo, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { extensionSettings, logoCall, relayConfig, SECRET } from './scenario.ts';

const database = testDatabaseName();
let db: pg.Client;
let relay: RelayProcess;
let crm: FakeCrm;
let browser: ExtensionBrowser;

beforeAll(async () => {
  // CI has PostgreSQL on 127.0.0.1:5432: a missing server fails this file rather than skipping it.
  if (postgresUnavailable) throw new Error(`PostgreSQL is needed for this test: ${postgresUnavailable}`);
  db = await createPostgresDatabase(database);
  await db.query(`CREATE TABLE crm_contacts (
    id text PRIMARY KEY, kind text NOT NULL, name text NOT NULL, company_id text, company text,
    owner text, phone_mobile text, phone_work text, deleted boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  await db.query(
    `INSERT INTO crm_contacts (id, kind, name, phone_work, owner) VALUES ('C-1', 'company', 'IP Santral Firması', '0212 555 12 34', 'ayse')`,
  );
  crm = await startFakeCrm();
  const { contacts: _file, ...rest } = relayConfig;
  relay = await startRelay(
    {
      ...rest,
      contacts: {
        sources: [
          {
            name: 'crm',
            kind: 'sql',
            url: urlFor(PG_ADMIN_URL, database),
            query:
              'SELECT id, kind, name, company_id, company, owner, updated_at, phone_mobile, phone_work, deleted FROM crm_contacts',
            intervalSeconds: 2,
            reconcileEverySeconds: 2,
          },
        ],
      },
    },
    '',
  );
  browser = await launchWithExtension();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await crm?.close();
  await db?.end().catch(() => {});
  await dropPostgresDatabase(database).catch(() => {});
});

/** The contact as the extension's IndexedDB holds it now. */
async function cached(id: string): Promise<{ name: string; phones: string[] } | undefined> {
  const page = await openOptions(browser.context, browser.extensionId);
  try {
    return await page.evaluate(
      (key) =>
        new Promise<{ name: string; phones: string[] } | undefined>((ok, fail) => {
          const open = indexedDB.open('screenpop');
          open.onerror = () => fail(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('contacts').objectStore('contacts').get(key);
            get.onsuccess = () => ok(get.result);
            get.onerror = () => fail(get.error);
          };
        }),
      id,
    );
  } finally {
    await page.close();
  }
}

describe('contacts from PostgreSQL', () => {
  it('a contact inserted in the database pops by name; a new number reaches the cache in seconds; a deleted one no longer matches', async () => {
    const options = await openOptions(browser.context, browser.extensionId);
    const imported = await importSettings(options, relay.dir, extensionSettings(relay.url, crm.origin));
    expect(imported.ok, imported.text).toBe(true);
    await waitUntil(
      'connected',
      async () => (await ask(options, 'status.get')).connection.state === 'connected',
    );
    await waitUntil('the company synced', async () => (await cached('C-1')) !== undefined, 20_000);

    // Inserted in the CRM's database: nobody exports anything.
    await db.query(
      `INSERT INTO crm_contacts (id, kind, name, company_id, phone_mobile, owner) VALUES ('P-100', 'person', 'Zeynep Ak', 'C-1', '0555 123 45 67', 'ayse')`,
    );
    await waitUntil('the new contact synced', async () => (await cached('P-100')) !== undefined, 20_000);
    let from = crm.requests.length;
    expect((await postLogo(relay.url, SECRET, logoCall('PG-1', '05551234567', '1'))).status).toBe(200);
    await crm.waitFor((p) => p === '/card?id=P-100', 15_000, from);

    // A changed number: the relay polls every 2 s and tells the browser the feed moved.
    const changed = Date.now();
    await db.query(
      `UPDATE crm_contacts SET phone_mobile = '0555 765 43 21', updated_at = clock_timestamp() WHERE id = 'P-100'`,
    );
    await waitUntil(
      'the cache holds the new number',
      async () => (await cached('P-100'))?.phones.includes('0555 765 43 21'),
      20_000,
    );
    const ms = Date.now() - changed;
    console.log(`crm source: row updated in PostgreSQL → browser cache has the new number in ${ms} ms`);
    expect(ms, 'one 2 s poll plus one sync').toBeLessThan(10_000);

    // Deleted in the CRM: the number no longer matches anyone, the call opens "new contact".
    await db.query(`DELETE FROM crm_contacts WHERE id = 'P-100'`);
    await waitUntil('the deletion synced', async () => (await cached('P-100')) === undefined, 20_000);
    from = crm.requests.length;
    expect((await postLogo(relay.url, SECRET, logoCall('PG-2', '05557654321', '1'))).status).toBe(200);
    const opened = await crm.waitFor((p) => p.startsWith('/new?') || p.startsWith('/card?'), 15_000, from);
    expect(opened.path).toMatch(/^\/new\?phone=/);
  }, 120_000);

  it("the Admin section shows the source, its failure in the CRM's words, and Sync now brings it back", async () => {
    const page = await openOptions(browser.context, browser.extensionId);
    await page.locator('#admin-token').fill(relayConfig.adminToken);
    await page.locator('#admin-connect').click();
    const row = page.locator('[data-testid=admin-source-row][data-source="crm"]');
    await row.waitFor();
    expect(await row.getAttribute('data-ok')).toBe('true');
    expect(await row.textContent()).toContain('sql');

    // The table disappears under the relay: the next poll fails, the row says so and why.
    await db.query('ALTER TABLE crm_contacts RENAME TO crm_contacts_moved');
    await row.getByTestId('admin-source-sync').click();
    await page.locator('[data-testid=admin-source-row][data-source="crm"][data-ok="false"]').waitFor();
    expect(await row.getByTestId('admin-source-error').textContent()).toMatch(/crm_contacts/);
    // The company the source had is still in service for the next pop.
    expect(await cached('C-1')).toBeDefined();

    await db.query('ALTER TABLE crm_contacts_moved RENAME TO crm_contacts');
    await row.getByTestId('admin-source-sync').click();
    await page.locator('[data-testid=admin-source-row][data-source="crm"][data-ok="true"]').waitFor();
    expect(
      await row.getByTestId('admin-source-error').count(),
      'an old error is not shown once it works',
    ).toBe(0);
    mkdirSync('test-results/screenshots', { recursive: true });
    await page
      .getByTestId('admin-contact-sources')
      .screenshot({ path: 'test-results/screenshots/admin-contact-sources.png' });
  }, 60_000);
});
