import { describe, expect, it } from 'vitest';
import { VTIGER_EVENTS, vtigerCdrAdapter } from '../../../../relay/ingest/adapters/vtiger.ts';
import { parseForm } from '../../../../relay/ingest/bodyParsers.ts';
import { fixture } from '../../../fixtures/pbx/pbxApp.ts';

function sample(): Record<string, string> {
  const parsed = parseForm(fixture('vtiger-processcdr.query.txt').trim());
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

function refused(raw: unknown) {
  const result = vtigerCdrAdapter(raw);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.event)}`);
  return result;
}

// Every word of ParsVT's ProcessCDR `event` (shared/reference/001_…txt) and the state it must pop as.
const EXPECTED: [string, string][] = [
  ['no_answer', 'missed'],
  ['no-answer', 'missed'],
  ['no', 'missed'],
  ['missed', 'missed'],
  ['no-response', 'missed'],
  ['notanswered', 'missed'],
  ['ringing', 'ringing'],
  ['ring', 'ringing'],
  ['busy', 'busy'],
  ['transferred', 'transferred'],
  ['transfer', 'transferred'],
  ['in-progress', 'answered'],
  ['answered', 'hangup'],
  ['completed', 'hangup'],
  ['complete', 'hangup'],
  ['hangup', 'hangup'],
];

describe('vtiger / ParsVT ProcessCDR adapter', () => {
  it('reads the reference parameters into a ringing call on the agent’s extension', () => {
    expect(vtigerCdrAdapter(sample())).toEqual({
      ok: true,
      event: {
        callId: '1700000000.42',
        state: 'ringing',
        extension: '101',
        callerId: '09138086200',
        direction: 'inbound',
        source: 'vtiger',
      },
    });
  });

  it.each(EXPECTED)('maps the event word %s to %s', (word, state) => {
    const result = vtigerCdrAdapter({ ...sample(), event: word });
    expect(result.ok && result.event.state).toBe(state);
  });

  it('maps every word the reference lists, and no others', () => {
    expect(Object.keys(VTIGER_EVENTS).sort()).toEqual(EXPECTED.map(([w]) => w).sort());
  });

  it('ignores case and spaces around the event word', () => {
    const result = vtigerCdrAdapter({ ...sample(), event: ' No-Answer ' });
    expect(result.ok && result.event.state).toBe('missed');
  });

  it('maps inbound/incoming, outbound/outgoing and internal', () => {
    const direction = (d: string) => {
      const result = vtigerCdrAdapter({ ...sample(), direction: d });
      return result.ok ? result.event.direction : result.reason;
    };
    expect(['inbound', 'incoming', 'outbound', 'outgoing', 'internal'].map(direction)).toEqual([
      'inbound',
      'inbound',
      'outbound',
      'outbound',
      'internal',
    ]);
  });

  it('keeps an http(s) recording URL', () => {
    const url = 'https://pbx.example.com/monitor/2024/05/27/1700000000.42.wav';
    const result = vtigerCdrAdapter({ ...sample(), event: 'hangup', recordingurl: url });
    expect(result.ok && result.event.recordingUrl).toBe(url);
  });

  it('refuses an unknown event word, listing the accepted ones', () => {
    const result = refused({ ...sample(), event: 'ended' });
    expect(result.field).toBe('event');
    expect(result.reason).toContain('no_answer');
    expect(result.reason).toContain('in-progress');
  });

  it('names each missing required parameter', () => {
    for (const field of ['agent', 'phone', 'call_id', 'direction', 'event']) {
      const { [field]: _gone, ...rest } = sample();
      expect(refused(rest).field, field).toBe(field);
    }
  });

  it('refuses malformed optional parameters', () => {
    expect(refused({ ...sample(), duration: '12s' }).field).toBe('duration');
    expect(refused({ ...sample(), billduration: '-1' }).field).toBe('billduration');
    expect(refused({ ...sample(), starttime: 'yesterday' }).field).toBe('starttime');
    expect(refused({ ...sample(), recordingurl: 'javascript:alert(1)' }).field).toBe('recordingurl');
    expect(refused({ ...sample(), gateway: 'g'.repeat(201) }).field).toBe('gateway');
    expect(refused({ ...sample(), agent: '10 1' }).field).toBe('agent');
  });
});
