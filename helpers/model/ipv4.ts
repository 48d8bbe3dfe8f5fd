/** IPv4 arithmetic the model needs, on top of ipaddr.js. */
import ipaddr from 'ipaddr.js';

export function isIPv4(s: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(s);
}

/** Why `s` is not a dotted-quad IPv4 address, naming the culprit (ipaddr.js's own errors name no part); undefined when it is one. */
function ipv4Why(s: string): string | undefined {
  if (isIPv4(s)) return undefined;
  if (ipaddr.IPv6.isValid(s)) return 'an IPv6 address: only IPv4 is emulated';
  const parts = s.split('.');
  if (parts.length !== 4)
    return `expected four dot-separated numbers, found ${parts.length} part${parts.length === 1 ? '' : 's'}`;
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return `"${p}" is not a decimal number`;
    if (Number(p) > 255) return `octet ${p} is above 255`;
    if (p.length > 1 && p.startsWith('0')) return `"${p}" has a leading zero (octal to some parsers)`;
  }
  return 'not a dotted-quad address';
}

/** `"x" is not an IPv4 address (why)`, or undefined when `s` is one. */
export function ipv4Error(s: string): string | undefined {
  const why = ipv4Why(s);
  return why && `"${s}" is not an IPv4 address (${why})`;
}

/** `"x" is not an IPv4 CIDR (why)`, or undefined when `s` is "a.b.c.d/n" with n from 0 to 32. */
export function cidrError(s: string): string | undefined {
  if (ipaddr.IPv6.isValidCIDR(s)) return `"${s}" is an IPv6 CIDR: only IPv4 is emulated`;
  const m = /^([^/]*)\/(.*)$/.exec(s);
  const addr = m ? ipv4Why(m[1]!) : undefined;
  const why = !m
    ? 'no "/" and prefix length'
    : addr
      ? `address: ${addr}`
      : !/^\d{1,2}$/.test(m[2]!)
        ? `prefix length "${m[2]}" is not a number from 0 to 32`
        : Number(m[2]) > 32
          ? `prefix length ${m[2]} is above 32`
          : undefined;
  return why && `"${s}" is not an IPv4 CIDR (${why})`;
}

export function ipToInt(ip: string): number {
  const b = ipaddr.IPv4.parse(ip).toByteArray();
  return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  address: string;
  prefixLength: number;
  /** First and last address of the network, as integers. */
  first: number;
  last: number;
}

/** Parses "a.b.c.d/n" (host bits allowed, as on an interface). Throws with a readable message. */
export function parseCidr(s: string): Cidr {
  const err = cidrError(s);
  if (err) throw new Error(err);
  const [addr, len] = ipaddr.IPv4.parseCIDR(s);
  const a = ipToInt(addr.toString());
  const size = 2 ** (32 - len);
  const first = Math.floor(a / size) * size;
  return { address: addr.toString(), prefixLength: len, first, last: first + size - 1 };
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return n >= c.first && n <= c.last;
}

export function rangesOverlap(a: { first: number; last: number }, b: { first: number; last: number }): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function networkOf(c: Cidr): string {
  return `${intToIp(c.first)}/${c.prefixLength}`;
}
