import { describe, expect, it } from 'vitest';
import { type ConnectionDeps, RelayConnection, type SocketLike } from '../../../background/connection.ts';
import { type Transport, webSocketTransport } from '../../../background/transports.ts';
import type { ConnectionStatus } from '../../../shared/messages.ts';
import type { ServerMessage } from '../../../shared/protocol.ts';
import { callEvent, welcome } from '../../fixtures/calls.ts';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closed?: number;
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closed = code;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  deliver(msg: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(msg) } as MessageEvent);
  }
  drop(code: number, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }
}

function harness(initialCursor = '', over: Partial<ConnectionDeps> = {}) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const events: string[] = [];
  const statuses: ConnectionStatus[] = [];
  const store = { cursor: initialCursor };
  const openSocket = () => {
    const s = new FakeSocket();
    sockets.push(s);
    return s;
  };
  const conn = new RelayConnection({
    transports: [webSocketTransport('ws://relay.test/v1/stream', 'agent-token', openSocket)],
    loadCursor: async () => store.cursor,
    saveCursor: async (c) => {
      store.cursor = c;
    },
    onEvent: async (e) => void events.push(e.id),
    onStatus: (s) => statuses.push(s),
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => {
      (t as { cleared: boolean }).cleared = true;
    },
    random: () => 0.5,
    ...over,
  });
  const pending = () => timers.filter((t) => !t.cleared);
  return { conn, sockets, timers, pending, events, statuses, store };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const call = (id: string): ServerMessage => ({ type: 'call', event: callEvent({ id, callId: id }) });

describe('relay connection', () => {
  it('says hello with its token and persisted cursor, then applies events in order', async () => {
    const h = harness('r1.4');
    h.conn.ensure();
    await tick();
    const s = h.sockets[0] as FakeSocket;
    s.open();
    expect(s.sent).toEqual([{ type: 'hello', token: 'agent-token', after: 'r1.4' }]);
    s.deliver(welcome('r1.9'));
    s.deliver(call('r1.5'));
    s.deliver(call('r1.6'));
    await h.conn.idle();
    expect(h.events).toEqual(['r1.5', 'r1.6']);
    expect(h.store.cursor).toBe('r1.6');
    expect(h.conn.current).toMatchObject({ state: 'connected', user: 'ayse' });
  });

  it('starts a first connection from the relay head', async () => {
    const h = harness('');
    h.conn.ensure();
    await tick();
    const s = h.sockets[0] as FakeSocket;
    s.open();
    expect(s.sent).toEqual([{ type: 'hello', token: 'agent-token', after: '' }]);
    s.deliver(welcome('r1.9'));
    await h.conn.idle();
    expect(h.store.cursor).toBe('r1.9');
  });

  it('reconnects with growing backoff and resumes from the last applied event', async () => {
    const h = harness('r1.1');
    h.conn.ensure();
    await tick();
    const first = h.sockets[0] as FakeSocket;
    first.open();
    first.deliver(call('r1.2'));
    await h.conn.idle();
    first.drop(1006);
    expect(h.conn.current.state).toBe('offline');
    const delays = [h.pending().at(-1)?.ms];
    h.pending().at(-1)?.fn();
    await tick();
    (h.sockets[1] as FakeSocket).drop(1006);
    delays.push(h.pending().at(-1)?.ms);
    h.pending().at(-1)?.fn();
    await tick();
    const third = h.sockets[2] as FakeSocket;
    third.open();
    expect(delays).toEqual([1000, 2000]);
    expect(third.sent).toEqual([{ type: 'hello', token: 'agent-token', after: 'r1.2' }]);
  });

  it('stops retrying when the relay rejects the token', async () => {
    const h = harness();
    h.conn.ensure();
    await tick();
    (h.sockets[0] as FakeSocket).drop(4401, 'unknown agent token');
    expect(h.conn.current).toEqual({ state: 'unauthorized', reason: 'unknown agent token' });
    expect(h.pending().filter((t) => t.ms < 45_000)).toEqual([]);
    h.conn.ensure();
    await tick();
    expect(h.sockets).toHaveLength(1);
  });

  it('treats a silent socket as dead and reconnects', async () => {
    const h = harness('r1.1');
    h.conn.ensure();
    await tick();
    const s = h.sockets[0] as FakeSocket;
    s.open();
    const stale = h.pending().find((t) => t.ms === 45_000);
    stale?.fn();
    expect(s.closed).toBe(4000);
    expect(h.conn.current.state).toBe('offline');
  });

  it('ignores ensure() while a socket is open', async () => {
    const h = harness();
    h.conn.ensure();
    await tick();
    h.conn.ensure();
    await tick();
    expect(h.sockets).toHaveLength(1);
  });
});

