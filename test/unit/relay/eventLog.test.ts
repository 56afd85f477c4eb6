import { describe, expect, it } from 'vitest';
import { isAfter, MemoryEventLog, parseCursor } from '../../../relay/store/eventLog.ts';
import { agentKeys } from '../../../relay/store/logKeys.ts';
import type { NewCallEvent } from '../../../shared/callEvent.ts';

function call(callId: string, extension = '911', agentId?: string): NewCallEvent {
  return {
    callId,
    state: 'answered',
    extension,
    ...(agentId ? { agentId } : {}),
    callerId: '05334979714',
    direction: 'inbound',
    at: '2024-05-27T09:35:00.000Z',
    source: 'logo',
  };
}

const AYSE = agentKeys({ extensions: ['911'], agentIds: ['911'] });
const callIds = (events: { callId: string }[]) => events.map((e) => e.callId);

describe('in-memory event log', () => {
  it('gives each event an increasing cursor id of this run, and head follows the newest', () => {
    const log = new MemoryEventLog({ capacityPerKey: 10, epoch: 'run1' });
    expect(log.head()).toBe('run1.0');
    const a = log.append(call('a'));
    const b = log.append(call('b'));
    expect([a.id, b.id]).toEqual(['run1.1', 'run1.2']);
    expect(log.head()).toBe(b.id);
  });

  it('replays only what came after the cursor, oldest first', () => {
    const log = new MemoryEventLog({ capacityPerKey: 10, epoch: 'run1' });
    const a = log.append(call('a'));
    log.append(call('b'));
    log.append(call('c'));
    expect(callIds(log.readAfter(AYSE, a.id).events)).toEqual(['b', 'c']);
    expect(log.readAfter(AYSE, log.head())).toEqual({ events: [], resync: false });
  });

  it("treats '' as from now: nothing is replayed", () => {
    const log = new MemoryEventLog({ capacityPerKey: 10, epoch: 'run1' });
    log.append(call('a'));
    expect(log.readAfter(AYSE, '')).toEqual({ events: [], resync: false });
  });

  it('replays everything retained with resync for a cursor of an earlier run: calls may be missing', () => {
    const log = new MemoryEventLog({ capacityPerKey: 10, epoch: 'run2' });
    log.append(call('a'));
    log.append(call('b'));
    expect(log.readAfter(AYSE, 'run1.57')).toMatchObject({ resync: true });
    expect(log.readAfter(AYSE, 'garbage')).toMatchObject({ resync: true });
    expect(callIds(log.readAfter(AYSE, 'run1.57').events)).toEqual(['a', 'b']);
    expect(callIds(log.readAfter(AYSE, 'garbage').events)).toEqual(['a', 'b']);
  });

  it('says resync when events after the cursor were dropped from a full ring, and returns what is left', () => {
    const log = new MemoryEventLog({ capacityPerKey: 2, epoch: 'run1' });
    const start = log.head();
    const a = log.append(call('a'));
    const b = log.append(call('b'));
    log.append(call('c'));
    log.append(call('d'));
    const late = log.readAfter(AYSE, start);
    expect(late.resync).toBe(true);
    expect(callIds(late.events)).toEqual(['c', 'd']);
    expect(log.readAfter(AYSE, a.id).resync).toBe(true);
    // b was dropped too, but a reader at b has seen it: nothing is missing.
    expect(log.readAfter(AYSE, b.id)).toMatchObject({ resync: false });
    expect(callIds(log.readAfter(AYSE, b.id).events)).toEqual(['c', 'd']);
  });

  it('returns an event stored under two of the agent’s keys once, and merges keys in order', () => {
    const log = new MemoryEventLog({ capacityPerKey: 10, epoch: 'run1' });
    log.append(call('both', '911', '911'));
    log.append(call('by-agent-id', '950', '911'));
    log.append(call('by-extension', '911'));
    const { events } = log.readAfter(AYSE, 'run1.0');
    expect(callIds(events)).toEqual(['both', 'by-agent-id', 'by-extension']);
  });

  it('never returns events of keys the reader does not hold', () => {
    const log = new MemoryEventLog({ capacityPerKey: 10, epoch: 'run1' });
    log.append(call('for-mehmet', '912'));
    log.append(call('for-ayse', '911'));
    expect(callIds(log.readAfter(AYSE, 'run1.0').events)).toEqual(['for-ayse']);
    expect(callIds(log.readAfter(['ext:912'], 'run1.0').events)).toEqual(['for-mehmet']);
  });

  it('keeps one ring per key, so a busy extension cannot push out a quiet one', () => {
    const log = new MemoryEventLog({ capacityPerKey: 2, epoch: 'run1' });
    log.append(call('quiet', '912'));
    for (let i = 0; i < 5; i++) log.append(call(`busy-${i}`, '911'));
    expect(log.readAfter(['ext:912'], 'run1.0')).toMatchObject({ resync: false });
    expect(callIds(log.readAfter(['ext:912'], 'run1.0').events)).toEqual(['quiet']);
  });

  it('tells subscribers about each appended event until they unsubscribe, even if another throws', () => {
    const errors: unknown[] = [];
    const log = new MemoryEventLog({
      capacityPerKey: 10,
      epoch: 'run1',
      onListenerError: (e) => errors.push(e),
    });
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error('broken subscriber');
    });
    const unsubscribe = log.subscribe((e) => seen.push(e.callId));
    log.append(call('a'));
    unsubscribe();
    log.append(call('b'));
    expect(seen).toEqual(['a']);
    expect(errors).toHaveLength(2);
  });
});

describe('cursors', () => {
  it('parses `<epoch>.<seq>` and nothing else', () => {
    expect(parseCursor('run1.42')).toEqual({ epoch: 'run1', seq: 42 });
    expect(parseCursor('rlx3k2ab.7')).toEqual({ epoch: 'rlx3k2ab', seq: 7 });
    for (const bad of ['', 'garbage', 'run1.', '.5', 'RUN.1', 'a.b', 'run1.5.6'])
      expect(parseCursor(bad), bad).toBeNull();
  });

  it('orders ids of one epoch by sequence, and treats another epoch or garbage as newer', () => {
    expect(isAfter('e.10', 'e.9')).toBe(true);
    expect(isAfter('e.9', 'e.10')).toBe(false);
    expect(isAfter('e.9', 'e.9')).toBe(false);
    expect(isAfter('f.1', 'e.9')).toBe(true);
    expect(isAfter('e.1', 'garbage')).toBe(true);
  });
});
