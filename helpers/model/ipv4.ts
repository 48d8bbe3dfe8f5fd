/** IPv4 arithmetic the model needs, on top of ipaddr.js. */
import ipaddr from 'ipaddr.js';

export function isIPv4(s: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(s);
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
  if (!ipaddr.IPv4.isValidCIDR(s)) throw new Error(`"${s}" is not an IPv4 address with a prefix length`);
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
