// A number two contacts share: the relay's lookup (what a PBX greets with, what
// /v1/contacts/lookup answers) and the extension's pop must put the same person first.
import { afterEach, expect, it } from 'vitest';
import { buildApp } from '../../../relay/server/app.ts';
import type { Contact, ContactLookup } from '../../../shared/contact.ts';
import { exactCandidates, rankCandidates } from '../../../shared/match.ts';
import { normalizePhone } from '../../../shared/phone.ts';
import { AYSE_TOKEN, tempDir, testConfig } from './helpers.ts';

// Kemal's row is older and comes first in the file; the company shares the number too.
const CSV = `id,kind,name,company_id,company,phones,owner,updated_at
C-1,company,Ege Turizm,,,0532 318 44 71,,2024-06-01T00:00:00Z
P-1,person,Kemal Öztürk,C-1,Ege Turizm,0532 318 44 71,,2024-01-01T00:00:00Z
P-2,person,Zeynep Kaya,C-1,Ege Turizm,+90 532 318 4471,,2024-05-01T00:00:00Z
`;

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

it('names the same contacts in the same order on the relay and in the extension', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const file = dir.write('contacts.csv', CSV);
  const app = buildApp({ config: testConfig({ contacts: { file } }), logger: false });
  const res = await app.inject({
    method: 'GET',
    url: '/v1/contacts/lookup?phone=05323184471',
    headers: { authorization: `Bearer ${AYSE_TOKEN}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  const relayOrder = (res.json() as ContactLookup).contacts.map((c: Contact) => c.id);

  const all = (res.json() as ContactLookup).contacts;
  const caller = normalizePhone('05323184471', 'TR');
  if (!caller) throw new Error('the test number must normalise');
  // The extension ranks what its cache finds; give it the contacts in file order.
  const byFile = [...all].sort((a, b) => a.id.localeCompare(b.id));
  const extensionOrder = rankCandidates(exactCandidates(caller, byFile, 'TR')).map((c) => c.contact.id);

  expect(relayOrder, 'the newest person first, the company last').toEqual(['P-2', 'P-1', 'C-1']);
  expect(extensionOrder, 'the pop ranks exactly as the relay does').toEqual(relayOrder);
  await app.close();
});
