import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../relay/server/config.ts';
import { rawConfig, tempDir } from './helpers.ts';

function problem(raw: unknown): string {
  try {
    parseConfig(raw, '/etc/screenpop');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

const withAgent = (agent: Record<string, unknown>) => {
  const raw = rawConfig();
  const agents = raw.agents as Record<string, unknown>[];
  return { ...raw, agents: [{ ...agents[0], ...agent }] };
};

describe('relay config', () => {
  it('fills defaults and resolves contacts.file against the config directory', () => {
    const config = parseConfig(
      { ...rawConfig({ contacts: { file: 'data/contacts.csv' } }), listen: undefined },
      '/etc/screenpop',
    );
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8787, trustProxy: false });
    expect(config.contacts).toEqual({ file: '/etc/screenpop/data/contacts.csv' });
    expect(config.store.retention.perKey).toBe(1000);
    expect(config.demoCrm).toBe(false);
    expect(config.agents[1]).toMatchObject({ user: 'mehmet', agentIds: [] });
  });

  it('names the field at fault', () => {
    expect(problem(withAgent({ token: 'short' }))).toBe(
      'config: agents[0].token must be a string of at least 16 characters',
    );
    expect(problem({ ...rawConfig(), pbx: {} })).toBe(
      'config: pbx.secret must be a string of at least 16 characters',
    );
    expect(problem({ ...rawConfig(), agents: undefined })).toBe('config: agents must be an array');
    expect(problem({ ...rawConfig(), listen: { port: 70000 } })).toBe(
      'config: listen.port must be an integer from 0 to 65535',
    );
    expect(problem({ ...rawConfig(), log: { capacityPerKey: 0 } })).toMatch(/^config: log\.capacityPerKey /);
    expect(problem({ ...rawConfig(), demoCrm: 'yes' })).toBe('config: demoCrm must be true or false');
    expect(problem({ ...rawConfig(), agent: [] })).toBe('config: agent is not a known field');
    expect(problem(withAgent({ extensions: ['9 1 1'] }))).toMatch(
      /^config: agents\[0\]\.extensions\[0\] must be/,
    );
    expect(problem(withAgent({ extensions: [], agentIds: [] }))).toBe(
      'config: agents[0] must have at least one of extensions or agentIds',
    );
    expect(problem(withAgent({ token: 'has a space in it 123' }))).toMatch(
      /^config: agents\[0\]\.token must be at most 256 printable/,
    );
  });

  it('refuses a token shared between roles or agents', () => {
    const raw = rawConfig();
    const agents = raw.agents as Record<string, unknown>[];
    expect(problem({ ...raw, agents: [agents[0], { ...agents[1], token: agents[0]?.token }] })).toBe(
      'config: agents[1].token must differ from agents[0].token',
    );
    expect(problem(withAgent({ token: (raw.pbx as { secret: string }).secret }))).toBe(
      'config: agents[0].token must differ from pbx.secret',
    );
    expect(problem({ ...raw, agents: [agents[0], { ...agents[1], user: 'ayse' }] })).toMatch(
      /agents\[1\]\.user "ayse" is used/,
    );
  });

  it('explains an unreadable file, bad JSON and a missing contacts file', () => {
    const dir = tempDir();
    try {
      expect(() => loadConfig(join(dir.dir, 'none.json'))).toThrow(
        /^config: cannot read .*none\.json \(ENOENT\)$/,
      );
      const bad = dir.write('bad.json', '{ "pbx": ');
      expect(() => loadConfig(bad)).toThrow(/is not valid JSON/);
      const noContacts = dir.write(
        'c.json',
        JSON.stringify(rawConfig({ contacts: { file: 'missing.csv' } })),
      );
      expect(() => loadConfig(noContacts)).toThrow(
        /^config: contacts\.file cannot be read: .*missing\.csv \(ENOENT\)$/,
      );
    } finally {
      dir.cleanup();
    }
  });
});

describe('sample files', () => {
  const sample = (name: string) => join(process.cwd(), 'relay/sample', name);

  it('the sample config loads, with ayse on 911 and mehmet on 912', () => {
    const config = loadConfig(sample('config.json'));
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8787, trustProxy: false });
    expect(config.agents.map((a) => [a.user, a.extensions])).toEqual([
      ['ayse', ['911']],
      ['mehmet', ['912']],
    ]);
    expect(config.contacts?.file).toBe(sample('contacts.csv'));
    expect(config.demoCrm).toBe(true);
  });

  it('the sample extension settings carry ayse’s token and pass the extension’s own validation', async () => {
    const { validateSettings } = await import('../../../shared/settings.ts');
    const settings = JSON.parse(readFileSync(sample('extension-settings.json'), 'utf8'));
    expect(validateSettings(settings).errors).toEqual([]);
    const ayse = loadConfig(sample('config.json')).agents.find((a) => a.user === 'ayse');
    expect(settings.agentToken).toBe(ayse?.token);
  });
});
