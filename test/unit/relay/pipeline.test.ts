// The call pipeline: idempotent retries, ring-group attribution, metrics.
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../relay/http/metrics.ts';
import { createCallPipeline } from '../../../relay/ingest/callPipeline.ts';
import { MemoryEventLog } from '../../../relay/store/eventLog.ts';
import {
  IDEMPOTENCY_WINDOW_MS,
  idempotencyKey,
  MemoryIdempotency,
} from '../../../relay/store/idempotency.ts';
import type { CallEvent, NewCallEvent } from '../../../shared/callEvent.ts';
import { fakeClock, MutableAgents, RING_GROUP_AGENTS } from './helpers.ts';

function call(overrides: Partial<NewCallEvent> = {}): NewCallEvent {
  return {
    callId: 'c1',
    state: 'ringing',
    extension: '900',
    callerId: '05334979714',
    direction: 'inbound',
    at: '2024-05-27T09:35:00.000Z',
    source: 'generic',
    ...overrides,
  };
}

function setup() {
  const clock = fakeClock();
  const eventLog = new MemoryEventLog({ capacityPerKey: 100, epoch: 'p' });
  const metrics = new Metrics();
  const agents = new MutableAgents(RING_GROUP_AGENTS.map((a) => ({ ...a })));
  const pipeline = createCallPipeline({ eventLog, metrics, agents, clock });
  const all = () => eventLog.readAfter(['ext:900', 'ext:901'], 'p.0').events;
  return { clock, eventLog, metrics, pipeline, all };
}

describe('call pipeline: idempotency', () => {
  it('turns a retry of the same (callId, state, keypress) into the original event, appending nothing', async () => {
    const { pipeline, all, metrics } = setup();
    const first = await pipeline.accept(call({ keypress: '1' }));
    const retry = await pipeline.accept(call({ keypress: '1', at: '2024-05-27T09:35:04.000Z' }));
    expect(first.duplicate).toBe(false);
    expect(retry).toEqual({ event: first.event, duplicate: true });
    expect(all()).toHaveLength(1);
    expect(await metrics.value('screenpop_events_total', { source: 'generic', state: 'ringing' })).toBe(1);
    expect(await metrics.value('screenpop_duplicates_total', { source: 'generic' })).toBe(1);
  });

  it('keeps events that differ in state, keypress, call id or extension', async () => {
    const { pipeline, all } = setup();
    await pipeline.accept(call());
    await pipeline.accept(call({ state: 'answered' }));
    await pipeline.accept(call({ keypress: '2' }));
    await pipeline.accept(call({ callId: 'c2' }));
    // A PBX that notifies each ring-group member separately: one event per extension.
    await pipeline.accept(call({ extension: '901' }));
    expect(all()).toHaveLength(5);
  });

  it('forgets a key after the 30-minute window', async () => {
    const { pipeline, all, clock } = setup();
    await pipeline.accept(call());
    clock.advance(IDEMPOTENCY_WINDOW_MS - 1);
    expect((await pipeline.accept(call())).duplicate).toBe(true);
    clock.advance(1);
    expect((await pipeline.accept(call())).duplicate).toBe(false);
    expect(all()).toHaveLength(2);
  });

  it('recognises concurrent retries while the first is still being appended', async () => {
    const { pipeline, all } = setup();
    const results = await Promise.all([1, 2, 3].map(() => pipeline.accept(call())));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.event.id)).size).toBe(1);
    expect(all()).toHaveLength(1);
  });

  it('lets a retry through when the first append failed', async () => {
    const clock = fakeClock();
    const window = new MemoryIdempotency(clock);
    await expect(
      window.once('k', () => {
        throw new Error('log down');
      }),
    ).rejects.toThrow('log down');
    const event = { id: 'x.1' } as CallEvent;
    expect(await window.once('k', () => event)).toEqual({ event, duplicate: false });
  });

  it('prunes expired keys so the window does not grow without bound', async () => {
    const clock = fakeClock();
    const window = new MemoryIdempotency(clock, 1000);
    for (let i = 0; i < 50; i++) await window.once(`k${i}`, () => ({ id: `x.${i}` }) as CallEvent);
    clock.advance(1000);
    await window.once('fresh', () => ({ id: 'x.99' }) as CallEvent);
    expect(window.size).toBe(1);
  });

  it('keys on source, call id, state, keypress and extension only', () => {
    const a = idempotencyKey(call({ at: '2024-01-01T00:00:00Z', callerId: '1' }));
    const b = idempotencyKey(call({ at: '2025-01-01T00:00:00Z', callerId: '2', dialed: '3' }));
    expect(a).toBe(b);
    expect(idempotencyKey(call({ keypress: undefined }))).toBe(idempotencyKey(call({ keypress: '' })));
  });
});

describe('call pipeline: ring groups', () => {
  it('names the agent whose agent id answered, so the other members see who took it', async () => {
    const { pipeline } = setup();
    const { event } = await pipeline.accept(call({ state: 'answered', agentId: '900b' }));
    expect(event.answeredBy).toBe('emre');
  });

  it('leaves answeredBy out for other states and for unknown agent ids', async () => {
    const { pipeline } = setup();
    expect(
      (await pipeline.accept(call({ state: 'ringing', agentId: '900a' }))).event.answeredBy,
    ).toBeUndefined();
    expect(
      (await pipeline.accept(call({ state: 'answered', agentId: 'nobody' }))).event.answeredBy,
    ).toBeUndefined();
    expect(
      (await pipeline.accept(call({ state: 'answered', callId: 'c9' }))).event.answeredBy,
    ).toBeUndefined();
  });

  it('uses the directory as it is now, so a re-mapped agent id is attributed to its new owner', async () => {
    const clock = fakeClock();
    const eventLog = new MemoryEventLog({ capacityPerKey: 100, epoch: 'p' });
    const agents = new MutableAgents(RING_GROUP_AGENTS.map((a) => ({ ...a })));
    const pipeline = createCallPipeline({ eventLog, metrics: new Metrics(), agents, clock });
    agents.set(agents.agents.map((a) => ({ ...a, agentIds: a.user === 'zeynep' ? ['900b'] : [] })));
    const { event } = await pipeline.accept(call({ state: 'answered', agentId: '900b' }));
    expect(event.answeredBy).toBe('zeynep');
  });
});
