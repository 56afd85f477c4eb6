// Per-source IP allowlists (CIDR) with ipaddr.js. A dual-stack socket reports an IPv4 PBX as
// `::ffff:10.1.2.3`, so addresses and rules are brought to one form first: an IPv4-mapped IPv6
// address is its IPv4 address, and a rule written in the mapped form (`::ffff:172.16.0.0/108`) is
// the IPv4 rule it stands for; `10.0.0.0/8` then matches both spellings of that peer.
import ipaddr from 'ipaddr.js';

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * IPv4 only as four decimal parts: ipaddr.js also reads the inet_aton forms (`10.0.0`, octal
 * `010.1.1.1` = 8.1.1.1), which in an allowlist would open a network the admin did not write.
 */
function valid(text: string): boolean {
  return ipaddr.IPv6.isValid(text) || ipaddr.IPv4.isValidFourPartDecimal(text);
}

/** The address in the form rules are matched in (IPv4-mapped IPv6 as IPv4), or null when it is not an IP. */
export function parseAddress(raw: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const text = raw.trim();
  return valid(text) ? ipaddr.process(text) : null;
}

/** `10.0.0.0/8`, `::1/128`, or a bare address (one host); null when malformed. */
export function parseCidr(raw: string): Cidr | null {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  if (!valid(address)) return null;
  let cidr: Cidr;
  try {
    cidr = slash < 0 ? [ipaddr.parse(address), address.includes(':') ? 128 : 32] : ipaddr.parseCIDR(text);
  } catch {
    return null;
  }
  const [base, bits] = cidr;
  if (base instanceof ipaddr.IPv6 && base.isIPv4MappedAddress() && bits >= 96)
    return [base.toIPv4Address(), bits - 96];
  return cidr;
}

/** A parsed allowlist; the config parser has already refused malformed entries. */
export class IpAllowList {
  private readonly cidrs: Cidr[];

  constructor(entries: readonly string[]) {
    this.cidrs = entries.map((entry) => {
      const cidr = parseCidr(entry);
      if (!cidr) throw new Error(`not a CIDR: ${entry}`);
      return cidr;
    });
  }

  allows(ip: string): boolean {
    const address = parseAddress(ip);
    return (
      address !== null &&
      this.cidrs.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits))
    );
  }
}
