// Opens the agent store for the CLI (store/createStores.ts picks the backend) and turns its
// troubles into one line for the admin. The config's agents seed a store that holds nothing.
import type { FastifyInstance } from 'fastify';
import { MappingError } from '../../shared/agentMapping.ts';
import { ManagedAgentDirectory } from '../agents/agentDirectory.ts';
import { type AgentStore, StateError } from '../store/agentStore.ts';
import { createAgentStore } from '../store/createStores.ts';
import { ConfigError, type RelayConfig } from './config.ts';

export interface OpenedAgents {
  directory: ManagedAgentDirectory;
  /** `config` when the store was new and got the config file's agents, `store` when it had its own. */
  source: 'config' | 'store';
  /** Where the store keeps the agents, for the start-up log line. */
  where: string;
  /** Logs where the agents came from, sends later store trouble to the app's log, closes with the app. */
  attach(app: FastifyInstance): void;
}

/** Opens the store; a bad state file or key is a ConfigError, so the CLI prints one line and stops. */
export async function openAgents(config: RelayConfig, now = new Date()): Promise<OpenedAgents> {
  // Until the app's logger exists, only the last trouble is kept: it explains a failed start
  // better than one line per reconnection attempt.
  let lastTrouble: unknown;
  let report = (error: unknown) => {
    lastTrouble = error;
  };
  const onError = (error: unknown) => report(error);
  let store: AgentStore;
  try {
    store = createAgentStore(config.store, onError);
  } catch (error) {
    if (error instanceof StateError) throw new ConfigError(error.message);
    throw error;
  }
  let opened: { directory: ManagedAgentDirectory; seeded: boolean };
  try {
    opened = await ManagedAgentDirectory.open(store, config.agents, { now: now.toISOString(), onError });
  } catch (error) {
    await store.close().catch(() => {});
    if (error instanceof StateError) throw new ConfigError(error.message);
    if (error instanceof MappingError)
      throw new ConfigError(`config: ${error.message} (while seeding ${store.where})`);
    // The store unreachable, a file system error: one line for the admin, not a stack trace.
    const cause = (lastTrouble as Error | undefined)?.message ?? (error as Error).message;
    throw new ConfigError(`agents: cannot open ${store.where}: ${cause}`);
  }
  const { directory, seeded } = opened;
  const source = seeded ? 'config' : 'store';
  return {
    directory,
    source,
    where: store.where,
    attach(app) {
      report = (error) => app.log.warn({ err: error }, 'agents: store trouble');
      app.log.info(
        { source, store: store.where, agents: directory.views().length },
        seeded
          ? 'agents: new store, seeded from the config file'
          : "agents: loaded from the store; the config file's agents are not used",
      );
      app.addHook('onClose', () => directory.close());
    },
  };
}
