// A bounded fuzz run against a real relay process (embedded SQLite store): at least 10,000 mutated
// bodies, queries and content types across every PBX route. The relay must answer each with a
// status below 500, give a reason with every 4xx, stay up, and not grow its memory for good.
// SCREENPOP_FUZZ_SEED replays a run (the seed is printed on failure); SCREENPOP_FUZZ_COUNT scales it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AYSE_TOKEN, SECRET } from '../unit/relay/helpers.ts';
import { type RelayProcess, Relays } from './helpers/relayProcess.ts';

const COUNT = Number(process.env.SCREENPOP_FUZZ_COUNT ?? 10_000);
const SEED = Number(process.env.SCREENPOP_FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 16;
const fixture = (name: string) => readFileSync(resolve('test/fixtures/pbx', name), 'utf8');

/** mulberry32: small, fast, and the same sequence for the same seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seed {
  method: 'GET' | 'POST';
  path: string;
  type?: string;
  body?: string;
  query?: string;
  auth: 'pbx' | 'agent' | 'body';
}

const JSON_T = 'application/json';
const FORM_T = 'application/x-www-form-urlencoded';
const XML_T = 'application/xml';
const uis = JSON.parse(fixture('uis-answered.json'));
const journal = JSON.parse(fixture('threecx-journal.json')).inboundAnswered;

const SEEDS: Seed[] = [
  {
    method: 'POST',
    path: '/logocrm/Default.aspx/IPS_callAnswered',
    type: JSON_T,
    auth: 'pbx',
    body: JSON.stringify({
      callUniqueId: 'F1',
      extension: '911',
      agentId: '911',
      callerId: '05334979714',
      keypress: '1',
    }),
  },
  {
    method: 'POST',
    path: '/v1/calls',
    type: JSON_T,
    auth: 'pbx',
    body: JSON.stringify({
      callId: 'g1',
      state: 'answered',
      extension: '911',
      callerId: '+90 533 497 97 14',
      agentId: '911',
      keypress: '2',
      direction: 'inbound',
    }),
  },
  {
    method: 'POST',
    path: '/v1/pbx/netsantral',
    type: FORM_T,
    auth: 'pbx',
    body: fixture('netsantral.form.txt').trim(),
  },
  { method: 'POST', path: '/v1/pbx/netsantral', type: JSON_T, auth: 'pbx', body: fixture('netsantral.json') },
  { method: 'POST', path: '/v1/pbx/netsantral', type: XML_T, auth: 'pbx', body: fixture('netsantral.xml') },
  { method: 'GET', path: '/v1/pbx/netsantral', auth: 'pbx', query: fixture('netsantral.form.txt').trim() },
  { method: 'POST', path: '/v1/pbx/uis', type: JSON_T, auth: 'pbx', body: JSON.stringify(uis) },
  {
    method: 'POST',
    path: '/v1/pbx/vtiger/processcdr',
    type: FORM_T,
    auth: 'body',
    body: `${fixture('vtiger-processcdr.query.txt').trim()}&secretkey=${SECRET}`,
  },
  {
    method: 'GET',
    path: '/v1/pbx/vtiger/processcdr',
    auth: 'pbx',
    query: fixture('vtiger-processcdr.query.txt').trim(),
  },
  {
    method: 'GET',
    path: '/v1/pbx/vtiger/searchpbx',
    auth: 'pbx',
    query: 'number=09138086200&module=Contacts',
  },
  { method: 'GET', path: '/v1/pbx/vtiger/lookup', auth: 'agent', query: 'number=09138086200' },
  { method: 'GET', path: '/v1/lookup', auth: 'pbx', query: 'number=05334979714' },
  {
    method: 'POST',
    path: '/v1/pbx/journal',
    type: JSON_T,
    auth: 'pbx',
    body: JSON.stringify({ ...journal, from: '05334979714', to: '911', duration: '00:01:05', call_id: 'J1' }),
  },
];

const NASTY = [
  '\u0000',
  '\u2028',
  '\u202e',
  '\ufeff',
  '\u3000',
  '\u00a0',
  '\n',
  '\r\n',
  '\t',
  '"',
  "'",
  '\\',
  '<',
  '>',
  '&',
  '%',
  '%ZZ',
  '%00',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '=',
  '+',
  '$&',
  "$'",
  '${name}',
  '{name}',
  '\ud800',
  '😀',
  '<!DOCTYPE x [<!ENTITY e "boom">]>',
  '&e;',
  '&#0;',
  '<![CDATA[x]]>',
  '__proto__',
  'constructor',
  '1e309',
  '-0',
  '9007199254740993',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
];
const VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -9007199254740993,
  '',
  ' ',
  'x'.repeat(5000),
  [],
  {},
  [[[[[]]]]],
  { $gt: '' },
  '0533\n4979714',
  '+90 533 497 97 14\u2028',
  'Ayşe\u202e',
  '\u0007',
  '=cmd|x',
  '05334979714',
];

function mutate(seed: Seed, rnd: () => number): { body?: string; query?: string; type?: string } {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)] as T;
  let body = seed.body;
  let query = seed.query;
  let type = seed.type;
  const rounds = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < rounds; i++) {
    const target = body !== undefined && (query === undefined || rnd() < 0.8) ? 'body' : 'query';
    let text = (target === 'body' ? body : query) ?? '';
    switch (Math.floor(rnd() * 9)) {
      case 0: {
        // Insert something nasty at a random place.
        const at = Math.floor(rnd() * (text.length + 1));
        text = text.slice(0, at) + pick(NASTY) + text.slice(at);
        break;
      }
      case 1:
        text = text.slice(0, Math.floor(rnd() * text.length));
        break;
      case 2: {
        // Flip one character to a random code unit.
        const at = Math.floor(rnd() * text.length);
        text = text.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0xffff)) + text.slice(at + 1);
        break;
      }
      case 3:
        if (type === JSON_T || (target === 'body' && text.startsWith('{'))) {
          try {
            const o = JSON.parse(text) as Record<string, unknown>;
            const keys = Object.keys(o);
            o[rnd() < 0.8 && keys.length ? pick(keys) : pick(['extra', '__proto__', 'callerId', 'state'])] =
              pick(VALUES);
            text = JSON.stringify(o);
          } catch {
            text += pick(NASTY);
          }
        } else {
          const parts = text.split('&');
          const at = Math.floor(rnd() * parts.length);
          const key = (parts[at] ?? 'x').split('=')[0];
          parts[at] = `${key}=${encodeURIComponent(String(pick(VALUES)))}`;
          text = parts.join('&');
        }
        break;
      case 4:
        // Repeat a field or a chunk.
        text = text + (type === FORM_T || target === 'query' ? `&${text.split('&')[0]}` : text.slice(0, 40));
        break;
      case 5:
        type = pick([
          JSON_T,
          FORM_T,
          XML_T,
          'text/plain',
          'multipart/form-data; boundary=x',
          `${JSON_T}; charset=latin1`,
          'application/json; charset=utf-16',
          undefined,
        ]);
        break;
      case 6:
        // Deep nesting within the body limit.
        text = `${'['.repeat(2000)}${']'.repeat(rnd() < 0.5 ? 2000 : 10)}`;
        break;
      case 7:
        text = text.replace(/\d/g, () => String.fromCharCode(48 + Math.floor(rnd() * 75)));
        break;
      default:
        text = Array.from({ length: Math.floor(rnd() * 200) }, () =>
          String.fromCharCode(Math.floor(rnd() * 256)),
        ).join('');
    }
    if (target === 'body') body = text;
    else query = text;
  }
  return { body, query, type };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const relays = new Relays();
let relay: RelayProcess;

beforeAll(async () => {
  relay = await relays.start({
    config: {
      store: { kind: 'sqlite' },
      // The fuzzer is one client posting as fast as it can; the limits are tested elsewhere.
      pbx: { secret: SECRET, ratePerMinute: 1_000_000 },
      limits: { failedAuthPerAddressPerMinute: 100_000, failedAuthPerMinute: 1_000_000 },
      contacts: { file: resolve('test/fixtures/pbx/contacts.csv') },
    },
  });
});
afterAll(() => relays.stopAll());

describe('fuzzed PBX requests', () => {
  it(`${COUNT} mutated requests: no 5xx, a reason on every 4xx, relay up, memory flat`, async () => {
    const rnd = random(SEED);
    const pid = relay.child.pid as number;
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let startRss = 0;
    let next = 0;
    const started = Date.now();

    const one = async (n: number) => {
      const seed = SEEDS[n % SEEDS.length] as Seed;
      // One in ten keeps its seed input, so valid requests are mixed in (and get stored).
      const input = rnd() < 0.1 ? { body: seed.body, query: seed.query, type: seed.type } : mutate(seed, rnd);
      const headers: Record<string, string> = {};
      if (input.type) headers['content-type'] = input.type;
      if (seed.auth === 'pbx')
        headers.authorization = `Bearer ${rnd() < 0.03 ? 'wrong-secret-0123456789' : SECRET}`;
      if (seed.auth === 'agent') headers.authorization = `Bearer ${AYSE_TOKEN}`;
      let url = `${relay.url}${seed.path}`;
      if (input.query !== undefined) url += `?${input.query}`;
      let status = 0;
      let text = '';
      try {
        const res = await fetch(url, {
          method: seed.method,
          headers,
          body: seed.method === 'POST' ? input.body : undefined,
        });
        status = res.status;
        text = await res.text();
      } catch (error) {
        // A URL the client itself refuses (e.g. a lone surrogate) never reached the relay.
        if (error instanceof TypeError && /Invalid URL|ByteString|URI/i.test(error.message)) return;
        problems.push(`${seed.method} ${seed.path}: request failed: ${(error as Error).message}`);
        return;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const sample = () => `${seed.method} ${seed.path} ${JSON.stringify(input).slice(0, 300)}`;
      if (status >= 500) problems.push(`${status} for ${sample()}: ${text.slice(0, 200)}`);
      if (status >= 400 && status < 500) {
        let reason: unknown;
        try {
          reason = (JSON.parse(text) as { reason?: unknown }).reason;
        } catch {}
        if (typeof reason !== 'string' || !reason.trim())
          problems.push(`${status} without a reason for ${sample()}: ${text.slice(0, 200)}`);
      }
    };

    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < COUNT) {
          const n = next++;
          if (n === 500) startRss = rssMb(pid);
          await one(n);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const endRss = rssMb(pid);
    const summary = `seed ${SEED}: ${COUNT} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; RSS ${startRss.toFixed(0)} → ${endRss.toFixed(0)} MB`;
    console.log(`fuzz: ${summary}`);
    expect(problems.slice(0, 10), summary).toEqual([]);
    expect(relay.child.exitCode, 'relay still running').toBeNull();
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
    expect(endRss - startRss, `RSS growth (${summary})`).toBeLessThan(50);
    // Valid requests were in the mix and went through.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(COUNT / 20);
  }, 90_000);
});
