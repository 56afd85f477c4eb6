// Who may open `/v1/stream` before anyone knows who they are: a browser page from another site may
// not (the Origin check: only extension pages and the origins the admin lists), and sockets that
// have not said hello are capped per client address and in all, so opening thousands of idle
// WebSockets costs the attacker more than the relay.

/** Origins every browser extension page has; the agent's token still decides who it is. */
const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension|extension):\/\/[a-z0-9.-]+$/i;

export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  // Browsers always send Origin on a WebSocket; a client without one is not a web page, so there
  // is no other site's page to protect from.
  if (origin === undefined) return true;
  return EXTENSION_ORIGIN.test(origin) || allowed.includes(origin);
}

export type Admitted = { ok: true; release: () => void } | { ok: false; reason: string };

export class PendingStreams {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Counts one socket waiting for its hello; `release` once it said hello or closed. */
  admit(address: string): Admitted {
    const mine = this.byAddress.get(address) ?? 0;
    if (mine >= this.maxPerAddress)
      return { ok: false, reason: `${mine} connections from your address have not said hello yet` };
    if (this.total >= this.maxTotal)
      return { ok: false, reason: 'too many connections waiting for hello: retry shortly' };
    this.total += 1;
    this.byAddress.set(address, mine + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        const left = (this.byAddress.get(address) ?? 1) - 1;
        if (left <= 0) this.byAddress.delete(address);
        else this.byAddress.set(address, left);
      },
    };
  }

  get pending(): number {
    return this.total;
  }
}
