// ManagedAgentDirectory: token lookups by hash, what list() exposes, and snapshot ordering.
import { describe, expect, it } from 'vitest';
import { addAgent, issueToken, MAX_TOKENS_PER_AGENT } from '../../../relay/agents/agentChanges.ts';
import { ManagedAgentDirectory } from '../../../relay/agents/agentDirectory.ts';
import { safeEqual } from '../../../relay/http/secrets.ts';
import { type AgentState, MemoryAgentStore, seedState } from '../../../relay/store/agentStore.ts';
import { AYSE_TOKEN, MEHMET_TOKEN, testConfig } from './helpers.ts';

const NOW = '2024-05-27T09:00:00.000Z';

/** A store whose next load answers what the test says, as another writer's snapshot would. */
class ScriptedStore extends MemoryAgentStore {
  next: AgentState | null = null;
  override async load() {
    return this.next ?? super.load();
  }
}

function directory() {
  const seed = seedState(testConfig().agents, NOW);
  const store = new ScriptedStore(seed);
  return { store, seed, dir: new ManagedAgentDirectory(store, seed) };
}

describe('ManagedAgentDirectory', () => {
  it('finds the agent of a token, answering with that token and copies of its lists', () => {
    const { dir } = directory();
    const ayse = dir.byToken(AYSE_TOKEN);
    expect(ayse).toEqual({
      user: 'ayse',
      name: 'Ayşe Yılmaz',
      extensions: ['911'],
      agentIds: ['911'],
      token: AYSE_TOKEN,
    });
    ayse?.extensions.push('999');
    expect(dir.byToken(AYSE_TOKEN)?.extensions).toEqual(['911']);
    expect(dir.byToken(MEHMET_TOKEN)?.user).toBe('mehmet');
    expect(dir.byToken(`${AYSE_TOKEN}x`)).toBeUndefined();
    expect(dir.byToken('')).toBeUndefined();
    expect(dir.byToken(undefined as unknown as string)).toBeUndefined();
  });

  it('lists the mapping without any token a client could present', () => {
    const { dir } = directory();
    const list = dir.list();
    expect(list.map((a) => a.user)).toEqual(['ayse', 'mehmet']);
    for (const candidate of ['', AYSE_TOKEN, 'undefined', '[hidden]'])
      expect(
        list.some((a) => safeEqual(candidate, a.token)),
        `"${candidate}" must match nothing`,
      ).toBe(false);
    expect(() => list[0]?.extensions.push('1'), 'entries are shared, so frozen').toThrow();
  });

  it('ignores a snapshot older than the one it serves (a reload that raced a write)', async () => {
    const { store, seed, dir } = directory();
    await dir.apply(addAgent({ user: 'x', name: 'X', extensions: ['1'], agentIds: [] }));
    store.next = { ...seed, rev: 1, agents: [] };
    await dir.reload();
    expect(dir.views().map((a) => a.user)).toEqual(['ayse', 'mehmet', 'x']);
  });

  it('takes a re-seeded store (another epoch) even though its rev starts again at 1', async () => {
    const { store, dir } = directory();
    for (const user of ['x', 'y'])
      await dir.apply(addAgent({ user, name: user, extensions: ['1'], agentIds: [] }));
    store.next = seedState([], NOW);
    await dir.reload();
    expect(dir.views()).toEqual([]);
  });

  it(`caps tokens at ${MAX_TOKENS_PER_AGENT} per agent`, async () => {
    const { dir } = directory();
    for (let i = 1; i < MAX_TOKENS_PER_AGENT; i++) await dir.apply(issueToken('ayse', '', NOW));
    await expect(dir.apply(issueToken('ayse', '', NOW))).rejects.toMatchObject({
      field: 'tokens',
      status: 409,
    });
  });
});
