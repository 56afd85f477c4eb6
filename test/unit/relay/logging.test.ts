import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../relay/http/logging.ts';
import { buildApp } from '../../../relay/server/app.ts';
import { AYSE_TOKEN, captureLog, LOGO_SAMPLE, SECRET, TestClient, testConfig } from './helpers.ts';

describe('log redaction', () => {
  it('removes the path secret and secret query values from URLs', () => {
    expect(redactUrl(`/t/${SECRET}/Default.aspx/IPS_callAnswered`)).toBe(
      '/t/[redacted]/Default.aspx/IPS_callAnswered',
    );
    expect(redactUrl(`/x?a=1&token=${SECRET}&b=2`)).toBe('/x?a=1&token=[redacted]&b=2');
    expect(redactUrl(`/x?TOKEN=${SECRET}`)).toBe('/x?TOKEN=[redacted]');
    expect(redactUrl('/v1/contacts?after=5')).toBe('/v1/contacts?after=5');
  });

  it('never writes the PBX secret or an agent token to the log, whatever the request', async () => {
    const log = captureLog();
    const app = buildApp({ config: testConfig(), logger: { stream: log.stream } });
    const payload = JSON.stringify(LOGO_SAMPLE);
    const wrong = `${SECRET}-typo`;
    await app.inject({ method: 'POST', url: `/t/${SECRET}/Default.aspx/IPS_callAnswered`, payload });
    await app.inject({ method: 'POST', url: `/t/${wrong}/Default.aspx/IPS_callAnswered`, payload });
    await app.inject({ method: 'POST', url: `/Default.aspx/IPS_callAnswered?token=${SECRET}`, payload });
    await app.inject({
      method: 'POST',
      url: '/Default.aspx/IPS_callAnswered',
      payload,
      headers: { authorization: `Bearer ${SECRET}` },
    });
    await app.inject({ method: 'POST', url: `/t/${SECRET}/v1/calls`, payload: 'x'.repeat(70 * 1024) });
    await app.inject({ method: 'GET', url: `/t/${SECRET}/unknown?token=${SECRET}` });
    await app.inject({ method: 'GET', url: `/t/${SECRET}/%E0%A4%A` });
    await app.inject({
      method: 'GET',
      url: '/v1/contacts',
      headers: { authorization: `Bearer ${AYSE_TOKEN}` },
    });

    // The WebSocket hello carries an agent token too.
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const client = new TestClient(`ws://127.0.0.1:${port}/v1/stream`);
    await client.opened();
    client.send({ type: 'hello', token: AYSE_TOKEN, after: '' });
    await client.nextOf('welcome');
    client.close();
    await client.closed;
    await app.close();

    const text = log.text();
    expect(text).toContain('/t/[redacted]/Default.aspx/IPS_callAnswered');
    expect(text).toContain('token=[redacted]');
    expect(text).toContain('"msg":"call accepted"');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(AYSE_TOKEN);
    for (const entry of log.entries()) expect(JSON.stringify(entry)).not.toMatch(/authorization/i);
  });
});
