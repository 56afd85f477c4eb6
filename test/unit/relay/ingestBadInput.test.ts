import { afterEach, describe, expect, it } from 'vitest';
import { decodeBody, parseFields, parseForm, parseXml } from '../../../relay/ingest/bodyParsers.ts';
import { AUTH, fixture, pbxApp } from '../../fixtures/pbx/pbxApp.ts';
import { LOGO_SAMPLE, SECRET } from './helpers.ts';

const PATH = '/v1/pbx/netsantral';
const GOOD = fixture('netsantral.json');

let current: ReturnType<typeof pbxApp> | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

function setup() {
  current = pbxApp({ pbx: { secret: SECRET, netsantral: { extension: '911' } } });
  return current;
}

const post = (
  app: ReturnType<typeof pbxApp>['app'],
  payload: string | Buffer,
  headers: Record<string, string> = {},
) => app.inject({ method: 'POST', url: PATH, headers: { ...AUTH, ...headers }, payload });

describe('bad input on the PBX routes', () => {
  it.each([
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {}, 400, 'body is not valid UTF-8'],
    ['binary data', Buffer.from('arayan_no=1\u0000\u0001&arama_id=2'), {}, 400, /binary data/],
    [
      'an ISO-8859-9 charset',
      GOOD,
      { 'content-type': 'application/json; charset=iso-8859-9' },
      415,
      /charset iso-8859-9/,
    ],
    ['multipart', GOOD, { 'content-type': 'multipart/form-data; boundary=x' }, 415, /multipart/],
    ['unclosed XML', '<request><arayan_no>1</arayan_no>', {}, 400, /well-formed XML/],
    ['nested XML', '<r><call><arama_id>1</arama_id></call></r>', {}, 400, /not flat/],
    [
      'XML with a DOCTYPE',
      '<!DOCTYPE r [<!ENTITY x "y">]><r><arama_id>&x;</arama_id></r>',
      {},
      400,
      /DOCTYPE/,
    ],
    ['XML with an unknown entity', '<r><arama_id>&nbsp;</arama_id></r>', {}, 400, /entity/],
    ['XML in another encoding', '<?xml version="1.0" encoding="windows-1254"?><r/>', {}, 415, /windows-1254/],
    ['a bad %-escape in form data', 'arayan_no=%E0%A4%A&arama_id=1', {}, 400, /malformed %-escape/],
    ['a form field given twice', 'arama_id=1&arama_id=2', {}, 400, /twice/],
    ['text that is no format', 'hello there', {}, 400, /neither JSON, XML nor form/],
    ['malformed JSON', '{"arama_id": "1', {}, 400, 'body is not valid JSON'],
    ['a JSON array', '[1,2]', {}, 400, 'body must be a JSON object'],
  ])('refuses %s with a reason', async (_name, payload, headers, status, reason) => {
    const { app, stored } = setup();
    const res = await post(app, payload, headers as Record<string, string>);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ status: 'error', reason: expect.stringMatching(reason) });
    expect(await stored('911')).toEqual([]);
  });

  it.each([
    [
      'an object for the call id',
      { arama_id: { id: 1 } },
      'arama_id',
      'arama_id must be a string or a number',
    ],
    ['a list for the caller', { arayan_no: ['1'] }, 'arayan_no', 'arayan_no must be a string or a number'],
    ['a boolean key press', { tus_bilgisi: true }, 'tus_bilgisi', 'tus_bilgisi must be a string or a number'],
    [
      'a huge call id',
      { arama_id: 'x'.repeat(5000) },
      'arama_id',
      /too long \(5000 characters, at most 64\)/,
    ],
    ['a huge caller number', { arayan_no: '5'.repeat(100) }, 'arayan_no', /too long/],
    ['a number that is not finite', { arama_id: 1e400 }, 'arama_id', /string or a number/],
  ])('refuses %s, naming the field', async (_name, override, field, reason) => {
    const { app } = setup();
    const body = JSON.stringify({ ...JSON.parse(GOOD), ...override }).replace(
      '"arama_id":null',
      '"arama_id":1e400',
    );
    const res = await post(app, body, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 'error', field, reason: expect.stringMatching(reason) });
  });

  it('answers 413 in the PBX’s format for a body over 64 KiB, and counts it', async () => {
    const { app, rejects } = setup();
    const res = await post(app, JSON.stringify({ ...JSON.parse(GOOD), pad: 'x'.repeat(65 * 1024) }));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      status: 'error',
      error: 'payload-too-large',
      reason: 'body is larger than 65536 bytes',
    });
    expect(await rejects('too-large')).toBe(1);
  });

  it('refuses a malformed query string', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'GET', url: `${PATH}?token=${SECRET}&arama_id=%ZZ` });
    expect(res.statusCode).toBe(400);
    expect(res.json().reason).toMatch(/query string is not valid form data/);
  });

  it('counts every refusal by reason and keeps serving', async () => {
    const { app, rejects, stored } = setup();
    await post(app, Buffer.from([0xc3, 0x28]));
    await post(app, '<r><a><b/></a></r>');
    await post(app, 'x'.repeat(70 * 1024));
    await post(app, GOOD, { 'content-type': 'multipart/form-data; boundary=z' });
    await app.inject({
      method: 'POST',
      url: '/Default.aspx/IPS_callAnswered',
      headers: AUTH,
      payload: JSON.stringify({ ...LOGO_SAMPLE, extension: 'x'.repeat(1000) }),
    });
    expect(await rejects('bad-encoding')).toBe(1);
    expect(await rejects('bad-request')).toBe(2);
    expect(await rejects('too-large')).toBe(1);
    expect(await rejects('unsupported-media-type')).toBe(1);
    expect((await post(app, GOOD)).statusCode).toBe(200);
    expect(await stored('911')).toHaveLength(1);
  });
});

