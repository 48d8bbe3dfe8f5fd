/**
 * Where each lost request died: a packet capture (tcpdump) in every router, client and
 * Kubernetes node of the lab, filtered to what explains a failed connection to the VIP —
 * the client's SYNs to it, resets from it, ICMP errors, and each connection's request and
 * answer segments. A packet keeps its IP id hop by hop, so the captures together give each
 * request's trail: the last node that received it without sending it on is where it died, the
 * same node seen twice is a forwarding loop, and the ICMP error that quotes its source port
 * names the router that told the client. After the handshake, the request and answer segments
 * say where the rest of the connection went: to a cluster that had no connection for it (an
 * ECMP change rehashed it), to a node that never answered, or back towards the client and lost.
 *
 * tcpdump runs from the lab runtime (netns) like every other tool in a node and writes pcap,
 * read here (pcap.ts). Where it cannot run (a container without it), that node's trail is
 * reported as missing, never guessed.
 */
import type { LabHandle } from '../providers/api/lab-handle.js';
import { startCaptures } from './captures.js';
import {
  ETHERTYPE_IPV4,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  readCooked,
  readIcmp,
  readIpv4,
  readPcap,
  readTcp,
  TCP_ACK,
  TCP_RST,
  TCP_SYN,
} from './pcap.js';
import { PROBE_PORTS, type PortRange } from '../traffic/client-ports.mjs';

export interface TrailPacket {
  /** Epoch ms (kernel capture timestamp). */
  t: number;
  node: string;
  dev: string;
  dir: 'In' | 'Out';
  ttl: number;
  ipId: number;
  src: string;
  dst: string;
  /**
   * synack: the VIP's SYN-ACK, captured at the clients only (did the handshake complete?).
   * request / answer: a segment carrying data (PSH) to / from the VIP, at every node.
   */
  kind: 'syn' | 'synack' | 'rst' | 'icmp' | 'request' | 'answer';
  sport?: number;
  dport?: number;
  /** For ICMP errors: tcpdump's words for it ("net 172.30.0.10 unreachable", "time exceeded in-transit": pcap.ts icmpWords). */
  icmp?: string;
  /** For ICMP errors: the quoted packet's source address and port (the request it answers). */
  quoted?: { src: string; sport: number };
}

export interface PacketTrail {
  /** Resolves once every capture is listening (or has failed to start). */
  ready: Promise<void>;
  /** Stops the captures; resolves with the packets and, per node, why its trail is incomplete. */
  stop(): Promise<{ packets: TrailPacket[]; gaps: Record<string, string> }>;
  /**
   * Stops the captures at once and reads nothing: a run in which no request failed has nothing
   * to attribute, and need not wait out libpcap's last block (./captures.ts DELIVERY_MS).
   */
  discard(): Promise<void>;
}

/**
 * The capture filter: SYNs to the VIP, resets from it, ICMP errors (not echo), and the segments
 * that carry data (PSH: the probe's request, one segment; the answer's first one). At a client
 * also the VIP's SYN-ACKs (one per connection): whether a request that got no answer had
 * completed its handshake, and with which arrival, tells a silent cluster from an answer lost
 * on its way back. The data segments cost tcpdump about 1 CPU-s more per fault run when it
 * printed them as text (measured: docs/failover.md); written as pcap, a packet costs it about a
 * fifth (pcap.ts). TCP only from the probe's source ports (`ports`): the trail follows the
 * probe's requests, and the held connections that watch the same fault run (suites/fault-runs.ts)
 * send ~640 requests a second that would otherwise all be captured, written and parsed on every
 * node. An ICMP error is kept whatever it quotes (a filter cannot read the quoted port; they are few).
 */
