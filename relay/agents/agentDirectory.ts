// Who the agents are: the extension ↔ user mapping and agent tokens. Routes ask this directory on
// every authentication, never a copy, so an admin's change takes effect without a restart.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { checkMapping } from '../../shared/agentMapping.ts';
import {
  type AgentState,
  type AgentStore,
  EMPTY_STATE,
  type StoredAgent,
  seedState,
  type TokenInfo,
} from '../store/agentStore.ts';
import type { Awaitable } from '../store/eventLog.ts';
import type { Change } from './agentChanges.ts';
import type { AgentConfig } from './agentConfig.ts';

export interface AgentDirectory {
  /** The agent holding this token (compared in constant time), or undefined. */
  byToken(token: string): Awaitable<AgentConfig | undefined>;
  list(): Awaitable<AgentConfig[]>;
  /** Called after every change (add, edit, remove, token issued or revoked); returns unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** What the admin API shows of an agent: the mapping and its tokens' ids, never a hash. */
export interface AgentView {
  user: string;
  name: string;
  extensions: string[];
  agentIds: string[];
  crmUserId?: string;
  tokens: TokenInfo[];
}

type Mapping = Omit<AgentConfig, 'token'>;

function view(agent: StoredAgent): AgentView {
  return {
    user: agent.user,
    name: agent.name,
    extensions: [...agent.extensions],
    agentIds: [...agent.agentIds],
    ...(agent.crmUserId ? { crmUserId: agent.crmUserId } : {}),
    tokens: agent.tokens.map(({ id, label, createdAt }) => ({ id, label, createdAt })),
  };
}

/**
 * The agents of an AgentStore, changeable by the admin API. Reads come from an in-memory snapshot
 * indexed by token hash, so authenticating stays one hash and one map lookup however many agents
 * there are; writes go through the store first and replace the snapshot only once stored.
 */
export class ManagedAgentDirectory implements AgentDirectory {
  private state: AgentState = { ...EMPTY_STATE, rev: -1 };
  private byHash = new Map<string, { mapping: Mapping; hash: Buffer }>();
  /** Built once per snapshot and frozen: ingest asks for the list on every webhook. */
  private listed: readonly AgentConfig[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly unwatch: () => void;
  // list() has no plaintext tokens (only hashes are stored). Its `token` field holds a random value
  // no client knows, so code that matched tokens against list() would fail closed rather than
  // match, say, an empty string.
  private readonly unknowable = randomBytes(32).toString('base64url');

  constructor(
    private readonly store: AgentStore,
    initial: AgentState,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.set(initial);
    // Another instance changed the shared store: re-read it, whatever the signal said.
    this.unwatch = store.watch(() => {
      this.reload().catch(this.onError);
    });
  }

  /**
   * Opens the store's state; a store that holds nothing yet is seeded with `seed` (the config
   * file's agents). After that the store is the source of truth and the config's agents are unused.
   */
  static async open(
    store: AgentStore,
    seed: readonly AgentConfig[],
    options: { now: string; onError?: (error: unknown) => void },
  ): Promise<{ directory: ManagedAgentDirectory; seeded: boolean }> {
    const stored = await store.load();
    let state = stored;
    let seeded = false;
    if (!state) {
      const first = seedState(seed, options.now);
      checkMapping(first.agents, (i) => `agents[${i}]`);
      ({ state, created: seeded } = await store.create(first));
    }
    return { directory: new ManagedAgentDirectory(store, state, options.onError), seeded };
  }

  get where(): string {
    return this.store.where;
  }

  byToken(token: string): AgentConfig | undefined {
    if (typeof token !== 'string') return undefined;
    const hash = createHash('sha256').update(token, 'utf8').digest();
    const entry = this.byHash.get(hash.toString('hex'));
    // The lookup's timing depends only on the hash of the guess, which tells an attacker nothing
    // about a real token; the final comparison is constant-time all the same.
    if (!entry || !timingSafeEqual(entry.hash, hash)) return undefined;
    const { mapping } = entry;
    // Copies, so a caller that edits its agent cannot edit the directory.
    return { ...mapping, extensions: [...mapping.extensions], agentIds: [...mapping.agentIds], token };
  }

  list(): AgentConfig[] {
    return [...this.listed];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  views(): AgentView[] {
    return this.state.agents.map(view);
  }

  view(user: string): AgentView | undefined {
    const agent = this.state.agents.find((a) => a.user === user);
    return agent && view(agent);
  }

  /** Stores the change, then serves it and tells the listeners. A MappingError stores nothing. */
  async apply<R>(change: Change<R>): Promise<R> {
    let result: R | undefined;
    const next = await this.store.update((state) => {
      const out = change(state);
      result = out.result;
      return { ...state, agents: out.agents };
    });
    this.set(next);
    return result as R;
  }

  /** What `change` would do to the current snapshot, without storing it (an import's dry run). */
  preview<R>(change: Change<R>): R {
    return change(this.state).result;
  }

  /** Re-reads the store; called on a change signal and by a periodic check. */
  async reload(): Promise<void> {
    const state = await this.store.load();
    if (state) this.set(state);
  }

  async close(): Promise<void> {
    this.unwatch();
    this.listeners.clear();
    await this.store.close();
  }

  private set(state: AgentState): void {
    // Snapshots may arrive out of order (a reload started before our own write finished); a
    // re-seeded store is a new epoch and replaces the old one whatever its rev.
    if (state.epoch === this.state.epoch && state.rev <= this.state.rev) return;
    const byHash = new Map<string, { mapping: Mapping; hash: Buffer }>();
    for (const agent of state.agents) {
      const mapping: Mapping = {
        user: agent.user,
        name: agent.name,
        extensions: agent.extensions,
        agentIds: agent.agentIds,
        ...(agent.crmUserId ? { crmUserId: agent.crmUserId } : {}),
      };
      for (const t of agent.tokens) byHash.set(t.hash, { mapping, hash: Buffer.from(t.hash, 'hex') });
    }
    this.state = state;
    this.byHash = byHash;
    this.listed = state.agents.map((a) =>
      Object.freeze({
        user: a.user,
        name: a.name,
        extensions: Object.freeze([...a.extensions]) as string[],
        agentIds: Object.freeze([...a.agentIds]) as string[],
        ...(a.crmUserId ? { crmUserId: a.crmUserId } : {}),
        token: this.unknowable,
      }),
    );
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
