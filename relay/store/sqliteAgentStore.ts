// The agent state (mapping, token hashes, pairing codes) as one row of the embedded relay's SQLite
// file. A JSON state file left by an older relay (`state.file`) is moved in on first start and
// renamed, so an upgrade keeps every agent and token and nobody reads the old file by mistake.
import { rename } from 'node:fs/promises';
import { MappingError } from '../../shared/agentMapping.ts';
import { type AgentState, type AgentStore, EMPTY_STATE, parseState, StateError } from './agentStore.ts';
import { FileAgentStore } from './fileAgentStore.ts';
import { closeDb, type Db } from './sqliteDb.ts';

export const MIGRATED_SUFFIX = '.migrated-to-sqlite';

export class SqliteAgentStore implements AgentStore {
  readonly where: string;
  /** The JSON file whose agents were moved in at start-up, for the start-up log line. */
  migratedFrom: string | undefined;
  private checkedLegacy = false;

  constructor(
    private readonly db: Db,
    path: string,
    private readonly legacyFile?: string,
  ) {
    this.where = `${path} (agent_state)`;
  }

  async load(): Promise<AgentState | null> {
    const stored = this.read();
    if (stored || this.checkedLegacy || !this.legacyFile) return stored;
    this.checkedLegacy = true;
    const legacy = await new FileAgentStore(this.legacyFile).load();
    if (!legacy) return null;
    const { state } = this.insertIfAbsent(legacy);
    await rename(this.legacyFile, `${this.legacyFile}${MIGRATED_SUFFIX}`);
    this.migratedFrom = this.legacyFile;
    return state;
  }

  async create(state: AgentState): Promise<{ state: AgentState; created: boolean }> {
    return this.insertIfAbsent(state);
  }

  async update(change: (state: AgentState) => AgentState): Promise<AgentState> {
    return this.db.transaction(() => {
      const current = this.read() ?? EMPTY_STATE;
      const next = { ...change(current), rev: current.rev + 1 };
      this.write(next);
      return next;
    })();
  }

  watch(): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    closeDb(this.db);
  }

  private insertIfAbsent(state: AgentState): { state: AgentState; created: boolean } {
    return this.db.transaction(() => {
      const stored = this.read();
      if (stored) return { state: stored, created: false };
      this.write(state);
      return { state, created: true };
    })();
  }

  private read(): AgentState | null {
    const row = this.db.prepare('SELECT json FROM agent_state WHERE id = 1').get() as
      | { json: string }
      | undefined;
    if (!row) return null;
    try {
      return parseState(JSON.parse(row.json));
    } catch (error) {
      if (error instanceof MappingError || error instanceof SyntaxError)
        throw new StateError(`state: ${this.where}: ${error.message}`);
      throw error;
    }
  }

  private write(state: AgentState): void {
    this.db
      .prepare(
        'INSERT INTO agent_state (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json',
      )
      .run(JSON.stringify(state));
  }
}