export function trailFilter(vip: string, atClient = false, ports: PortRange = PROBE_PORTS): string {
  const probe = `tcp portrange ${ports.from}-${ports.to - 1}`;
  const tcp = [
    `(dst host ${vip} and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn)`,
    `(src host ${vip} and tcp[tcpflags] & tcp-rst != 0)`,
    `(host ${vip} and tcp[tcpflags] & (tcp-push|tcp-syn|tcp-rst) == tcp-push)`,
    ...(atClient ? [`(src host ${vip} and tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack))`] : []),
  ];
  return [
    `(${probe} and (${tcp.join(' or ')}))`,
    `(icmp and icmp[icmptype] != icmp-echo and icmp[icmptype] != icmp-echoreply)`,
  ].join(' or ');
}

/**
 * The bytes of each packet the trail keeps: the headers it reads (cooked header 20, IP 20, TCP
 * up to 60), and an ICMP error's quote of a SYN (IP 20 + ICMP 8 + the SYN's IP 20 and TCP with
 * options 40 = 88 after the cooked header).
 */
export const TRAIL_SNAPLEN = 128;

/**
 * The trail's kernel buffer per capture: 16 MiB, 8 times libpcap's default. With the default,
 * a flake-loop run with two labs side by side and one core kept busy (2026-12-05, run 2 of
 * /root/flakes/1205b) lost the trail of silent-drop's run on four nodes (the spine 2626 packets,
 * the others 575–688): the kernel dropped what tcpdump did not read in time, and the run's
 * lost requests were judged by their time alone (not verified). The probe sends 100 connections
 * a second per client, a handful of captured packets each; 8 times the buffer holds 8 times the
 * stall. It costs 16 MiB of kernel memory per node captured, for the fault run only.
 */
export const TRAIL_BUFFER_KIB = 16 * 1024;

/** A data segment's kind by its direction relative to the VIP (none without the VIP). */
function dataKind(src: string, dst: string, vip?: string): 'request' | 'answer' | undefined {
  return dst === vip ? 'request' : src === vip ? 'answer' : undefined;
}

/** The kind of a TCP segment the filter let through, from its flags. */
function tcpKind(flags: number, src: string, dst: string, vip?: string): TrailPacket['kind'] | undefined {
  if (flags & TCP_RST) return 'rst';
  if (flags & TCP_SYN) return flags & TCP_ACK ? 'synack' : 'syn';
  return dataKind(src, dst, vip);
}

/**
 * Reads one node's capture, as `tcpdump -i any -w -` wrote it (pcap.ts), and counts the packets
 * it held. `vip` tells a request segment from an answer (without it, data is skipped); `devs`
 * names the node's interfaces by index (an interface it lacks is `if<index>`). What could not be
 * read is said, never skipped silently: a link type other than the "any" device's, or a stream
 * cut inside a packet.
 */
export function parseTrail(
  bytes: Buffer,
  node: string,
  vip?: string,
  devs: ReadonlyMap<number, string> = new Map(),
): { packets: TrailPacket[]; records: number; problem?: string } {
  const pcap = readPcap(bytes);
  if (!pcap)
    return { packets: [], records: 0, problem: bytes.length ? 'its output is not a pcap stream' : 'no output' };
  if (pcap.linkType !== LINKTYPE_LINUX_SLL2 && pcap.linkType !== LINKTYPE_LINUX_SLL)
    return {
      packets: [],
      records: pcap.records.length,
      problem: `link type ${pcap.linkType} is not read (the "any" device's cooked header expected)`,
    };
  const packets: TrailPacket[] = [];
  for (const rec of pcap.records) {
    const cooked = readCooked(pcap.linkType, rec.data);
    const ip = cooked?.protocol === ETHERTYPE_IPV4 ? readIpv4(cooked.payload) : undefined;
    if (!cooked || !ip) continue;
    const dev = cooked.ifindex === undefined ? 'any' : (devs.get(cooked.ifindex) ?? `if${cooked.ifindex}`);
    const base = { t: rec.t, node, dev, dir: cooked.dir, ttl: ip.ttl, ipId: ip.id, src: ip.src, dst: ip.dst };
    if (ip.proto === IPPROTO_TCP) {
      const tcp = readTcp(ip.payload);
      const kind = tcp && tcpKind(tcp.flags, ip.src, ip.dst, vip);
      if (kind) packets.push({ ...base, sport: tcp.sport, dport: tcp.dport, kind });
    } else if (ip.proto === IPPROTO_ICMP) {
      const icmp = readIcmp(ip.payload);
      if (!icmp) continue;
      const q = icmp.quoted;
      const quoted = q?.proto === IPPROTO_TCP && q.sport !== undefined ? { src: q.src, sport: q.sport } : undefined;
      packets.push({ ...base, kind: 'icmp', icmp: icmp.what, ...(quoted ? { quoted } : {}) });
    }
  }
  const cut = pcap.truncated ? { problem: 'its output ends inside a packet (the capture was cut)' } : {};
  return { packets, records: pcap.records.length, ...cut };
}

