// Behind a proxy that breaks WebSockets (TLS inspection does, often): the extension falls back to
// SSE, then long-poll, and every call still pops exactly once. A small HTTP proxy in front of a
// real relay answers every WebSocket upgrade with 403 and passes everything else through.
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logoCall } from '../fixtures/calls.ts';
import { type ExtensionBrowser, launchWithExtension } from './fixtures/browser.ts';
import { type FakeCrm, startFakeCrm } from './fixtures/fakeCrm.ts';
import { ask, importSettings, openOptions, postLogo, waitUntil } from './fixtures/pages.ts';
import { type RelayProcess, startRelay } from './fixtures/relayProcess.ts';
import { contactsCsv, extensionSettings, relayConfig, SECRET } from './scenario.ts';

interface BreakingProxy {
  url: string;
  upgradesRefused: number;
  /** Refuse SSE as well (502), and cut the SSE streams open now. */
  refuseSse(): void;
  close(): Promise<void>;
}

async function startBreakingProxy(target: string): Promise<BreakingProxy> {
  const to = new URL(target);
  let sseRefused = false;
  const sse = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    if (sseRefused && req.url?.startsWith('/v1/sse')) {
      res.writeHead(502).end('bad gateway');
      return;
    }
    const upstream = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    if (req.url?.startsWith('/v1/sse')) {
      sse.add(res);
      res.on('close', () => sse.delete(res));
    }
    req.pipe(upstream);
  });
  const proxy = {
    url: '',
    upgradesRefused: 0,
    refuseSse() {
      sseRefused = true;
      for (const res of sse) res.destroy();
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  server.on('upgrade', (_req, socket) => {
    proxy.upgradesRefused++;
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

let relay: RelayProcess;
let proxy: BreakingProxy;
let crm: FakeCrm;
let browser: ExtensionBrowser;

beforeAll(async () => {
  crm = await startFakeCrm();
  relay = await startRelay(relayConfig, contactsCsv);
  proxy = await startBreakingProxy(relay.url);
  browser = await launchWithExtension();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await relay?.stop();
  await crm?.close();
});

/** Posts calls to the relay directly (the PBX is not behind the proxy) and counts each one's pops. */
async function popEach(ids: string[]): Promise<{ total: number }> {
  const from = crm.requests.length;
  const pops = () => crm.requests.slice(from).filter((r) => r.path === '/card?id=P-7').length;
  for (const id of ids) expect((await postLogo(relay.url, SECRET, logoCall(id))).status).toBe(200);
  await waitUntil('every call popped', async () => pops() >= ids.length);
  // Wait a little longer: a duplicate pop would arrive now.
  await new Promise((r) => setTimeout(r, 1_500));
  return { total: pops() };
}

describe('a relay whose WebSocket is refused by a proxy', () => {
  it('falls back to SSE, shows it, and pops every call exactly once', async () => {
    const options = await openOptions(browser.context, browser.extensionId);
    const imported = await importSettings(options, relay.dir, extensionSettings(proxy.url, crm.origin));
    expect(imported.ok, imported.text).toBe(true);
    await waitUntil('connected over SSE', async () => {
      const { connection } = await ask(options, 'status.get');
      return connection.state === 'connected' && connection.transport === 'sse';
    });
    expect(proxy.upgradesRefused).toBeGreaterThanOrEqual(2);
    await expect
      .poll(() => options.getByTestId('connection-transport').getAttribute('data-transport'))
      .toBe('sse');
    expect(await popEach(['T000001', 'T000002', 'T000003'])).toEqual({ total: 3 });
    const { notes } = await ask(options, 'diagnostics.events');
    expect(notes.some((n) => n.kind === 'transport' && n.transport === 'sse')).toBe(true);
    await options.close();
  });

  it('falls back to long-poll when SSE breaks too, resuming from the same cursor', {
    timeout: 90_000,
  }, async () => {
    const options = await openOptions(browser.context, browser.extensionId);
    proxy.refuseSse();
    await waitUntil(
      'connected over long-poll',
      async () => {
        const { connection } = await ask(options, 'status.get');
        return connection.state === 'connected' && connection.transport === 'longpoll';
      },
      // A cut SSE stream is noticed when the fetch ends or, at worst, by the 45 s silence check.
      60_000,
    );
    expect(await popEach(['T000004', 'T000005'])).toEqual({ total: 2 });
    // The calls popped over SSE were not replayed as new pops over long-poll either.
    expect(crm.requests.filter((r) => r.path === '/card?id=P-7')).toHaveLength(5);
    await options.close();
  });
});
