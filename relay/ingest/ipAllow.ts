// Per-source IP allowlists (CIDR). Every address is held as a 128-bit IPv6 number and IPv4 as its
// IPv4-mapped form ::ffff:a.b.c.d, because a dual-stack socket reports an IPv4 PBX as
// `::ffff:10.1.2.3`: one representation makes `10.0.0.0/8` match both spellings of that peer.
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  base: bigint;
  /** Prefix length in the 128-bit space (an IPv4 /8 is /104). */
  prefix: number;
}

const MAPPED = 0xffffn << 32n;
const ALL = (1n << 128n) - 1n;

function ipv4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6(text: string): bigint {
  let head = text;
  let tail = 0n;
  let tailGroups = 0;
  // An embedded IPv4 ending (::ffff:1.2.3.4) stands for the last two 16-bit groups.
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4?.[1]) {
    head = text.slice(0, -v4[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
    tail = ipv4(v4[1]);
    tailGroups = 2;
  }
  const [left = '', right] = head.split('::');
  const groups = (s: string) => (s ? s.split(':').filter((g) => g !== '') : []);
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const missing = 8 - tailGroups - l.length - r.length;
  const all = [...l, ...Array<string>(right === undefined ? 0 : missing).fill('0'), ...r];
  const value = all.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
  return (value << BigInt(tailGroups * 16)) | tail;
}

/** The address as a 128-bit number (IPv4 as IPv4-mapped IPv6), or null when it is not an IP. */
export function parseAddress(raw: string): bigint | null {
  const text = raw.trim().replace(/%.*$/, ''); // a zone id (fe80::1%eth0) is not part of the address
  if (isIPv4(text)) return MAPPED | ipv4(text);
  if (isIPv6(text)) return ipv6(text);
  return null;
}

/** `10.0.0.0/8`, `::1/128`, or a bare address (one host); null when malformed. */
export function parseCidr(raw: string): Cidr | null {
  const [addressText = '', prefixText, extra] = raw.trim().split('/');
  if (extra !== undefined) return null;
  const base = parseAddress(addressText);
  if (base === null) return null;
  const v4 = isIPv4(addressText.trim());
  const width = v4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const bits = prefixText === undefined ? width : Number(prefixText);
  if (bits > width) return null;
  const prefix = v4 ? 96 + bits : bits;
  return { base: base & mask(prefix), prefix };
}

function mask(prefix: number): bigint {
  return prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL;
}

export function inCidr(address: bigint, cidr: Cidr): boolean {
  return (address & mask(cidr.prefix)) === cidr.base;
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
    return address !== null && this.cidrs.some((cidr) => inCidr(address, cidr));
  }
}
