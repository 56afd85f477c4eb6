// AgentFeed (relay/delivery.ts), the replay-then-live logic under every transport, against a log
// whose live signal the test controls: late, lost, or reported as a gap, as Redis pub/sub can be.
import { describe, expect, it } from 'vitest';
import { AgentFeed } from '../../../relay/delivery/agentFeed.ts';
import {
  type EventListener,
  type EventLog,
  MemoryEventLog,
  type ReadResult,
  type SubscribeOptions,
} from '../../../relay/store/eventLog.ts';
import type { CallEvent, NewCallEvent } from '../../../shared/callEvent.ts';

function call(callId: string, extension = '911'): NewCallEvent {
  return {
    callId,
    state: 'ringing',
    extension,
    callerId: '05334979714',
    direction: 'inbound',
    at: '2024-05-27T09:35:00.000Z',
    source: 'generic',
  };
}

/** A log whose live signal is sent by hand: `append` stores, `live` tells subscribers, `gap` reports a loss. */
class ManualLog implements EventLog {
  readonly inner = new MemoryEventLog({ capacityPerKey: 100, epoch: 'm' });
  private readonly subs = new Set<{ listener: EventListener; onGap?: () => void }>();
  failReads = false;
  reads = 0;

  append(e: NewCallEvent): CallEvent {
    return this.inner.append(e);
  }
  async readAfter(keys: readonly string[], cursor: string): Promise<ReadResult> {
    this.reads++;
    await new Promise((r) => setTimeout(r, 5));
    if (this.failReads) throw new Error('log unavailable');
    return this.inner.readAfter(keys, cursor);
  }
  subscribe(listener: EventListener, options: SubscribeOptions = {}) {
    const entry = { listener, onGap: options.onGap };
    this.subs.add(entry);
    return () => void this.subs.delete(entry);
  }
  head(): string {
    return this.inner.head();
  }
  live(event: CallEvent) {
    for (const s of this.subs) s.listener(event);
  }
  gap() {
    for (const s of this.subs) s.onGap?.();
  }
}

const AYSE = { extensions: ['911'], agentIds: [] };

function feedOn(log: EventLog) {
  const got: string[] = [];
  const failures: unknown[] = [];
  let resyncs = 0;
  const feed = new AgentFeed(log, AYSE, {
    event: (e) => got.push(e.callId),
    resync: () => resyncs++,
    failed: (e) => failures.push(e),
  });
  return { feed, got, failures, resyncs: () => resyncs };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('AgentFeed', () => {
  it('replays after the cursor, then delivers live events, skipping other agents’ calls', async () => {
    const log = new ManualLog();
    const seen = log.append(call('seen'));
    log.append(call('missed'));
    log.append(call('not-mine', '912'));
    const { feed, got } = feedOn(log);
    const result = await feed.start(seen.id, log.head());
    expect(result).toEqual({ replayed: 1, resync: false });
    const live = log.append(call('live'));
    log.live(live);
    log.live(log.append(call('not-mine-live', '912')));
    expect(got).toEqual(['missed', 'live']);
    expect(feed.cursor, 'the cursor is the id of the last event delivered').toBe(live.id);
  });

  it('drops a late live copy of an event the replay already delivered', async () => {
    const log = new ManualLog();
    const start = log.head();
    const a = log.append(call('a'));
    const { feed, got } = feedOn(log);
    await feed.start(start, log.head());
    log.live(a); // Redis: the PUBLISH reached this instance after the read saw the entry.
    expect(got).toEqual(['a']);
  });

  it('starting from now, drops live events at or before the head it was given', async () => {
    const log = new ManualLog();
    const early = log.append(call('before-head'));
    const { feed, got } = feedOn(log);
    await feed.start('', log.head());
    log.live(early);
    log.live(log.append(call('after-head')));
    expect(got).toEqual(['after-head']);
  });

  it('re-reads from its cursor on a gap, so a lost live message arrives once and in order', async () => {
    const log = new ManualLog();
    const { feed, got } = feedOn(log);
    await feed.start('', log.head());
    log.live(log.append(call('one')));
    log.append(call('lost')); // never published to this instance
    log.gap();
    const three = log.append(call('three'));
    log.live(three); // arrives while the re-read is in flight: held, then deduplicated
    await settle();
    log.live(log.append(call('four')));
    expect(got).toEqual(['one', 'lost', 'three', 'four']);
    feed.close();
  });

  it('handles a gap reported while the first replay is still being read', async () => {
    const log = new ManualLog();
    const start = log.head();
    log.append(call('old'));
    const { feed, got } = feedOn(log);
    const started = feed.start(start, log.head());
    log.append(call('lost-during-start'));
    log.gap();
    await started;
    await settle();
    expect(got).toEqual(['old', 'lost-during-start']);
    expect(log.reads).toBe(2);
  });

  it('reports a failed re-read so the transport can end and the client resume', async () => {
    const log = new ManualLog();
    const { feed, failures } = feedOn(log);
    await feed.start('', log.head());
    log.failReads = true;
    log.gap();
    await settle();
    expect(failures).toHaveLength(1);
  });

  it('passes a resync on before the replayed events', async () => {
    const inner = new MemoryEventLog({ capacityPerKey: 1, epoch: 'r' });
    const start = inner.head();
    inner.append(call('dropped'));
    inner.append(call('kept'));
    const order: string[] = [];
    const feed = new AgentFeed(inner, AYSE, {
      event: (e) => order.push(e.callId),
      resync: () => order.push('(resync)'),
      failed: () => {},
    });
    expect(await feed.start(start, inner.head())).toEqual({ replayed: 1, resync: true });
    expect(order).toEqual(['(resync)', 'kept']);
  });

  it('delivers nothing after close', async () => {
    const log = new ManualLog();
    const { feed, got } = feedOn(log);
    await feed.start('', log.head());
    feed.close();
    log.live(log.append(call('late')));
    log.gap();
    await settle();
    expect(got).toEqual([]);
  });
});
