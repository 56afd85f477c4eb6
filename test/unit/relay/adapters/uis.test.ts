import { describe, expect, it } from 'vitest';
import { uisAdapter } from '../../../../relay/ingest/adapters/uis.ts';
import { fixture } from '../../../fixtures/pbx/pbxApp.ts';

const load = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>;
const NO_FALLBACK = { fallbackExtensions: [] };

describe('UIS adapter', () => {
  it.each([
    ['uis-ringing.json', 'ringing'],
    ['uis-answered.json', 'answered'],
    ['uis-hangup.json', 'hangup'],
  ])('reads %s (the reference template) as %s on user_extension', (file, state) => {
    const result = uisAdapter(load(file), NO_FALLBACK);
    expect(result.ok && result.events).toEqual([
      expect.objectContaining({
        callId: '3371546751',
        state,
        extension: '101',
        callerId: '79031234567',
        dialed: '74951234567',
        direction: 'inbound',
        source: 'uis',
      }),
    ]);
  });

  it('keeps the recording of a HANGUP', () => {
    const result = uisAdapter(load('uis-hangup.json'), NO_FALLBACK);
    expect(result.ok && result.events[0]?.recordingUrl).toBe(
      'https://app.uiscom.ru/system/media/talk/3371546751/4f9d2c/',
    );
  });

  it('sends a MISSED call without user_extension to every fallback extension', () => {
    const result = uisAdapter(load('uis-missed.json'), { fallbackExtensions: ['911', '912'] });
    expect(result.ok && result.events.map((e) => [e.extension, e.state, e.callId])).toEqual([
      ['911', 'missed', '3371546751'],
      ['912', 'missed', '3371546751'],
    ]);
  });

  it('refuses a call without user_extension when no fallback is configured, saying what to set', () => {
    const result = uisAdapter(load('uis-missed.json'), NO_FALLBACK);
    expect(result).toMatchObject({ ok: false, field: 'user_extension' });
    expect(!result.ok && result.reason).toContain('pbx.uis.fallbackExtensions');
  });

  it('reads numbers as well as strings, and the state in any case', () => {
    const result = uisAdapter(
      { ...load('uis-ringing.json'), from_number: 79031234567, user_extension: 101, call_state: 'ringing' },
      NO_FALLBACK,
    );
    expect(result.ok && result.events[0]).toMatchObject({ callerId: '79031234567', extension: '101' });
  });

  it('maps UIS directions', () => {
    const direction = (d: string) => {
      const result = uisAdapter({ ...load('uis-ringing.json'), direction: d }, NO_FALLBACK);
      return result.ok ? result.events[0]?.direction : result.reason;
    };
    expect(['in', 'out', 'internal'].map(direction)).toEqual(['inbound', 'outbound', 'internal']);
  });

  it('refuses an unknown call_state, a bad recording URL and a missing call_id', () => {
    expect(uisAdapter({ ...load('uis-ringing.json'), call_state: 'TALKING' }, NO_FALLBACK)).toMatchObject({
      ok: false,
      field: 'call_state',
    });
    expect(
      uisAdapter({ ...load('uis-hangup.json'), call_record_url: 'ftp://x/y' }, NO_FALLBACK),
    ).toMatchObject({ ok: false, field: 'call_record_url' });
    const { call_id: _gone, ...noId } = load('uis-ringing.json');
    expect(uisAdapter(noId, NO_FALLBACK)).toMatchObject({ ok: false, field: 'call_id' });
  });
});
