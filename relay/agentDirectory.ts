// Who the agents are: the extension ↔ user mapping and agent tokens. Routes ask this directory on
// every authentication, never a copy, so an admin's change takes effect without a restart.
import { findAgentByToken } from './auth.ts';
import type { AgentConfig } from './config.ts';
import type { Awaitable } from './eventLog.ts';

export interface AgentDirectory {
  /** The agent holding this token (compared in constant time), or undefined. */
  byToken(token: string): Awaitable<AgentConfig | undefined>;
  list(): Awaitable<AgentConfig[]>;
  /** Called after every change (add, edit, remove, token issued or revoked); returns unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** The agents of the config file, unchanging. */
export class StaticAgentDirectory implements AgentDirectory {
  constructor(private readonly agents: readonly AgentConfig[]) {}

  byToken(token: string): AgentConfig | undefined {
    return findAgentByToken(this.agents, token);
  }

  list(): AgentConfig[] {
    return [...this.agents];
  }

  onChange(): () => void {
    return () => {};
  }
}
