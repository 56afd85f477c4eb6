import { describe, expect, it } from 'vitest';
import {
  chooseExtension,
  netsantralAdapter,
  netsantralAnswer,
} from '../../../../relay/ingest/adapters/netsantral.ts';
import { numberKey } from '../../../../relay/ingest/pbxSources.ts';
import { fixture } from '../../../fixtures/pbx/pbxApp.ts';

const SAMPLE = JSON.parse(fixture('netsantral.json')) as Record<string, unknown>;

describe('Netsantral adapter', () => {
  it('reads the reference sample as a ringing inbound call with its key', () => {
    expect(netsantralAdapter(SAMPLE)).toEqual({
      ok: true,
      event: {
        callId: '1234567.213',
        state: 'ringing',
        extension: '',
        callerId: '05101234567',
        dialed: '8503030303',
        keypress: '1',
        direction: 'inbound',
        source: 'netsantral',
      },
    });
  });

  it('keeps a call from a withheld number, as an unknown caller', () => {
    const result = netsantralAdapter({ ...SAMPLE, arayan_no: '' });
    expect(result.ok && result.event.callerId).toBe('');
  });

  it('takes a single key as the keypress and drops a longer entry (a customer number)', () => {
    const none = netsantralAdapter({ ...SAMPLE, tus_bilgisi: '' });
    expect(none.ok && 'keypress' in none.event).toBe(false);
    const number = netsantralAdapter({ ...SAMPLE, tus_bilgisi: '12345678' });
    expect(number.ok && 'keypress' in number.event).toBe(false);
  });

  it('refuses bad fields by name', () => {
    expect(netsantralAdapter({ ...SAMPLE, tus_bilgisi: '1a' })).toMatchObject({
      ok: false,
      field: 'tus_bilgisi',
    });
    expect(netsantralAdapter({ ...SAMPLE, arama_id: '' })).toMatchObject({ ok: false, field: 'arama_id' });
    const { arayan_no: _gone, ...noCaller } = SAMPLE;
    expect(netsantralAdapter(noCaller)).toMatchObject({ ok: false, field: 'arayan_no' });
    expect(netsantralAdapter({ ...SAMPLE, aranan_no: { x: 1 } })).toMatchObject({
      ok: false,
      field: 'aranan_no',
    });
  });
});

describe('Netsantral extension choice', () => {
  const base = {
    byNumber: { '+908503030303': '912' },
    numberKey: (raw: string) => numberKey(raw, 'TR'),
    agentExtensions: new Set(['911', '912']),
    fallback: '900',
  };

  it('prefers the owner being routed to, then the URL, then the called number’s mapping', () => {
    const event = { dialed: '850 303 03 03' };
    expect(chooseExtension(event, { ...base, owner: '911', query: '955' })).toBe('911');
    expect(chooseExtension(event, { ...base, query: '955' })).toBe('955');
    expect(chooseExtension(event, base)).toBe('912');
  });

  it('uses the called number when it is an agent’s extension, else the configured default', () => {
    expect(chooseExtension({ dialed: '911' }, { ...base, byNumber: {} })).toBe('911');
    expect(chooseExtension({ dialed: '4441234' }, { ...base, byNumber: {} })).toBe('900');
    expect(chooseExtension({}, { ...base, byNumber: {}, fallback: undefined })).toBeUndefined();
  });
});

describe('Netsantral answer', () => {
  it('routes to the owner’s extension in Netsantral’s vocabulary', () => {
    expect(netsantralAnswer({ ownerExtension: '911', defaultResult: '1' })).toEqual({
      status: 'success',
      result: 'extensions',
      redirect: '911',
    });
  });

  it('otherwise gives the configured default result and redirect', () => {
    expect(netsantralAnswer({ defaultResult: '1' })).toEqual({ status: 'success', result: '1' });
    expect(netsantralAnswer({ defaultResult: 'queue', defaultRedirect: 'satis' })).toEqual({
      status: 'success',
      result: 'queue',
      redirect: 'satis',
    });
  });

  it('greets a known caller by name only when a greeting is configured', () => {
    expect(netsantralAnswer({ defaultResult: '1', contactName: 'Can Arslan' })).not.toHaveProperty('data');
    expect(
      netsantralAnswer({
        defaultResult: '1',
        contactName: 'Can Arslan',
        greeting: 'Sayın {name}, hoş geldiniz',
      }).data,
    ).toBe('Sayın Can Arslan, hoş geldiniz');
  });
});
