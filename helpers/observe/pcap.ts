/**
 * What `tcpdump -i any -w -` writes, read without tcpdump's printer: the pcap file (its global
 * header and one record per packet), the Linux cooked header of the "any" device and the IPv4,
 * TCP and ICMP headers under it. tcpdump spends ~17 µs of CPU a packet printing `-v` text and
 * ~3.5 µs writing pcap (14 000 packets of the probe's filter on loopback, 2026-12-05: 0.24 s
 * against 0.05 s), and a header read here costs less than a text line parsed.
 * Formats: pcap (https://www.tcpdump.org/manpages/pcap-savefile.5.html), LINUX_SLL2 (276, what
 * libpcap 1.10 gives `-i any`) and LINUX_SLL (113) (https://www.tcpdump.org/linktypes/).
 */

export interface PcapRecord {
  /** Capture time, epoch ms (to the microsecond, or the nanosecond in a nanosecond file). */
  t: number;
  /** The bytes captured (at most the snap length). */
  data: Buffer;
}

export interface Pcap {
  linkType: number;
  records: PcapRecord[];
  /** Set when the stream ends inside a record (a capture stopped mid-write): the records before it are kept. */
  truncated: boolean;
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

/** A pcap stream; undefined when it is not one (no output, or not a pcap file). */
export function readPcap(bytes: Buffer): Pcap | undefined {
  if (bytes.length < 24) return undefined;
  const magicLE = bytes.readUInt32LE(0);
  const le = magicLE === MAGIC_US || magicLE === MAGIC_NS;
  const magic = le ? magicLE : bytes.readUInt32BE(0);
  if (magic !== MAGIC_US && magic !== MAGIC_NS) return undefined;
  const u32 = (at: number) => (le ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const fraction = magic === MAGIC_NS ? 1e6 : 1e3;
  const linkType = u32(20) & 0x0fffffff;
  const records: PcapRecord[] = [];
  let at = 24;
  while (at + 16 <= bytes.length) {
    const caplen = u32(at + 8);
    if (at + 16 + caplen > bytes.length) break;
    records.push({ t: u32(at) * 1000 + u32(at + 4) / fraction, data: bytes.subarray(at + 16, at + 16 + caplen) });
    at += 16 + caplen;
  }
  return { linkType, records, truncated: at !== bytes.length };
}

export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

/** Linux's packet types (linux/if_packet.h): to this host, and sent by it. */
const PACKET_HOST = 0;
const PACKET_OUTGOING = 4;

export interface CookedPacket {
  /** As tcpdump prints it: In (to this host), Out (sent by it); broadcast, multicast and others' are not kept. */
  dir: 'In' | 'Out';
  /** The interface's index in the capture's namespace (SLL2 only). */
  ifindex?: number;
  /** The EtherType of what follows. */
  protocol: number;
  payload: Buffer;
}

/** A record under the "any" device's cooked header; undefined for another link type or direction. */
export function readCooked(linkType: number, data: Buffer): CookedPacket | undefined {
  let pktType: number;
  let protocol: number;
  let ifindex: number | undefined;
  let len: number;
  if (linkType === LINKTYPE_LINUX_SLL2) {
    if (data.length < 20) return undefined;
    [protocol, ifindex, pktType, len] = [data.readUInt16BE(0), data.readUInt32BE(4), data[10]!, 20];
  } else if (linkType === LINKTYPE_LINUX_SLL) {
    if (data.length < 16) return undefined;
    [pktType, protocol, len] = [data.readUInt16BE(0), data.readUInt16BE(14), 16];
  } else return undefined;
  const dir = pktType === PACKET_OUTGOING ? 'Out' : pktType === PACKET_HOST ? 'In' : undefined;
  return dir && { dir, ifindex, protocol, payload: data.subarray(len) };
}

export const ETHERTYPE_IPV4 = 0x0800;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;

export interface Ipv4Packet {
  ttl: number;
  id: number;
  proto: number;
  src: string;
  dst: string;
  /** What follows the IP header (as much as was captured); empty for a fragment after the first. */
  payload: Buffer;
}

const addr = (b: Buffer, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** An IPv4 header and what it carries; undefined when fewer than its 20 bytes were captured. */
export function readIpv4(b: Buffer): Ipv4Packet | undefined {
  if (b.length < 20 || b[0]! >> 4 !== 4) return undefined;
  const ihl = (b[0]! & 0x0f) * 4;
  const laterFragment = (b.readUInt16BE(6) & 0x1fff) !== 0;
  return {
    ttl: b[8]!,
    id: b.readUInt16BE(4),
    proto: b[9]!,
    src: addr(b, 12),
    dst: addr(b, 16),
    payload: laterFragment ? Buffer.alloc(0) : b.subarray(ihl),
  };
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** A TCP header's ports and flags (the first 14 bytes); undefined when fewer were captured. */
export function readTcp(b: Buffer): { sport: number; dport: number; flags: number } | undefined {
  if (b.length < 14) return undefined;
  return { sport: b.readUInt16BE(0), dport: b.readUInt16BE(2), flags: b[13]! };
}

/** The first 4 bytes of a transport header: its ports (TCP and UDP put them there alike). */
const ports = (b: Buffer) => (b.length >= 4 ? { sport: b.readUInt16BE(0), dport: b.readUInt16BE(2) } : undefined);

export interface IcmpMessage {
  type: number;
  code: number;
  /** tcpdump's own words for it (below). */
  what: string;
  /** For an error: the packet it quotes (its header and first 8 bytes), when captured. */
  quoted?: { src: string; dst: string; proto: number; sport?: number; dport?: number };
}

const ERROR_TYPES = new Set([3, 4, 5, 11, 12]);

/** An ICMP message; undefined when fewer than its 8 bytes were captured. */
export function readIcmp(b: Buffer): IcmpMessage | undefined {
  if (b.length < 8) return undefined;
  const [type, code] = [b[0]!, b[1]!];
  const inner = ERROR_TYPES.has(type) ? readIpv4(b.subarray(8)) : undefined;
  const quoted = inner && {
    src: inner.src,
    dst: inner.dst,
    proto: inner.proto,
    ...(inner.proto === IPPROTO_TCP || inner.proto === 17 ? ports(inner.payload) : {}),
  };
  return { type, code, what: icmpWords(type, code, quoted), ...(quoted ? { quoted } : {}) };
}

/**
 * What `tcpdump -nn` prints for an ICMP message after "ICMP ", for the messages a lost request
 * can draw: destination unreachable and time exceeded as print-icmp.c words them
 * (print-icmp.c:350-490 and 590-605 at tcpdump-4.99.5), so a reader keyed to tcpdump's text
 * ("net <addr> unreachable") reads the same; "need to frag" without the MTU tcpdump adds. Other
 * types by their name in its icmp2str table (print-icmp.c:187-197), or its "type-#N" (redirects,
 * router advertisements and parameter problems, which tcpdump words at length, among them).
 */
export function icmpWords(type: number, code: number, quoted?: IcmpMessage['quoted']): string {
  const dst = quoted?.dst ?? '?';
  if (type === 3) {
    if (code === 3 && quoted) {
      const proto = quoted.proto === IPPROTO_TCP ? 'tcp' : quoted.proto === 17 ? 'udp' : undefined;
      return proto
        ? `${dst} ${proto} port ${quoted.dport} unreachable`
        : `${dst} protocol ${quoted.proto} port ${quoted.dport} unreachable`;
    }
    const words = UNREACH[code];
    return words ? words(dst, quoted?.proto ?? 0) : `${dst} unreachable - #${code}`;
  }
  if (type === 11)
    return code === 0
      ? 'time exceeded in-transit'
      : code === 1
        ? 'ip reassembly time exceeded'
        : `time exceeded-#${code}`;
  return NAMES[type] ?? `type-#${type}`;
}

const UNREACH: Record<number, (dst: string, proto: number) => string> = {
  0: (d) => `net ${d} unreachable`,
  1: (d) => `host ${d} unreachable`,
  2: (d, p) => `${d} protocol ${p} unreachable`,
  4: (d) => `${d} unreachable - need to frag`,
  5: (d) => `${d} unreachable - source route failed`,
  6: (d) => `net ${d} unreachable - unknown`,
  7: (d) => `host ${d} unreachable - unknown`,
  8: (d) => `${d} unreachable - source host isolated`,
  9: (d) => `net ${d} unreachable - admin prohibited`,
  10: (d) => `host ${d} unreachable - admin prohibited`,
  11: (d) => `net ${d} unreachable - tos prohibited`,
  12: (d) => `host ${d} unreachable - tos prohibited`,
  13: (d) => `host ${d} unreachable - admin prohibited filter`,
  14: (d) => `host ${d} unreachable - host precedence violation`,
  15: (d) => `host ${d} unreachable - precedence cutoff`,
};

const NAMES: Record<number, string> = {
  0: 'echo reply',
  4: 'source quench',
  8: 'echo request',
  10: 'router solicitation',
  13: 'time stamp request',
  14: 'time stamp reply',
  15: 'information request',
  16: 'information reply',
  17: 'address mask request',
};