describe('body parsers', () => {
  it('reads flat XML with entities, CDATA, attributes and empty elements', () => {
    const xml =
      '<?xml version="1.0"?><!-- netsantral --><call v="1"><a>x &amp; y &#246;&#x131;</a><b><![CDATA[<raw>]]></b><c/></call>';
    expect(parseXml(xml)).toEqual({ ok: true, value: { a: 'x & y öı', b: '<raw>', c: '' } });
  });

  it('reads pretty-printed XML and keeps CDATA as written, entities and all', () => {
    const xml = '<call>\n  <a> 1 </a>\n  <b><![CDATA[a &amp; <b>]]></b>\n</call>\n';
    expect(parseXml(xml)).toEqual({ ok: true, value: { a: '1', b: 'a &amp; <b>' } });
    expect(parseXml('<call/>')).toEqual({ ok: true, value: {} });
  });

  it.each([
    ['a field given twice', '<r><a>1</a><a>2</a></r>', /field a twice/],
    ['two root elements', '<r><a>1</a></r><s/>', /one root element/],
    ['text beside the fields', '<r><a>1</a>loose</r>', /not flat/],
    ['a field named __proto__', '<r><__proto__>1</__proto__></r>', /well-formed XML/],
    ['a bare ampersand', '<r><a>a & b</a></r>', /well-formed XML/],
    [
      'a billion-laughs DTD',
      '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><l>&b;</l>',
      /DOCTYPE/,
    ],
    ['an internal entity reference', '<r><a>&lol;</a></r>', /entity/],
  ])('refuses XML with %s', (_name, xml, reason) => {
    const result = parseXml(xml);
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('keeps a leading + in form values (an unencoded E.164 number) and decodes other + as spaces', () => {
    expect(parseForm('phone=+905334979714&name=Ay%C5%9Fe+Demir')).toEqual({
      ok: true,
      value: { phone: '+905334979714', name: 'Ayşe Demir' },
    });
  });

  it('recognises the format from the text, not the content type', () => {
    expect(parseFields(' {"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseFields('<r><a>1</a></r>')).toEqual({ ok: true, value: { a: '1' } });
    expect(parseFields('a=1')).toEqual({ ok: true, value: { a: '1' } });
  });

  it('strips a BOM and accepts UTF-8 and ASCII charsets', () => {
    expect(decodeBody(Buffer.from('\uFEFF{"a":1}'), 'application/json; charset=UTF-8')).toEqual({
      ok: true,
      value: '{"a":1}',
    });
    expect(decodeBody(Buffer.from('a=1'), 'text/plain; charset="us-ascii"').ok).toBe(true);
    expect(decodeBody(undefined, undefined)).toEqual({ ok: true, value: '' });
  });
});
