import { describe, expect, it } from 'vitest';
import { isBusy, missedCount } from '../../../shared/busy.ts';
import type { QueuedCall } from '../../../shared/messages.ts';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const call = (over: Partial<QueuedCall>): QueuedCall =>
  ({
    id: 'c',
    callId: 'c',
    state: 'ringing',
    at: '2026-11-22T11:59:00Z',
    callerId: '1',
    extension: '911',
    action: null,
    ...over,
  }) as QueuedCall;

describe('busy light', () => {
  it('is busy while a call of the agent is answered and not ended', () => {
    expect(isBusy([call({ state: 'answered' })], 'ayse', NOW)).toBe(true);
    expect(isBusy([call({ state: 'hangup' }), call({ state: 'ringing' })], 'ayse', NOW)).toBe(false);
  });

  it('is not busy when a ring-group colleague answered', () => {
    expect(isBusy([call({ state: 'answered', answeredBy: 'mehmet' })], 'ayse', NOW)).toBe(false);
    expect(isBusy([call({ state: 'answered', answeredBy: 'ayse' })], 'ayse', NOW)).toBe(true);
  });

  it('ignores Logo CRM calls, whose webhook never reports a hangup', () => {
    expect(isBusy([call({ state: 'answered', source: 'logo' })], 'ayse', NOW)).toBe(false);
    expect(isBusy([call({ state: 'answered', source: 'uis' })], 'ayse', NOW)).toBe(true);
  });

  it('forgets an answered call whose hangup never came after four hours', () => {
    expect(isBusy([call({ state: 'answered', at: '2026-11-22T07:00:00Z' })], 'ayse', NOW)).toBe(false);
  });

  it('counts missed calls for the badge', () => {
    expect(
      missedCount([call({ state: 'missed' }), call({ state: 'answered' }), call({ state: 'missed' })]),
    ).toBe(2);
  });

  it('stops counting a missed call on the badge once the agent marked it handled', () => {
    const calls = [
      call({ id: 'a', state: 'missed', handled: true }),
      call({ id: 'b', state: 'missed', handled: false }),
      call({ id: 'c', state: 'missed' }),
      call({ id: 'd', state: 'hangup', handled: true }),
    ];
    expect(missedCount(calls), 'only b and c are missed and not handled').toBe(2);
    expect(missedCount(calls.map((c) => ({ ...c, handled: true }))), 'all handled: no badge').toBe(0);
  });
});
