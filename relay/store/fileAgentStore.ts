// The agent state as one JSON file (embedded mode, one relay process per file). Every write goes to
// a temp file in the same folder, is fsynced, then renamed over the old file: rename is atomic on
// one file system, so a crash at any moment leaves either the old state or the new one, never half.
import { randomBytes } from 'node:crypto';
import * as fsPromises from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MappingError } from '../../shared/agentMapping.ts';
import {
  type AgentState,
  type AgentStore,
  EMPTY_STATE,
  parseState,
  Serial,
  StateError,
} from './agentStore.ts';

/** The file system calls used, passed in so tests can make a write fail half-way. */
export type FileOps = Pick<typeof fsPromises, 'open' | 'readFile' | 'readdir' | 'rename' | 'unlink'>;

export class FileAgentStore implements AgentStore {
  readonly where: string;
  /** The last state read or written; the file is read once, then this process is its only writer. */
  private state: AgentState | null | undefined;
  private readonly serial = new Serial();
  private readonly tempPrefix: string;

  constructor(
    private readonly file: string,
    private readonly fs: FileOps = fsPromises,
  ) {
    this.where = file;
    this.tempPrefix = `${basename(file)}.tmp-`;
  }

  load(): Promise<AgentState | null> {
    return this.serial.run(() => this.read());
  }

  create(state: AgentState): Promise<{ state: AgentState; created: boolean }> {
    return this.serial.run(async () => {
      const stored = await this.read();
      if (stored) return { state: stored, created: false };
      await this.write(state);
      return { state, created: true };
    });
  }

  update(change: (state: AgentState) => AgentState): Promise<AgentState> {
    return this.serial.run(async () => {
      const current = (this.state ?? (await this.read())) || EMPTY_STATE;
      const next = { ...change(current), rev: current.rev + 1 };
      await this.write(next);
      return next;
    });
  }

  watch(): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    // Let a write in progress finish, so stopping the relay never loses an acknowledged change.
    await this.serial.run(async () => {});
  }

  private async read(): Promise<AgentState | null> {
    await this.removeStaleTemps();
    let text: string;
    try {
      text = await this.fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return (this.state = null);
      throw new StateError(`state: cannot read ${this.file} (${(error as NodeJS.ErrnoException).code})`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new StateError(`state: ${this.file} is not valid JSON (${(error as Error).message})`);
    }
    try {
      this.state = parseState(raw);
    } catch (error) {
      if (error instanceof MappingError) throw new StateError(`state: ${this.file}: ${error.message}`);
      throw error;
    }
    return this.state;
  }

  private async write(state: AgentState): Promise<void> {
    const temp = join(
      dirname(this.file),
      `${this.tempPrefix}${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    try {
      // 0600: the file holds only token hashes, but the mapping is still nobody else's business.
      const handle = await this.fs.open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.fs.rename(temp, this.file);
    } catch (error) {
      await this.fs.unlink(temp).catch(() => {});
      throw new StateError(
        `state: cannot write ${this.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    this.state = state;
    await this.syncFolder();
  }

  /** Makes the rename itself durable; some platforms cannot open a folder, which is fine there. */
  private async syncFolder(): Promise<void> {
    try {
      const dir = await this.fs.open(dirname(this.file), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // Best effort: the data itself was already fsynced before the rename.
    }
  }

  /** Temp files of a process that died mid-write: never valid state, only clutter. */
  private async removeStaleTemps(): Promise<void> {
    if (this.state !== undefined) return;
    let names: string[];
    try {
      names = await this.fs.readdir(dirname(this.file));
    } catch {
      return;
    }
    for (const name of names)
      if (name.startsWith(this.tempPrefix))
        await this.fs.unlink(join(dirname(this.file), name)).catch(() => {});
  }
}
