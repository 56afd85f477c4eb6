import { describe, expect, it } from 'vitest';
import { genericAdapter } from '../../../relay/ingest/adapters/generic.ts';
import { CALL_STATES } from '../../../shared/callEvent.ts';

const CALL = { callId: 'c-1', state: 'ringing', extension: '911', callerId: '+90 533 497 97 14' };

function refused(raw: unknown) {
  const result = genericAdapter(raw);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.event)}`);
  return result;
}

describe('generic adapter (POST /v1/calls)', () => {
  it('keeps every field of a complete event and marks its source', () => {
    const full = {
      ...CALL,
      state: 'hangup',
      agentId: 'ayse',
      dialed: '0212 555 01 00',
      keypress: '3',
      direction: 'outbound',
      recordingUrl: 'https://pbx.example.com/rec/c-1.mp3',
    };
    expect(genericAdapter(full)).toEqual({ ok: true, event: { ...full, source: 'generic' } });
  });

  it('defaults the direction to inbound', () => {
    const result = genericAdapter(CALL);
    expect(result.ok && result.event.direction).toBe('inbound');
  });

  it('accepts every call state', () => {
    for (const state of CALL_STATES) expect(genericAdapter({ ...CALL, state }).ok, state).toBe(true);
  });

  it('ignores id, at and source sent by the client: the relay sets them', () => {
    const result = genericAdapter({ ...CALL, id: 'x.1', at: '1999-01-01T00:00:00Z', source: 'forged' });
    expect(result.ok && result.event).not.toHaveProperty('id');
    expect(result.ok && result.event).not.toHaveProperty('at');
    expect(result.ok && result.event.source).toBe('generic');
  });

  it('names the field at fault', () => {
    expect(refused({ ...CALL, state: 'exploded' })).toMatchObject({ field: 'state' });
    expect(refused({ ...CALL, state: undefined })).toMatchObject({ field: 'state' });
    expect(refused({ ...CALL, direction: 'sideways' })).toMatchObject({ field: 'direction' });
    expect(refused({ ...CALL, callId: undefined })).toMatchObject({
      field: 'callId',
      reason: 'callId is required',
    });
    expect(refused({ ...CALL, extension: 'x'.repeat(40) })).toMatchObject({ field: 'extension' });
    expect(refused({ ...CALL, dialed: '<b>' })).toMatchObject({ field: 'dialed' });
  });

  it('accepts only http(s) recording links, which agents may click', () => {
    expect(refused({ ...CALL, recordingUrl: 'javascript:alert(1)' })).toMatchObject({
      field: 'recordingUrl',
    });
    expect(refused({ ...CALL, recordingUrl: 'not a url' })).toMatchObject({ field: 'recordingUrl' });
  });
});
