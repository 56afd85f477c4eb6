// Text that looks harmless but is not: caller ids with characters `\s` used to let in, names with
// controls, separators and bidirectional overrides, and replacement patterns in the greeting.
import { afterEach, describe, expect, it } from 'vitest';
import { parseContacts } from '../../../relay/contacts/contactsCsv.ts';
import { parseContactsJson } from '../../../relay/contacts/contactsJson.ts';
import { genericAdapter } from '../../../relay/ingest/adapters/generic.ts';
import { netsantralAnswer } from '../../../relay/ingest/adapters/netsantral.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { parseAgentFields } from '../../../shared/agentMapping.ts';
import { AUTH, pbxApp } from '../../fixtures/pbx/pbxApp.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, testConfig } from './helpers.ts';

/** Whitespace other than a plain space, each of which `\s` matches. */
const NOT_A_SPACE: [string, string][] = [
  ['LF', '\n'],
  ['CR', '\r'],
  ['TAB', '\t'],
  ['U+2028 line separator', '\u2028'],
  ['U+FEFF zero-width no-break space', '\uFEFF'],
  ['U+3000 ideographic space', '\u3000'],
  ['U+00A0 no-break space', '\u00A0'],
];

/** What no name may hold: C0, DEL, C1, line/paragraph separators, bidi overrides and isolates. */
const UNSAFE_IN_NAMES: [string, string][] = [
  ['U+0001', '\u0001'],
  ['LF', '\n'],
  ['DEL', '\u007f'],
  ['U+0085 next line (C1)', '\u0085'],
  ['U+009B CSI (C1)', '\u009b'],
  ['U+2028 line separator', '\u2028'],
  ['U+2029 paragraph separator', '\u2029'],
  ...['202A', '202B', '202C', '202D', '202E', '2066', '2067', '2068', '2069'].map((hex): [string, string] => [
    `U+${hex} bidi`,
    String.fromCharCode(Number.parseInt(hex, 16)),
  ]),
];

let relay: ReturnType<typeof pbxApp> | null = null;
afterEach(async () => {
  await relay?.close();
  relay = null;
});

describe('callerId allows a plain space only', () => {
  it.each(NOT_A_SPACE)('refuses %s inside callerId and dialed, naming the field', async (_name, ch) => {
    relay = pbxApp();
    for (const field of ['callerId', 'dialed']) {
      const payload = {
        callId: 'c1',
        state: 'ringing',
        extension: '911',
        callerId: '0533 497',
        [field]: `0533${ch}497`,
      };
      const res = await relay.app.inject({ method: 'POST', url: '/v1/calls', headers: AUTH, payload });
      expect(res.statusCode, field).toBe(400);
      expect(res.json(), field).toMatchObject({
        field,
        reason: expect.stringContaining(`${field} may contain only`),
      });
    }
    expect(await relay.stored('911')).toEqual([]);
  });

  it('accepts plain spaces and the usual punctuation', () => {
    const result = genericAdapter({
      callId: 'c',
      state: 'ringing',
      extension: '911',
      callerId: '+90 (533) 497-97.14',
    });
    expect(result.ok).toBe(true);
  });

  it.each(NOT_A_SPACE)('refuses %s in the contact lookup phone, naming it', async (_name, ch) => {
    relay = pbxApp({}, { contacts: true });
    const phone = encodeURIComponent(`0533${ch}4979714`);
    const res = await relay.app.inject({
      method: 'GET',
      url: `/v1/contacts/lookup?phone=${phone}`,
      headers: { authorization: `Bearer ${AYSE_TOKEN}` },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      field: 'phone',
      reason: expect.stringMatching(/^phone must be a phone number/),
    });
  });
});

describe('names refuse controls, separators and bidi overrides', () => {
  it.each(UNSAFE_IN_NAMES)(
    'the admin API refuses %s in an agent name and a token label',
    async (_name, ch) => {
      const app = buildApp({ config: testConfig(), logger: false });
      const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
      try {
        const add = await app.inject({
          method: 'POST',
          url: '/v1/admin/agents',
          headers,
          payload: { user: 'zeynep', name: `Zeynep${ch}Kaya`, extensions: ['913'] },
        });
        expect(add.statusCode).toBe(400);
        expect(add.json()).toMatchObject({
          field: 'name',
          reason: expect.stringMatching(/^name must not contain/),
        });
        const token = await app.inject({
          method: 'POST',
          url: '/v1/admin/agents/ayse/tokens',
          headers,
          payload: { label: `desk${ch}12` },
        });
        expect(token.statusCode).toBe(400);
        expect(token.json()).toMatchObject({ field: 'label' });
      } finally {
        await app.close();
      }
    },
  );

  it('says which characters are meant', () => {
    expect(() => parseAgentFields({ user: 'x', name: 'evil\u202Etxt.exe', extensions: ['1'] })).toThrow(
      'name must not contain control characters, line separators or bidirectional overrides',
    );
  });

  it.each(UNSAFE_IN_NAMES)(
    'contacts files skip a row with %s in name, company or owner, naming the field',
    (_name, ch) => {
      // A CSV line break would split the row, so LF and CR are tried in the JSON file only.
      const csvSafe = ch !== '\n';
      for (const column of ['name', 'company', 'owner']) {
        const row = {
          id: 'P-1',
          kind: 'person',
          name: 'Ayşe',
          company: 'Acme',
          owner: 'ayse',
          phones: ['0533 497 97 14'],
        };
        const bad = { ...row, [column]: `A${ch}B` };
        const json = parseContactsJson(JSON.stringify([bad]));
        expect(json.contacts, column).toEqual([]);
        expect(json.problems[0]?.reason, column).toMatch(new RegExp(`\\b${column} must not contain`));
        if (!csvSafe) continue;
        const csv = parseContacts(
          `id,kind,name,company,owner,phones\n${bad.id},${bad.kind},"${bad.name}","${bad.company}","${bad.owner}",${bad.phones[0]}\n`,
        );
        expect(csv.contacts, column).toEqual([]);
        expect(csv.problems, column).toEqual([
          { line: 2, reason: expect.stringMatching(new RegExp(`\\b${column} must not contain`)) },
        ]);
      }
    },
  );

  it('keeps names in other scripts and with ordinary punctuation', () => {
    const json = parseContactsJson(
      JSON.stringify([
        { id: 'P-1', kind: 'person', name: 'Öztürk, Kemal — «Ege» شركة 株式会社', phones: [] },
      ]),
    );
    expect(json.problems).toEqual([]);
  });
});

describe('the Netsantral greeting', () => {
  it.each([
    ["$' x", "Sayın $' x, hoş geldiniz"],
    ['$&', 'Sayın $&, hoş geldiniz'],
    ['$1', 'Sayın $1, hoş geldiniz'],
    ['$$ and $`', 'Sayın $$ and $`, hoş geldiniz'],
  ])('reads a contact named %s as written', (contactName, expected) => {
    const answer = netsantralAnswer({
      defaultResult: '1',
      contactName,
      greeting: 'Sayın {name}, hoş geldiniz',
    });
    expect(answer.data).toBe(expected);
  });
});