/** The interfaces of a node by index (`ip -j link`), to name a packet's; empty when they cannot be read. */
async function interfaceNames(lab: LabHandle, node: string): Promise<Map<number, string>> {
  const r = await lab.exec(node, ['ip', '-j', 'link', 'show'], { reject: false }).catch(() => undefined);
  try {
    const links = JSON.parse(r?.stdout || '[]') as { ifindex: number; ifname: string }[];
    return new Map(links.map((l) => [l.ifindex, l.ifname]));
  } catch {
    return new Map();
  }
}

/** Captures on `nodes` until stopped (`clients` among them also capture the VIP's SYN-ACKs). */
export function startPacketTrail(lab: LabHandle, nodes: string[], vip: string, clients: string[] = []): PacketTrail {
  const captures = startCaptures(lab, nodes, (n) => trailFilter(vip, clients.includes(n)), {
    snaplen: TRAIL_SNAPLEN,
    bufferKiB: TRAIL_BUFFER_KIB,
    pcap: true,
  });
  // Interfaces are named by index in the capture: each node's names, read while the captures start.
  const devs = Promise.all(nodes.map(async (n) => [n, await interfaceNames(lab, n)] as const));
  return {
    ready: captures.ready,
    discard: () => captures.discard(),
    async stop() {
      const { outputs, gaps, captured } = await captures.stop();
      const names = new Map(await devs);
      // One node at a time, letting the worker's other work in between: a test worker runs
      // several scenarios at once, and every capture and monitor of the others is read by this
      // same event loop.
      const packets: TrailPacket[] = [];
      for (const [n, out] of outputs) {
        const read = parseTrail(Buffer.from(out, 'latin1'), n, vip, names.get(n));
        const count = captured.get(n);
        // A capture with a gap already (none at all, or the kernel's drops) keeps it, and what it did read.
        if (!gaps[n] && read.problem) gaps[n] = `its capture could not be read: ${read.problem}`;
        else if (!gaps[n] && count !== undefined && read.records < count)
          gaps[n] = `tcpdump captured ${count} packets, ${read.records} reached the harness`;
        for (const p of read.packets) packets.push(p);
        await new Promise((res) => setImmediate(res));
      }
      return { packets: packets.sort((a, b) => a.t - b.t), gaps };
    },
  };
}

/**
 * Clients whose own capture lacks SYNs their probe sent: a SYN that left a client's socket
 * passes the client's own interface, so its own `tcpdump -i any` must hold it. A capture that
 * misses them fell behind or stopped without saying so (no kernel drops reported: seen in a
 * flake-loop run on 2026-12-03, where one client's lost SYNs were seen nowhere while the other
 * client's all were): its trail is incomplete, a gap, never a network loss.
 */
export function ownCaptureGaps(
  lost: { client: string; sport?: number }[],
  packets: TrailPacket[],
): Record<string, string> {
  const seen = new Set(packets.filter((p) => p.kind === 'syn').map((p) => `${p.node} ${p.sport}`));
  const missing = new Map<string, number>();
  for (const l of lost)
    if (l.sport !== undefined && !seen.has(`${l.client} ${l.sport}`))
      missing.set(l.client, (missing.get(l.client) ?? 0) + 1);
  return Object.fromEntries(
    [...missing].map(([client, n]) => [
      client,
      `${n} SYNs its probe sent are missing from its own capture (tcpdump fell behind or stopped)`,
    ]),
  );
}
