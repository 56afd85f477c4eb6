// Book-keeping for every open agent connection, whatever the transport: the per-agent connection
// limit, presence and delivery metrics, and ending sessions whose token was revoked or whose
// mapping changed (an admin's change takes effect on live connections, not only on the next one).
import type { CallEvent } from '../../shared/callEvent.ts';
import type { AgentConfig } from '../agents/agentConfig.ts';
import type { AgentDirectory } from '../agents/agentDirectory.ts';
import type { Clock } from '../http/clock.ts';
import type { Metrics } from '../http/metrics.ts';
import type { Presence, Transport } from '../store/presence.ts';

/** Why the relay ends a session: its token no longer exists, its mapping changed, or shutdown. */
export type EndReason = 'revoked' | 'changed' | 'shutdown';

export interface SessionInit {
  agent: AgentConfig;
  /** Kept to re-check the session after a directory change. */
  token: string;
  transport: Transport;
  remoteAddress?: string;
  /** Ends the transport's connection; the session is closed through `close()` by the transport. */
  end(reason: EndReason): void;
}

export interface SessionDeps {
  agents: AgentDirectory;
  clock: Clock;
  maxPerAgent: number;
  presence?: Presence;
  metrics?: Metrics;
  onError?: (error: unknown) => void;
}

export class AgentSession {
  private closed = false;
  readonly presenceId: string | undefined;

  constructor(
    readonly init: SessionInit,
    private readonly deps: SessionDeps,
    private readonly release: (session: AgentSession) => void,
  ) {
    const { agent, transport, remoteAddress } = init;
    const connectedAt = new Date(deps.clock.now()).toISOString();
    this.presenceId = deps.presence?.open({ user: agent.user, transport, connectedAt, remoteAddress });
    deps.metrics?.connectedAgents.inc({ transport });
  }

  get user(): string {
    return this.init.agent.user;
  }

  /** Records that `event` was handed to the agent's connection. */
  sent(event: CallEvent): void {
    const now = this.deps.clock.now();
    if (this.presenceId) this.deps.presence?.sent(this.presenceId, event.id, new Date(now).toISOString());
    const { metrics } = this.deps;
    if (!metrics) return;
    metrics.deliveries.inc({ transport: this.init.transport });
    const accepted = Date.parse(event.at);
    if (Number.isFinite(accepted)) metrics.observeDeliveryMs(now - accepted);
  }

  /** Idempotent: transports call it from every path that ends a connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.presenceId) this.deps.presence?.close(this.presenceId);
    this.deps.metrics?.connectedAgents.dec({ transport: this.init.transport });
    this.release(this);
  }
}

function sameMapping(a: AgentConfig, b: AgentConfig): boolean {
  const same = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && [...x].sort().join('\n') === [...y].sort().join('\n');
  return a.user === b.user && same(a.extensions, b.extensions) && same(a.agentIds, b.agentIds);
}

export class SessionRegistry {
  private readonly sessions = new Set<AgentSession>();
  private readonly perUser = new Map<string, number>();
  private readonly unsubscribe: () => void;
  private checking: Promise<void> | null = null;
  private checkAgain = false;

  constructor(private readonly deps: SessionDeps) {
    this.unsubscribe = deps.agents.onChange(() => this.recheck());
  }

  /**
   * Opens a session, or returns null when the agent already has `maxPerAgent` on this instance.
   * The new connection is the one refused: evicting the oldest would let two misbehaving clients
   * knock each other off forever, while a refused client just retries with backoff.
   */
  open(init: SessionInit): AgentSession | null {
    const user = init.agent.user;
    const count = this.perUser.get(user) ?? 0;
    if (count >= this.deps.maxPerAgent) return null;
    this.perUser.set(user, count + 1);
    const session = new AgentSession(init, this.deps, (s) => this.release(s));
    this.sessions.add(session);
    return session;
  }

  count(user: string): number {
    return this.perUser.get(user) ?? 0;
  }

  /** Ends every session (relay shutting down). */
  endAll(reason: EndReason): void {
    for (const session of [...this.sessions]) session.init.end(reason);
  }

  dispose(): void {
    this.unsubscribe();
  }

  private release(session: AgentSession): void {
    if (!this.sessions.delete(session)) return;
    const left = (this.perUser.get(session.user) ?? 1) - 1;
    if (left > 0) this.perUser.set(session.user, left);
    else this.perUser.delete(session.user);
  }

  /** Re-checks every session's token; changes during a check trigger one more check after it. */
  private recheck(): void {
    if (this.checking) {
      this.checkAgain = true;
      return;
    }
    this.checking = this.checkAll()
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => {
        this.checking = null;
        if (this.checkAgain) {
          this.checkAgain = false;
          this.recheck();
        }
      });
  }

  private async checkAll(): Promise<void> {
    const byToken = new Map<string, AgentSession[]>();
    for (const s of this.sessions) byToken.set(s.init.token, [...(byToken.get(s.init.token) ?? []), s]);
    // One lookup per token, not per session: an agent may hold several connections.
    for (const [token, sessions] of byToken) {
      const now = await this.deps.agents.byToken(token);
      for (const s of sessions) {
        if (!now) s.init.end('revoked');
        else if (!sameMapping(now, s.init.agent)) s.init.end('changed');
      }
    }
  }
}
