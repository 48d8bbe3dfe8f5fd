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
 * tcpdump runs from the lab runtime (netns) like every other tool in a node. Where it cannot
 * run (a container without it), that node's trail is reported as missing, never guessed.
 */
import type { LabHandle } from '../providers/api/lab-handle.js';
import { startCaptures } from './captures.js';
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
  /** For ICMP errors: tcpdump's description ("net 172.30.0.10 unreachable", "time exceeded in-transit"). */
  icmp?: string;
  /** For ICMP errors: the quoted packet's source address and port (the request it answers). */
  quoted?: { src: string; sport: number };
}

export interface PacketTrail {
  /** Resolves once every capture is listening (or has failed to start). */
  ready: Promise<void>;
  /** Stops the captures; resolves with the packets and, per node, why its trail is incomplete. */
  stop(): Promise<{ packets: TrailPacket[]; gaps: Record<string, string> }>;
}

/**
 * The capture filter: SYNs to the VIP, resets from it, ICMP errors (not echo), and the segments
 * that carry data (PSH: the probe's request, one segment; the answer's first one). At a client
 * also the VIP's SYN-ACKs (one per connection): whether a request that got no answer had
 * completed its handshake, and with which arrival, tells a silent cluster from an answer lost
 * on its way back. The data segments cost tcpdump about 1 CPU-s more per fault run (measured:
 * docs/failover.md). TCP only from the probe's source ports (`ports`): the trail follows the
 * probe's requests, and the held connections that watch the same fault run (suites/fault-runs.ts)
 * send ~640 requests a second that would otherwise all be captured, printed and parsed on every
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

const ADDR_PORT = /^(\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+): Flags \[([^\]]*)\]/;

/**
 * The bytes of each packet the trail keeps: the headers it reads (cooked header 20, IP 20, TCP
 * up to 60), and an ICMP error's quote of a SYN (IP 20 + ICMP 8 + the SYN's IP 20 and TCP with
 * options 40 = 88 after the cooked header). A whole answer printed by `tcpdump -v` is its
 * HTTP text, line by line.
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

/**
 * Parses `tcpdump -i any -nn -tt -v` output: a record is a line starting with the timestamp plus
 * its indented lines. `vip` tells a request segment from an answer (without it, data is skipped).
 */
export function parseTcpdump(text: string, node: string, vip?: string): TrailPacket[] {
  const records: string[][] = [];
  for (const line of text.split('\n')) {
    if (/^\d+\.\d+ /.test(line)) records.push([line]);
    else if (line.trim() && records.length) records.at(-1)!.push(line.trim());
  }
  const out: TrailPacket[] = [];
  for (const [head, ...rest] of records) {
    const h = /^(\d+\.\d+) (\S+)\s+(In|Out)\s+IP \(.*?ttl (\d+), id (\d+),/.exec(head!);
    if (!h || !rest[0]) continue;
    const base = {
      t: Number(h[1]) * 1000,
      node,
      dev: h[2]!,
      dir: h[3] as 'In' | 'Out',
      ttl: Number(h[4]),
      ipId: Number(h[5]),
    };
    const tcp = ADDR_PORT.exec(rest[0]);
    if (tcp) {
      const flags = tcp[5]!;
      const kind = flags.includes('R')
        ? 'rst'
        : flags.includes('S')
          ? flags.includes('.')
            ? 'synack'
            : 'syn'
          : dataKind(tcp[1]!, tcp[3]!, vip);
      if (kind) out.push({ ...base, src: tcp[1]!, sport: Number(tcp[2]), dst: tcp[3]!, dport: Number(tcp[4]), kind });
      continue;
    }
    const icmp = /^(\d+\.\d+\.\d+\.\d+) > (\d+\.\d+\.\d+\.\d+): ICMP (.*?), length \d+/.exec(rest[0]);
    if (!icmp) continue;
    const quoted = rest
      .slice(1)
      .map((l) => ADDR_PORT.exec(l))
      .find((m) => m);
    out.push({
      ...base,
      src: icmp[1]!,
      dst: icmp[2]!,
      kind: 'icmp',
      icmp: icmp[3]!,
      ...(quoted ? { quoted: { src: quoted[1]!, sport: Number(quoted[2]) } } : {}),
    });
  }
  return out;
}

/** Captures on `nodes` until stopped (`clients` among them also capture the VIP's SYN-ACKs). */
export function startPacketTrail(lab: LabHandle, nodes: string[], vip: string, clients: string[] = []): PacketTrail {
  const captures = startCaptures(lab, nodes, (n) => trailFilter(vip, clients.includes(n)), {
    snaplen: TRAIL_SNAPLEN,
    bufferKiB: TRAIL_BUFFER_KIB,
  });
  return {
    ready: captures.ready,
    async stop() {
      const { outputs, gaps } = await captures.stop();
      // One node at a time, letting the worker's other work in between: a test worker runs
      // several scenarios at once, and every capture and monitor of the others is read by this
      // same event loop; parsing every node's output in one go held it for over a second
      // (a fault run's `workerLoop`, 2026-12-05), long enough for their pipes to fill.
      const packets: TrailPacket[] = [];
      for (const [n, out] of outputs) {
        for (const p of parseTcpdump(out, n, vip)) packets.push(p);
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
