// Contacts from PostgreSQL into the relay: a table of N contacts (made by generate_series, each
// with two numbers, every tenth a company), a relay process with a `sql` source on it, and the
// time until the source reports all N, the relay's RSS then, and after a browser-like client walked
// the whole feed. Then one row is updated and the time until the feed serves it is measured.
// Run: npm run bench:contacts:pg   (PG_SIZES=100000,1000000; PG_TEST_URL for another server)
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPostgresDatabase,
  dropPostgresDatabase,
  PG_ADMIN_URL,
  testDatabaseName,
  urlFor,
} from '../../test/integration/helpers/sqlDatabases.ts';
import { rssOf } from '../relay/servers.ts';
import { startRelayProcess } from '../relayProcess.ts';

const SIZES = (process.env.PG_SIZES ?? '100000').split(',').map(Number);
const TOKEN = 'bench-agent-token-0123456789';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function run(size: number): Promise<string> {
  const database = testDatabaseName();
  const db = await createPostgresDatabase(database);
  const dir = mkdtempSync(join(tmpdir(), 'bench-pg-'));
  try {
    await db.query(`CREATE TABLE crm_contacts AS
      SELECT 'x' || g AS id,
             CASE WHEN g % 10 = 0 THEN 'company' ELSE 'person' END AS kind,
             'Contact ' || g AS name,
             CASE WHEN g % 10 = 0 THEN NULL ELSE 'x' || (g - g % 10) END AS company_id,
             NULL::text AS company,
             'agent' || (g % 50) AS owner,
             now() - (g || ' seconds')::interval AS updated_at,
             '0532' || lpad((1000000 + g)::text, 7, '0') AS phone_mobile,
             '0212' || lpad((2000000 + g)::text, 7, '0') AS phone_work
      FROM generate_series(1, ${size}) g`);
    await db.query('CREATE INDEX ON crm_contacts (updated_at, id)');
    const config = {
      listen: { host: '127.0.0.1', port: 0 },
      pbx: { secret: 'bench-pbx-secret-0123456789' },
      adminToken: 'bench-admin-token-0123456789',
      agents: [{ user: 'a', name: 'A', extensions: ['100'], agentIds: [], token: TOKEN }],
      contacts: {
        sources: [
          {
            name: 'crm',
            kind: 'sql',
            url: urlFor(PG_ADMIN_URL, database),
            query: 'SELECT * FROM crm_contacts',
            intervalSeconds: 2,
            statementTimeoutMs: 120_000,
          },
        ],
      },
    };
    const started = Date.now();
    const { url, child } = await startRelayProcess(dir, config);
    const pid = child.pid as number;
    await waitFor(
      'all contacts in the source',
      async () => {
        const ready = (await (await fetch(`${url}/readyz`)).json()) as {
          contactSources?: { contacts: number }[];
        };
        return ready.contactSources?.[0]?.contacts === size ? true : undefined;
      },
      600_000,
    );
    const loadedS = (Date.now() - started) / 1000;
    const rssLoaded = rssOf([pid]) / 1024;
    // A browser's first sync: the whole feed, 5,000 a page.
    let after = '';
    let walked = 0;
    let peak = rssLoaded;
    const walkStart = Date.now();
    for (;;) {
      const res = await fetch(`${url}/v1/contacts?after=${encodeURIComponent(after)}&limit=5000`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const page = (await res.json()) as { contacts: unknown[]; cursor: string; done: boolean };
      walked += page.contacts.length;
      after = page.cursor;
      peak = Math.max(peak, rssOf([pid]) / 1024);
      if (page.done) break;
    }
    const walkS = (Date.now() - walkStart) / 1000;
    // One row changed in the CRM → served by the feed.
    const changed = Date.now();
    await db.query(
      `UPDATE crm_contacts SET phone_mobile = '05559998877', updated_at = now() WHERE id = 'x7'`,
    );
    await waitFor(
      'the change in the feed',
      async () => {
        const res = await fetch(`${url}/v1/contacts?after=${encodeURIComponent(after)}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        const page = (await res.json()) as { contacts: { id: string }[] };
        return page.contacts.some((c) => c.id === 'x7') ? true : undefined;
      },
      60_000,
    );
    const changeS = (Date.now() - changed) / 1000;
    child.kill('SIGTERM');
    await once(child, 'exit');
    // A restart: the browser's cursor must stay valid (no reset, no second download).
    const restarted = Date.now();
    const again = await startRelayProcess(dir, config);
    const res = await fetch(`${again.url}/v1/contacts?after=${encodeURIComponent(after)}&limit=5000`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const resumed = (await res.json()) as { reset?: boolean; contacts: unknown[]; total: number };
    const restartS = (Date.now() - restarted) / 1000;
    const rssRestarted = rssOf([again.child.pid as number]) / 1024;
    again.child.kill('SIGTERM');
    await once(again.child, 'exit');
    const kept = resumed.reset
      ? 'RESET'
      : `kept (${resumed.contacts.length} to fetch, ${resumed.total.toLocaleString('en')} served) in ${restartS.toFixed(1)} s, RSS ${rssRestarted.toFixed(0)} MiB`;
    return `| ${size.toLocaleString('en')} | ${loadedS.toFixed(1)} s | ${rssLoaded.toFixed(0)} MiB | ${walked.toLocaleString('en')} in ${walkS.toFixed(1)} s, peak ${peak.toFixed(0)} MiB | ${changeS.toFixed(1)} s | ${kept} |`;
  } finally {
    await db.end().catch(() => {});
    await dropPostgresDatabase(database).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: string[] = [];
for (const size of SIZES) {
  const row = await run(size);
  console.log(row);
  rows.push(row);
}
console.log(
  `\n| contacts | relay start → all loaded | RSS loaded | full feed walk (5,000/page) | row updated → in the feed (2 s interval) | relay restarted: the browser's cursor |\n|---|---|---|---|---|---|\n${rows.join('\n')}`,
);
