import { describe, expect, it } from 'vitest';
import { type ConnectionDeps, RelayConnection, type SocketLike } from '../../../background/connection.ts';
import { webSocketTransport } from '../../../background/transports.ts';
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
