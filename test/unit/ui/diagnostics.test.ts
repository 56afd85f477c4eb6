// The Diagnostics section's pure parts: step times, their display, the table order, the export.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  diagnosticsJson,
  formatOffset,
  newestFirst,
  outcomeKey,
  STEPS,
  stateKey,
  stepKey,
  stepTimes,
  totalMs,
} from '../../../options/diagnostics.ts';
import { CALL_STATES } from '../../../shared/callEvent.ts';
import { type EventTrace, TRACE_OUTCOMES } from '../../../shared/diagnostics.ts';
import { validateSettings } from '../../../shared/settings.ts';

const AT = '2026-11-22T10:00:00.000Z';
const T0 = Date.parse(AT);
const trace = (over: Partial<EventTrace> = {}): EventTrace => ({
  eventId: 'e.1',
  callId: 'TEST-1',
  state: 'answered',
  source: 'test',
  callerId: '05334979714',
  at: AT,
  receivedAt: T0 + 12,
  matchedAt: T0 + 15,
  openedAt: T0 + 40,
  outcome: 'popped',
  ...over,
});

describe('stepTimes', () => {
  it('gives each step relative to the relay receiving the event', () => {
    expect(stepTimes(trace())).toEqual([
      { step: 'relay', ms: 0 },
      { step: 'worker', ms: 12 },
      { step: 'matched', ms: 15 },
      { step: 'opened', ms: 40 },
    ]);
    expect(totalMs(trace())).toBe(40);
  });

  it('leaves steps that were not reached empty, and totals up to the last one reached', () => {
    const recorded = trace({ openedAt: undefined, outcome: 'recorded' });
    expect(stepTimes(recorded).map((s) => s.ms)).toEqual([0, 12, 15, null]);
    expect(totalMs(recorded)).toBe(15);
  });

  it('shows a worker clock behind the relay’s as a negative time rather than hiding it', () => {
    expect(stepTimes(trace({ receivedAt: T0 - 3 }))[1]?.ms).toBe(-3);
  });

  it('has no times when the relay time is unreadable', () => {
    expect(stepTimes(trace({ at: 'garbage' })).map((s) => s.ms)).toEqual([null, null, null, null]);
    expect(totalMs(trace({ at: 'garbage' }))).toBeNull();
  });
});

describe('formatOffset', () => {
  it('writes the start plain, later steps with +, earlier with −, unreached as –', () => {
    expect(formatOffset(0, 'en')).toBe('0 ms');
    expect(formatOffset(12, 'en')).toBe('+12 ms');
    expect(formatOffset(1234, 'en')).toBe('+1,234 ms');
    expect(formatOffset(-3, 'en')).toBe('−3 ms');
    expect(formatOffset(null, 'en')).toBe('–');
  });

  it('uses the page language’s digits', () => {
    expect(formatOffset(40, 'fa')).toBe('+۴۰ ms');
  });
});

describe('newestFirst', () => {
  it('orders events by the relay’s time, newest first', () => {
    const old = trace({ eventId: 'old', at: '2026-11-22T09:00:00.000Z' });
    const mid = trace({ eventId: 'mid', at: '2026-11-22T09:30:00.000Z' });
    const last = trace({ eventId: 'new' });
    expect(newestFirst([mid, last, old]).map((e) => e.eventId)).toEqual(['new', 'mid', 'old']);
  });
});

describe('the export file', () => {
  const settings = validateSettings({
    relayUrl: 'https://relay.example.com',
    agentToken: 'secret-agent-token-0123456789',
  }).settings;

  it('holds the events, the version, the connection and the settings, never the agent token', () => {
    const json = diagnosticsJson({
      now: new Date(AT),
      extensionVersion: '1.2.3',
      connection: { state: 'connected', user: 'ayse' },
      settings,
      events: [trace()],
    });
    expect(json).not.toContain('secret-agent-token-0123456789');
    const parsed = JSON.parse(json);
    expect(parsed).toMatchObject({
      exportedAt: AT,
      extensionVersion: '1.2.3',
      connection: { state: 'connected', user: 'ayse' },
      settings: { relayUrl: 'https://relay.example.com' },
      events: [{ callId: 'TEST-1', outcome: 'popped' }],
    });
    expect(parsed.settings).not.toHaveProperty('agentToken');
  });
});

describe('keys chosen at run time', () => {
  const en = JSON.parse(
    readFileSync(new URL('../../../extension/_locales/en/messages.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

  it('every step, outcome and call state has its words', () => {
    const keys = [...STEPS.map(stepKey), ...TRACE_OUTCOMES.map(outcomeKey), ...CALL_STATES.map(stateKey)];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('every error the test call can answer has its words', () => {
    const source = readFileSync(new URL('../../../background/diagnostics.ts', import.meta.url), 'utf8');
    const keys = [...source.matchAll(/'(diagErr[A-Za-z]+)'/g)].map((m) => m[1] ?? '');
    expect(keys.length).toBeGreaterThan(4);
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });
});
