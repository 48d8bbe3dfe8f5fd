/**
 * Where each lost request died: a packet capture (tcpdump) in every router, client and
 * Kubernetes node of the lab, filtered to what explains a failed connection to the VIP —
 * the client's SYNs to it, resets from it, and ICMP errors. A SYN keeps its IP id hop by hop,
 * so the captures together give each request's trail: the last node that received it without
 * sending it on is where it died, the same node seen twice is a forwarding loop, and the ICMP
 * error that quotes its source port names the router that told the client.
 *
 * tcpdump runs from the lab runtime (netns) like every other tool in a node. Where it cannot
 * run (a container without it), that node's trail is reported as missing, never guessed.
 */
import type { LabHandle, SpawnedProcess } from '../providers/api/lab-handle.js';

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
  kind: 'syn' | 'rst' | 'icmp';
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

/** The capture filter: SYNs to the VIP, resets from it, ICMP errors (not echo). */
export function trailFilter(vip: string): string {
  return [
    `(tcp and dst host ${vip} and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn)`,
    `(tcp and src host ${vip} and tcp[tcpflags] & tcp-rst != 0)`,
    `(icmp and icmp[icmptype] != icmp-echo and icmp[icmptype] != icmp-echoreply)`,
  ].join(' or ');
}

const ADDR_PORT = /^(\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+): Flags \[([^\]]*)\]/;

/** Parses `tcpdump -i any -nn -tt -v` output: a record is a line starting with the timestamp plus its indented lines. */
export function parseTcpdump(text: string, node: string): TrailPacket[] {
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
      out.push({
        ...base,
        src: tcp[1]!,
        sport: Number(tcp[2]),
        dst: tcp[3]!,
        dport: Number(tcp[4]),
        kind: tcp[5]!.includes('R') ? 'rst' : 'syn',
      });
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

/** Captures on `nodes` until stopped. */
export function startPacketTrail(lab: LabHandle, nodes: string[], vip: string): PacketTrail {
  const captures = new Map<string, SpawnedProcess>(
    nodes.map((n) => [n, lab.spawn(n, ['tcpdump', '-i', 'any', '-nn', '-tt', '-l', '-v', trailFilter(vip)])]),
  );
  const listening = (p: SpawnedProcess) => /listening on/.test(p.errorOutput?.() ?? '');
  const ready = (async () => {
    const until = Date.now() + 3000;
    const exited = new Set<string>();
    for (const [n, p] of captures) void p.done.then(() => exited.add(n));
    while (Date.now() < until && ![...captures].every(([n, p]) => listening(p) || exited.has(n)))
      await new Promise((res) => setTimeout(res, 20));
  })();
  let stopping: ReturnType<PacketTrail['stop']> | undefined;
  return {
    ready,
    stop: () => (stopping ??= finish()),
  };
  async function finish(): ReturnType<PacketTrail['stop']> {
    await ready;
    for (const p of captures.values()) p.stop();
    const packets: TrailPacket[] = [];
    const gaps: Record<string, string> = {};
    for (const [n, p] of captures) {
      const r = await p.done;
      packets.push(...parseTcpdump(r.stdout, n));
      const dropped = /(\d+) packets? dropped by kernel/.exec(r.stderr);
      if (!/listening on/.test(r.stderr))
        gaps[n] = `no capture: ${r.stderr.trim().split('\n').at(-1) || `tcpdump exited ${r.exitCode}`}`;
      else if (dropped && Number(dropped[1]) > 0)
        gaps[n] = `${dropped[1]} packets dropped by the kernel before tcpdump read them`;
    }
    return { packets: packets.sort((a, b) => a.t - b.t), gaps };
  }
}