describe('an event whose handling fails', () => {
  /** A connection whose event store fails the first `failures` writes (IndexedDB quota, closed). */
  function failingStore(failures: number, over: Partial<ConnectionDeps> = {}) {
    let left = failures;
    const handled: string[] = [];
    const h = harness('r1.1', {
      eventRetryMs: [0, 0],
      onEvent: async (e) => {
        if (left-- > 0) throw new Error('QuotaExceededError');
        handled.push(e.id);
      },
      ...over,
    });
    return { ...h, handled };
  }

  async function deliver(h: ReturnType<typeof harness>, ...ids: string[]) {
    h.conn.ensure();
    await tick();
    const s = h.sockets.at(-1) as FakeSocket;
    s.open();
    s.deliver(welcome('r1.9'));
    for (const id of ids) s.deliver(call(id));
    // Retries wait on timers: fire them until the chain settles.
    for (let i = 0; i < 20; i++) {
      await tick();
      for (const t of h.pending().filter((t) => t.ms === 0)) {
        t.cleared = true;
        t.fn();
      }
    }
    await h.conn.idle();
    return s;
  }

  it('is retried, and the cursor passes it only once it was handled', async () => {
    const h = failingStore(2);
    await deliver(h, 'r1.2', 'r1.3');
    expect(h.handled).toEqual(['r1.2', 'r1.3']);
    expect(h.store.cursor).toBe('r1.3');
  });

  it('still failing, it is marked failed before the cursor moves past it', async () => {
    const marked: string[] = [];
    const h = failingStore(3, {
      onEventFailed: async (e, error) => void marked.push(`${e.id} ${error}`),
    });
    await deliver(h, 'r1.2', 'r1.3');
    expect(marked).toEqual(['r1.2 Error: QuotaExceededError']);
    expect(h.handled).toEqual(['r1.3']);
    expect(h.store.cursor).toBe('r1.3');
  });

  it('when it cannot even be marked, the cursor stays before it and the stream restarts from there', async () => {
    const h = failingStore(99, {
      onEventFailed: async () => {
        throw new Error('storage full');
      },
    });
    const first = await deliver(h, 'r1.2', 'r1.3');
    expect(h.store.cursor, 'no later event may step past the unhandled one').toBe('r1.1');
    expect(first.closed).toBeDefined();
    // The restart says hello with the cursor before the failed event, so the relay replays it.
    h.pending()
      .find((t) => t.ms === 0)
      ?.fn();
    await tick();
    const second = h.sockets.at(-1) as FakeSocket;
    expect(second).not.toBe(first);
    second.open();
    expect(second.sent).toEqual([{ type: 'hello', token: 'agent-token', after: 'r1.1' }]);
  });
});

describe('transport fallback', () => {
  /** A transport that records its starts and lets the test drive the sink. */
  function fakeTransport(kind: Transport['kind']) {
    const starts: { after: string; sink: Parameters<Transport['start']>[1]; stopped: boolean }[] = [];
    const transport: Transport = {
      kind,
      start(after, sink) {
        const run = { after, sink, stopped: false };
        starts.push(run);
        return () => void (run.stopped = true);
      },
    };
    return { transport, starts };
  }

  it('falls back from a WebSocket that cannot open to SSE, then long-poll, with the same cursor', async () => {
    const ws = fakeTransport('websocket');
    const sse = fakeTransport('sse');
    const lp = fakeTransport('longpoll');
    const kinds: string[] = [];
    const h = harness('r1.4', {
      transports: [ws.transport, sse.transport, lp.transport],
      onTransport: (kind) => void kinds.push(kind),
    });
    const fire = async () => {
      h.pending().at(-1)?.fn();
      await tick();
    };
    h.conn.ensure();
    await tick();
    ws.starts[0]?.sink.ended('socket closed (1006)');
    await fire();
    ws.starts[1]?.sink.ended('socket closed (1006)');
    await fire();
    expect(kinds).toEqual(['sse']);
    expect(sse.starts[0]?.after).toBe('r1.4');
    sse.starts[0]?.sink.ended('SSE answered 502');
    await fire();
    sse.starts[1]?.sink.ended('SSE answered 502');
    await fire();
    expect(kinds).toEqual(['sse', 'longpoll']);
    const poll = lp.starts[0];
    expect(poll?.after).toBe('r1.4');
    poll?.sink.opened();
    expect(h.conn.current).toMatchObject({ state: 'connected', transport: 'longpoll' });
    poll?.sink.event(callEvent({ id: 'r1.5', callId: 'r1.5' }));
    await h.conn.idle();
    expect(h.events).toEqual(['r1.5']);
    expect(h.store.cursor).toBe('r1.5');
  });

  it('moves back to the WebSocket when the probe opens one', async () => {
    const ws = fakeTransport('websocket');
    const sse = fakeTransport('sse');
    const probes: FakeSocket[] = [];
    const kinds: string[] = [];
    const h = harness('r1.4', {
      transports: [ws.transport, sse.transport],
      initialTransport: 'sse',
      probeMs: 60_000,
      probeSocket: () => {
        const s = new FakeSocket();
        probes.push(s);
        return s;
      },
      onTransport: (kind) => void kinds.push(kind),
    });
    h.conn.ensure();
    await tick();
    const running = sse.starts[0];
    running?.sink.opened();
    h.timers.find((t) => t.ms === 60_000 && !t.cleared)?.fn();
    expect(probes).toHaveLength(1);
    (probes[0] as FakeSocket).open();
    expect(probes[0]?.closed, 'the probe socket is only a test').toBe(1000);
    expect(running?.stopped).toBe(true);
    expect(kinds).toEqual(['websocket']);
    h.pending()
      .find((t) => t.ms === 0)
      ?.fn();
    await tick();
    expect(ws.starts[0]?.after).toBe('r1.4');
  });

  it('tells the worker when the relay answers the cursor with resync', async () => {
    let resyncs = 0;
    const h = harness('old.1', { onResync: () => void resyncs++ });
    h.conn.ensure();
    await tick();
    const s = h.sockets[0] as FakeSocket;
    s.open();
    s.deliver(welcome('r2.9'));
    s.deliver({ type: 'resync', cursor: 'r2.9' });
    expect(resyncs).toBe(1);
  });
});
