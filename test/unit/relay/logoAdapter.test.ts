import { describe, expect, it } from 'vitest';
import { logoAdapter } from '../../../relay/ingest/adapters/logo.ts';
import { LOGO_SAMPLE } from './helpers.ts';

function refused(raw: unknown) {
  const result = logoAdapter(raw);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.event)}`);
  return result;
}

describe('Logo CRM adapter (IPS_callAnswered)', () => {
  it('turns the manual’s sample into an answered inbound call', () => {
    expect(logoAdapter(LOGO_SAMPLE)).toEqual({
      ok: true,
      event: {
        callId: 'A000001',
        state: 'answered',
        extension: '911',
        agentId: '911',
        callerId: '05334979714',
        keypress: '1',
        direction: 'inbound',
        source: 'logo',
      },
    });
  });

  it('accepts the manual’s second sample, the caller id without the trunk 0', () => {
    const result = logoAdapter({ ...LOGO_SAMPLE, callerId: '5334979714' });
    expect(result.ok && result.event.callerId).toBe('5334979714');
  });

  it('coerces numbers sent by PBXs that do not quote ids into strings', () => {
    const result = logoAdapter({
      callUniqueId: 1001,
      extension: 911,
      agentId: 911,
      callerId: 5334979714,
      keypress: 2,
    });
    expect(result.ok && result.event).toMatchObject({
      callId: '1001',
      extension: '911',
      agentId: '911',
      callerId: '5334979714',
      keypress: '2',
    });
  });

  it('uses the agent id as extension when the extension is missing', () => {
    const { extension: _, ...rest } = LOGO_SAMPLE;
    const result = logoAdapter({ ...rest, agentId: '930' });
    expect(result.ok && result.event).toMatchObject({ extension: '930', agentId: '930' });
  });

  it('refuses a payload with neither extension nor agent id, naming extension', () => {
    const { extension: _e, agentId: _a, ...rest } = LOGO_SAMPLE;
    expect(refused(rest)).toMatchObject({ field: 'extension', reason: 'extension or agentId is required' });
  });

  it('treats an empty or missing keypress as no keypress', () => {
    for (const keypress of ['', null, undefined]) {
      const result = logoAdapter({ ...LOGO_SAMPLE, keypress });
      expect(result.ok && 'keypress' in result.event, `keypress ${keypress}`).toBe(false);
    }
  });

  it('trims padding around values', () => {
    const result = logoAdapter({ ...LOGO_SAMPLE, extension: ' 911 ', callerId: ' 05334979714 ' });
    expect(result.ok && [result.event.extension, result.event.callerId]).toEqual(['911', '05334979714']);
  });

  it('names each missing required field', () => {
    for (const field of ['callUniqueId', 'callerId'] as const) {
      const { [field]: _, ...rest } = LOGO_SAMPLE;
      expect(refused(rest)).toMatchObject({ field, reason: `${field} is required` });
    }
  });

  it('accepts a withheld caller id as an unknown caller', () => {
    for (const callerId of ['', null]) {
      const result = logoAdapter({ ...LOGO_SAMPLE, callerId });
      expect(result.ok && result.event.callerId).toBe('');
    }
  });

  it('names oversized fields and says how long they may be', () => {
    expect(refused({ ...LOGO_SAMPLE, callUniqueId: 'A'.repeat(65) })).toMatchObject({
      field: 'callUniqueId',
      reason: 'callUniqueId is too long (65 characters, at most 64)',
    });
    expect(refused({ ...LOGO_SAMPLE, callerId: '5'.repeat(41) }).field).toBe('callerId');
    expect(refused({ ...LOGO_SAMPLE, extension: '9'.repeat(33) }).field).toBe('extension');
  });

  it('names wrong-typed fields', () => {
    expect(refused({ ...LOGO_SAMPLE, callerId: { number: '0533' } })).toMatchObject({
      field: 'callerId',
      reason: 'callerId must be a string or a number',
    });
    expect(refused({ ...LOGO_SAMPLE, extension: true }).field).toBe('extension');
    expect(refused({ ...LOGO_SAMPLE, keypress: ['1'] }).field).toBe('keypress');
  });

  it('refuses characters outside the id patterns', () => {
    expect(refused({ ...LOGO_SAMPLE, callerId: '<script>' }).field).toBe('callerId');
    expect(refused({ ...LOGO_SAMPLE, keypress: '12' }).field).toBe('keypress');
    expect(refused({ ...LOGO_SAMPLE, callUniqueId: 'A 1' }).field).toBe('callUniqueId');
  });

  it('refuses an agent id that cannot serve as extension, naming agentId', () => {
    const { extension: _, ...rest } = LOGO_SAMPLE;
    expect(refused({ ...rest, agentId: 'ayse@example' }).field).toBe('agentId');
  });

  it('refuses a body that is not an object without blaming a field', () => {
    for (const body of [[LOGO_SAMPLE], 'A000001', 42, null]) {
      const result = refused(body);
      expect(result.reason).toBe('body must be a JSON object');
      expect(result.field).toBeUndefined();
    }
  });
});
