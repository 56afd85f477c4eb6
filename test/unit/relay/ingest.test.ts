import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../relay/server/app.ts';
import { MemoryEventLog } from '../../../relay/store/eventLog.ts';
import { fakeClock, LOGO_SAMPLE, SECRET, testConfig } from './helpers.ts';

function setup() {
  const clock = fakeClock();
  const eventLog = new MemoryEventLog({ capacityPerKey: 100, epoch: 'test' });
  const app = buildApp({ config: testConfig(), logger: false, clock, eventLog });
  const auth = { authorization: `Bearer ${SECRET}` };
  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { ...auth, ...headers } });
  const stored = () => eventLog.readAfter(['ext:911', 'ext:912'], 'test.0').events;
  return { app, clock, eventLog, post, stored };
}

const LOGO = JSON.stringify(LOGO_SAMPLE);

describe('POST …/Default.aspx/IPS_callAnswered', () => {
  it('stores the call and answers with its id and the `d` an ASP.NET caller expects', async () => {
    const { post, stored } = setup();
    const res = await post('/logocrm/Default.aspx/IPS_callAnswered', LOGO, {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, id: 'test.1', d: 'OK' });
    // toMatchObject: the pipeline may add what it knows (answeredBy); the adapter's fields are fixed.
    expect(stored()).toMatchObject([
      {
        id: 'test.1',
        callId: 'A000001',
        state: 'answered',
        extension: '911',
        agentId: '911',
        callerId: '05334979714',
        keypress: '1',
        direction: 'inbound',
        at: '2024-05-27T09:35:00.000Z',
        source: 'logo',
      },
    ]);
  });

  it('works under any prefix, including none', async () => {
    const { post } = setup();
    for (const url of [
      '/Default.aspx/IPS_callAnswered',
      '/logocrm/Default.aspx/IPS_callAnswered',
      '/a/b/c/Default.aspx/IPS_callAnswered',
    ])
      expect((await post(url, LOGO)).statusCode, url).toBe(200);
  });

  it('parses JSON whatever the content type says, and tolerates a BOM', async () => {
    const { post, stored } = setup();
    // Distinct call ids: the same call posted twice is a retry, which the pipeline folds into one.
    const call = (n: number) => JSON.stringify({ ...LOGO_SAMPLE, callUniqueId: `A00000${n}` });
    for (const [n, contentType] of [
      'text/plain',
      'application/json; charset=utf-8',
      'application/x-www-form-urlencoded',
    ].entries())
      expect(
        (await post('/Default.aspx/IPS_callAnswered', call(n), { 'content-type': contentType })).statusCode,
      ).toBe(200);
    expect((await post('/Default.aspx/IPS_callAnswered', `\uFEFF${call(9)}`)).statusCode).toBe(200);
    expect(stored()).toHaveLength(4);
  });

  it('answers 400 naming the field at fault, and stores nothing', async () => {
    const { post, stored } = setup();
    const res = await post(
      '/Default.aspx/IPS_callAnswered',
      JSON.stringify({ ...LOGO_SAMPLE, callerId: { n: 1 } }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'bad-request',
      reason: 'callerId must be a string or a number',
      field: 'callerId',
    });
    expect(stored()).toEqual([]);
  });

  it('answers 400 for malformed or empty JSON', async () => {
    const { post } = setup();
    const bad = await post('/Default.aspx/IPS_callAnswered', '{"callUniqueId": "A0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'bad-request', reason: 'body is not valid JSON' });
    expect((await post('/Default.aspx/IPS_callAnswered', '')).json()).toMatchObject({ error: 'bad-request' });
  });

  it('answers 413 with a JSON reason for a body over 64 KiB', async () => {
    const { post } = setup();
    const huge = JSON.stringify({ ...LOGO_SAMPLE, padding: 'x'.repeat(65 * 1024) });
    const res = await post('/Default.aspx/IPS_callAnswered', huge);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: 'payload-too-large', reason: 'body is larger than 65536 bytes' });
  });

  it('keeps answering normally after bad input', async () => {
    const { app, post } = setup();
    await post('/Default.aspx/IPS_callAnswered', 'x'.repeat(70 * 1024));
    await post('/Default.aspx/IPS_callAnswered', '{{{');
    await post('/Default.aspx/IPS_callAnswered', '[1,2,3]');
    await post(
      '/Default.aspx/IPS_callAnswered',
      JSON.stringify({ ...LOGO_SAMPLE, extension: 'x'.repeat(1000) }),
    );
    await app.inject({ method: 'GET', url: '/%E0%A4%A' });
    const res = await post('/Default.aspx/IPS_callAnswered', LOGO);
    expect(res.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
  });
});

describe('POST /v1/calls', () => {
  it('stores our own event format with the relay’s time and source', async () => {
    const { post, stored, clock } = setup();
    clock.advance(1000);
    const body = {
      callId: 'c-9',
      state: 'ringing',
      extension: '912',
      callerId: '+49 30 12345678',
      at: 'forged',
    };
    const res = await post('/v1/calls', JSON.stringify(body));
    expect(res.statusCode).toBe(200);
    expect(stored()).toEqual([
      expect.objectContaining({
        callId: 'c-9',
        state: 'ringing',
        at: '2024-05-27T09:35:01.000Z',
        source: 'generic',
      }),
    ]);
  });

  it('names the bad field', async () => {
    const { post } = setup();
    const res = await post(
      '/v1/calls',
      JSON.stringify({ callId: 'c-9', state: 'ringing', extension: '912' }),
    );
    expect(res.json()).toEqual({ error: 'bad-request', reason: 'callerId is required', field: 'callerId' });
  });
});

describe('unknown routes', () => {
  it('answer 404 in JSON without echoing the path', async () => {
    const { post, app } = setup();
    const res = await post(`/t/${SECRET}/nothing/here`, LOGO);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain(SECRET);
    expect((await app.inject({ method: 'GET', url: '/nope' })).json()).toEqual({
      error: 'not-found',
      reason: 'no such route',
    });
  });
});
