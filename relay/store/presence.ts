// Which agents are connected right now, over which transport, and the last event each was sent:
// the admin API's "who is connected" view. In memory per relay instance; redisPresence.ts shares
// it between instances in Redis mode.

export type Transport = 'ws' | 'longpoll' | 'sse';

export interface Session {
  id: string;
  user: string;
  transport: Transport;
  connectedAt: string;
  remoteAddress?: string;
  lastEventId?: string;
  lastEventAt?: string;
  /** The relay instance holding the connection (only in lists across instances). */
  instance?: string;
}

export interface Presence {
  open(session: Omit<Session, 'id'>): string;
  sent(sessionId: string, eventId: string, at: string): void;
  close(sessionId: string): void;
  /** This instance's sessions. */
  list(): Session[];
  /** Every instance's sessions, where instances share a store; absent means list() is all there is. */
  listAll?(): Promise<Session[]>;
}

export class MemoryPresence implements Presence {
  private readonly sessions = new Map<string, Session>();
  private next = 1;

  open(session: Omit<Session, 'id'>): string {
    const id = String(this.next++);
    this.sessions.set(id, { ...session, id });
    return id;
  }

  sent(sessionId: string, eventId: string, at: string): void {
    const s = this.sessions.get(sessionId);
    if (s) Object.assign(s, { lastEventId: eventId, lastEventAt: at });
  }

  close(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  list(): Session[] {
    return [...this.sessions.values()];
  }
}
