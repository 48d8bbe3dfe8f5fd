/**
 * Captures as the trail reads them, `tcpdump -i any -w -` (libpcap 1.10: LINUX_SLL2), for the
 * evidence-chain tests: one pcap record each for a SYN to the VIP, the ICMP error that quotes one,
 * the VIP's reset and SYN-ACK, and the request and answer segments; `trailOf` reads records back
 * through the trail's own parser, with the interfaces named as in the lab (eth0, eth1, …).
 */
import { parseTrail, type TrailPacket } from '../../helpers/observe/packet-trail.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../helpers/observe/pcap.js';

export const VIP = '172.30.0.10';

/** The lab's interface names by index, as a node's `ip -j link` gives them: lo 1, eth0 2, eth1 3, … */
const DEVS = new Map([[1, 'lo'], ...Array.from({ length: 8 }, (_, i) => [i + 2, `eth${i}`] as [number, string])]);
const ifindex = (dev: string) => [...DEVS].find(([, d]) => d === dev)![0];

const ip4 = (a: string) => a.split('.').map(Number);

function ipHeader(o: { ttl: number; id: number; proto: number; src: string; dst: string; length: number }): number[] {
  const h = [0x45, 0, o.length >> 8, o.length & 0xff, o.id >> 8, o.id & 0xff, 0x40, 0, o.ttl, o.proto, 0, 0];
  return [...h, ...ip4(o.src), ...ip4(o.dst)];
}

function tcpHeader(sport: number, dport: number, flags: number): number[] {
  return [
    sport >> 8,
    sport & 0xff,
    dport >> 8,
    dport & 0xff,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0x50,
    flags,
    0xfa,
    0xf0,
    0,
    0,
    0,
    0,
  ];
}

/** One record: `ts` in seconds as tcpdump prints it, the packet behind a cooked v2 header. */
function record(ts: string, dev: string, dir: string, ipPacket: number[]): Buffer {
  const [sec, frac = '0'] = ts.split('.');
  const usec = Number(frac.padEnd(6, '0').slice(0, 6));
  const sll2 = Buffer.alloc(20);
  sll2.writeUInt16BE(0x0800, 0);
  sll2.writeUInt32BE(ifindex(dev), 4);
  sll2.writeUInt16BE(1, 8);
  sll2[10] = dir === 'Out' ? 4 : 0;
  const data = Buffer.concat([sll2, Buffer.from(ipPacket)]);
  const head = Buffer.alloc(16);
  head.writeUInt32LE(Number(sec), 0);
  head.writeUInt32LE(usec, 4);
  head.writeUInt32LE(data.length, 8);
  head.writeUInt32LE(data.length, 12);
  return Buffer.concat([head, data]);
}

/** A pcap stream of `records` (microsecond timestamps, little-endian, snap length 128, LINUX_SLL2). */
export function pcapOf(records: Buffer[]): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(128, 16);
  h.writeUInt32LE(276, 20);
  return Buffer.concat([h, ...records]);
}

/** The trail's packets from `records` captured on `node` (`vip` tells requests from answers). */
export function trailOf(records: Buffer | Buffer[], node: string, vip?: string): TrailPacket[] {
  return parseTrail(pcapOf([records].flat()), node, vip, DEVS).packets;
}

/** A SYN from `src`:`sport` to the VIP, seen on `dev` in direction `dir` ('In'/'Out'). */
export const SYN = (ts: string, dev: string, dir: string, ttl: number, id: number, src: string, sport: number) =>
  record(ts, dev, dir, [
    ...ipHeader({ ttl, id, proto: 6, src, dst: VIP, length: 40 }),
    ...tcpHeader(sport, 80, TCP_SYN),
  ]);

/** An ICMP error ("net <addr> unreachable") from `from` to `to`, quoting the SYN from port `sport`. */
export const ICMP = (ts: string, dev: string, from: string, to: string, what: string, sport: number) => {
  const net = /^net (\S+) unreachable$/.exec(what);
  if (!net) throw new Error(`ICMP fixture: only "net <addr> unreachable" is built, not "${what}"`);
  const quote = [
    ...ipHeader({ ttl: 62, id: 7, proto: 6, src: to, dst: net[1]!, length: 40 }),
    ...tcpHeader(sport, 80, TCP_SYN).slice(0, 8),
  ];
  return record(ts, dev, 'Out', [
    ...ipHeader({ ttl: 64, id: 48020, proto: 1, src: from, dst: to, length: 20 + 8 + quote.length }),
    ...[3, 0, 0, 0, 0, 0, 0, 0],
    ...quote,
  ]);
};

/** The VIP's reset to `to`:`dport`. */
export const RST = (ts: string, dev: string, to: string, dport: number) =>
  record(ts, dev, 'Out', [
    ...ipHeader({ ttl: 64, id: 0, proto: 6, src: VIP, dst: to, length: 40 }),
    ...tcpHeader(80, dport, TCP_RST),
  ]);

/** The VIP's SYN-ACK to `to`:`dport`, seen on `dev` in direction `dir`. */
export const SYNACK = (ts: string, dev: string, dir: string, to: string, dport: number) =>
  record(ts, dev, dir, [
    ...ipHeader({ ttl: 61, id: 0, proto: 6, src: VIP, dst: to, length: 40 }),
    ...tcpHeader(80, dport, TCP_SYN | TCP_ACK),
  ]);

/** The request segment from `from`:`sport` to the VIP (PSH, ACK); `id`: its IP id. */
export const REQUEST = (ts: string, dev: string, dir: string, from: string, sport: number, id = 31781) =>
  record(ts, dev, dir, [
    ...ipHeader({ ttl: 64, id, proto: 6, src: from, dst: VIP, length: 218 }),
    ...tcpHeader(sport, 80, TCP_PSH | TCP_ACK),
  ]);

/** The VIP's answer segment to `to`:`dport` (its first, with FIN when `fin`). */
export const ANSWER = (ts: string, dev: string, dir: string, to: string, dport: number, fin = false) =>
  record(ts, dev, dir, [
    ...ipHeader({ ttl: 61, id: 50394, proto: 6, src: VIP, dst: to, length: 571 }),
    ...tcpHeader(80, dport, TCP_PSH | TCP_ACK | (fin ? TCP_FIN : 0)),
  ]);
