// "The contact feed moved": raised after a source's poll changed contacts, heard by every open agent
// stream so browsers sync at once instead of at their next timer. In-process: each relay instance
// polls its sources and tells its own connections.
export class FeedSignal {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` on every move until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  get size(): number {
    return this.listeners.size;
  }
}
