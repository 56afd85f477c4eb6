import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../relay/server/config.ts';
import { rawConfig, SECRET } from './helpers.ts';

const LAB = 'lab-source-secret-0123456789';

function problem(pbx: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  try {
    parseConfig({ ...rawConfig(), pbx, ...extra }, '/etc/screenpop');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('PBX config (pbx.*, crm.*)', () => {
  it('keeps pbx.secret as the source named default, with the documented defaults', () => {
    const { ingest, pbx } = parseConfig(rawConfig(), '/etc/screenpop');
    expect(pbx.secret).toBe(SECRET);
    expect(ingest).toEqual({
      sources: [
        {
          name: 'default',
          secret: SECRET,
          field: 'pbx.secret',
          formats: null,
          allowIps: null,
          ratePerMinute: 600,
          routing: { mode: 'extension', teamAgents: [] },
        },
      ],
      defaultRegion: 'TR',
      netsantral: { extensionByNumber: {}, routeToOwner: false, defaultResult: '1' },
      uis: { fallbackExtensions: [] },
      crm: null,
    });
  });

  it('reads named sources, and lets them replace pbx.secret', () => {
    const source = {
      name: 'lab',
      secret: LAB,
      formats: ['vtiger', 'threecx'],
      hmacSecret: 'h'.repeat(32),
      allowIps: ['10.0.0.0/8', '::1'],
      ratePerMinute: 60,
    };
    const config = parseConfig({ ...rawConfig(), pbx: { sources: [source] } }, '/etc/screenpop');
    expect(config.ingest.sources).toEqual([
      { ...source, field: 'pbx.sources[0].secret', routing: { mode: 'extension', teamAgents: [] } },
    ]);
    // The CLI's setup guide shows pbx.secret: it is the first source's when pbx.secret is left out.
    expect(config.pbx.secret).toBe(LAB);
  });

  it('names the field at fault', () => {
    const lab = { name: 'lab', secret: LAB };
    expect(problem({})).toBe('config: pbx.secret must be a string of at least 16 characters');
    expect(problem({ secret: SECRET, sources: [{ ...lab, formats: ['sip'] }] })).toMatch(
      /^config: pbx\.sources\[0\]\.formats\[0\] must be one of logo, generic/,
    );
    expect(problem({ secret: SECRET, sources: [{ ...lab, allowIps: ['10.0.0.0/33'] }] })).toMatch(
      /^config: pbx\.sources\[0\]\.allowIps\[0\] must be an IPv4 or IPv6/,
    );
    expect(problem({ secret: SECRET, sources: [{ ...lab, ratePerMinute: 0 }] })).toBe(
      'config: pbx.sources[0].ratePerMinute must be an integer from 1 to 1000000',
    );
    expect(problem({ secret: SECRET, sources: [lab, { ...lab, secret: `${LAB}x` }] })).toMatch(
      /^config: pbx\.sources\[1\]\.name "lab" is used/,
    );
    expect(problem({ secret: SECRET, sources: [{ ...lab, name: 'default' }] })).toMatch(
      /^config: pbx\.sources\[0\]\.name "default" is used/,
    );
    expect(problem({ secret: SECRET, sources: [{ ...lab, secret: SECRET }] })).toBe(
      'config: pbx.sources[0].secret must differ from pbx.secret',
    );
    expect(problem({ secret: SECRET, sources: [{ ...lab, hmac: 'x' }] })).toBe(
      'config: pbx.sources[0].hmac is not a known field',
    );
    expect(problem({ secret: SECRET, defaultRegion: 'XX' })).toMatch(
      /^config: pbx\.defaultRegion must be a two-letter/,
    );
    expect(problem({ secret: SECRET, netsantral: { routeToOwner: 'yes' } })).toBe(
      'config: pbx.netsantral.routeToOwner must be true or false',
    );
    expect(problem({ secret: SECRET, uis: { fallbackExtensions: ['9 1'] } })).toMatch(
      /^config: pbx\.uis\.fallbackExtensions\[0\] must be/,
    );
  });

  it('refuses a source secret that is also an agent’s token or the admin token', () => {
    const agents = rawConfig().agents as Record<string, unknown>[];
    const token = agents[0]?.token as string;
    expect(problem({ secret: SECRET, sources: [{ name: 'lab', secret: token }] })).toBe(
      'config: agents[0].token must differ from pbx.sources[0].secret',
    );
    expect(problem({ secret: SECRET, sources: [{ name: 'lab', secret: rawConfig().adminToken }] })).toBe(
      'config: adminToken must differ from pbx.sources[0].secret',
    );
  });

  it('checks CRM links at start-up', () => {
    const ok = parseConfig(
      { ...rawConfig(), crm: { cardUrl: 'https://crm.example.com/c/{contactId}' } },
      '/x',
    );
    expect(ok.ingest.crm).toEqual({
      origin: 'https://crm.example.com',
      cardUrl: 'https://crm.example.com/c/{contactId}',
    });
    expect(problem({ secret: SECRET }, { crm: { cardUrl: 'https://crm.example.com/c/{nope}' } })).toMatch(
      /^config: crm\.cardUrl must be an http\(s\) URL on https:\/\/crm\.example\.com/,
    );
    expect(problem({ secret: SECRET }, { crm: { cardUrl: 'javascript:alert(1)' } })).toBe(
      'config: crm.cardUrl must be an absolute http(s) URL',
    );
  });
});
