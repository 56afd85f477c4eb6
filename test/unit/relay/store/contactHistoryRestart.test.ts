// In embedded (SQLite) mode the contact feed's rows and history survive a relay restart: a browser
// that synced before the restart gets only what changed since, not every contact again.
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../relay/server/app.ts';
import type { ContactPage } from '../../../../shared/contact.ts';
import { AYSE_TOKEN, fakeClock, tempDir, testConfig } from '../helpers.ts';

const HEADER = 'id,kind,name,company_id,company,phones,owner,updated_at';
const people = (ids: string[]) =>
  `${HEADER}\n${ids.map((id, i) => `${id},person,Person ${id},,,0533 000 ${String(i).padStart(4, '0')},,`).join('\n')}\n`;

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

let mtime = Date.now();
function write(dir: ReturnType<typeof tempDir>, content: string): string {
  const path = dir.write('contacts.csv', content);
  mtime += 10_000;
  utimesSync(path, new Date(mtime), new Date(mtime));
  return path;
}

async function startRelay(dir: ReturnType<typeof tempDir>, kind: 'sqlite' | 'memory') {
  const config = testConfig({ store: { kind }, contacts: { file: join(dir.dir, 'contacts.csv') } }, dir.dir);
  const app = buildApp({ config, logger: false, clock: fakeClock() });
  await app.ready();
  const page = async (after: string) => {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/contacts?after=${encodeURIComponent(after)}&limit=500`,
      headers: { authorization: `Bearer ${AYSE_TOKEN}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as ContactPage;
  };
  return { app, page };
}

describe('contact feed across a restart', () => {
  it('SQLite: a synced browser gets only the changes after the relay restarted', async () => {
    const dir = tempDir();
    dirs.push(dir);
    write(dir, people(['p1', 'p2', 'p3']));
    const first = await startRelay(dir, 'sqlite');
    const full = await first.page('');
    expect(full.contacts).toHaveLength(3);
    await first.app.close();

    const again = await startRelay(dir, 'sqlite');
    expect(await again.page(full.cursor)).toMatchObject({ contacts: [], deleted: [], done: true, total: 3 });
    await again.app.close();

    write(dir, people(['p1', 'p3', 'p4']));
    const third = await startRelay(dir, 'sqlite');
    const changes = await third.page(full.cursor);
    expect(changes.reset).toBeUndefined();
    expect(changes.contacts.map((c) => c.id)).toEqual(['p3', 'p4']);
    expect(changes.deleted).toEqual(['p2']);
    await third.app.close();
  });

  it('memory: the same cursor after a restart is answered with reset (a full sync)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    write(dir, people(['p1', 'p2']));
    const first = await startRelay(dir, 'memory');
    const full = await first.page('');
    await first.app.close();
    const again = await startRelay(dir, 'memory');
    expect((await again.page(full.cursor)).reset).toBe(true);
    await again.app.close();
  });
});
