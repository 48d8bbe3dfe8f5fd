/**
 * The BGP messages themselves, as the routers and nodes sent and received them: tcpdump on
 * TCP port 179 in a namespace, decoded by tcpdump's own BGP printer (`-v`), with the kernel's
 * capture time. Every segment's TCP flags too, so a session's SYN, FIN and RST are events as
 * well. MD5-signed sessions decode the same (the TCP-MD5 option signs, it does not encrypt).
 * This is the raw material of a failover's chain of events: who sent the withdrawal, when
 * each hop received it, when it sent it on (the FIB side comes from the route monitor).
 */
import type { LabHandle } from '../providers/api/lab-handle.js';
import { startCaptures } from './captures.js';

export type BgpMessageType = 'OPEN' | 'UPDATE' | 'NOTIFICATION' | 'KEEPALIVE' | 'ROUTE-REFRESH' | 'EOR';

export interface BgpMessage {
  /** Epoch ms (kernel capture time). */
  t: number;
  /** The namespace that captured it, and whether it left or entered it there. */
  node: string;
  dev: string;
  dir: 'In' | 'Out';
  src: string;
  dst: string;
  type: BgpMessageType;
  /** UPDATE: prefixes withdrawn and announced (as tcpdump prints them, a.b.c.d/n). */
  withdrawn: string[];
  announced: string[];
  asPath?: string;
  /** NOTIFICATION: tcpdump's description ("Cease (6), subcode Hard Reset (9)"). */
  notification?: string;
}

/** A TCP segment of a BGP session that opens or closes it. */
export interface BgpSegment {
  t: number;
  node: string;
  dir: 'In' | 'Out';
  src: string;
  dst: string;
  flags: 'SYN' | 'SYN-ACK' | 'FIN' | 'RST';
}

const HEAD = /^(\d+\.\d+) (\S+)\s+(In|Out)\s+IP /;
const ADDRS = /^\s*(\d+\.\d+\.\d+\.\d+)\.\d+ > (\d+\.\d+\.\d+\.\d+)\.\d+: Flags \[([^\]]*)\]/;
const MESSAGE = /^\s*(Open|Update|Notification|Keepalive|Route Refresh) Message \(\d+\)(.*)$/;
const TYPES: Record<string, BgpMessageType> = {
  Open: 'OPEN',
  Update: 'UPDATE',
  Notification: 'NOTIFICATION',
  Keepalive: 'KEEPALIVE',
  'Route Refresh': 'ROUTE-REFRESH',
};

function segmentFlags(flags: string): BgpSegment['flags'] | undefined {
  if (flags.includes('R')) return 'RST';
  if (flags.includes('S')) return flags.includes('.') ? 'SYN-ACK' : 'SYN';
  if (flags.includes('F')) return 'FIN';
  return undefined;
}

/** Parses `tcpdump -i any -nn -tt -v 'tcp port 179'` output captured in `node`. */
export function parseBgpCapture(text: string, node: string): { messages: BgpMessage[]; segments: BgpSegment[] } {
  const messages: BgpMessage[] = [];
  const segments: BgpSegment[] = [];
  let pkt: { t: number; dev: string; dir: 'In' | 'Out'; src?: string; dst?: string } | undefined;
  let msg: BgpMessage | undefined;
  let list: 'withdrawn' | 'announced' | undefined;
  for (const line of text.split('\n')) {
    const h = HEAD.exec(line);
    if (h) {
      pkt = { t: Number(h[1]) * 1000, dev: h[2]!, dir: h[3] as 'In' | 'Out' };
      msg = undefined;
      list = undefined;
      continue;
    }
    if (!pkt) continue;
    const a = ADDRS.exec(line);
    if (a && !pkt.src) {
      Object.assign(pkt, { src: a[1], dst: a[2] });
      const flags = segmentFlags(a[3]!);
      if (flags) segments.push({ t: pkt.t, node, dir: pkt.dir, src: a[1]!, dst: a[2]!, flags });
      continue;
    }
    const m = MESSAGE.exec(line);
    if (m && pkt.src) {
      const type = TYPES[m[1]!]!;
      const base = { t: pkt.t, node, dev: pkt.dev, dir: pkt.dir, src: pkt.src, dst: pkt.dst! };
      msg = { ...base, type, withdrawn: [], announced: [] };
      if (type === 'NOTIFICATION') msg.notification = m[2]!.replace(/^, length: \d+, /, '').trim();
      messages.push(msg);
      list = undefined;
      continue;
    }
    if (!msg) continue;
    const body = line.trim();
    // tcpdump also prints this after a withdrawal-only UPDATE (no attributes, no NLRI): only an empty UPDATE is End-of-RIB.
    if (/^End-of-Rib Marker/.test(body)) msg.type = msg.withdrawn.length || msg.announced.length ? msg.type : 'EOR';
    else if (/^Withdrawn routes:/.test(body)) list = 'withdrawn';
    else if (/^Updated routes:/.test(body)) list = 'announced';
    else if (/^AS Path \(2\)/.test(body)) msg.asPath = body.split(': ').at(-1)!.trim();
    else if (list && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(body)) msg[list].push(body);
    else list = undefined;
  }
  return { messages, segments };
}

export interface BgpCapture {
  /** Resolves once every capture is listening (or has failed to start). */
  ready: Promise<void>;
  /** Stops the captures; resolves with what they saw and, per node, why its capture is incomplete. */
  stop(): Promise<{ messages: BgpMessage[]; segments: BgpSegment[]; gaps: Record<string, string> }>;
}

/** Captures BGP on `nodes` until stopped (tcpdump from the lab runtime, as the packet trail does). */
export function startBgpCapture(lab: LabHandle, nodes: string[]): BgpCapture {
  const captures = startCaptures(lab, nodes, 'tcp port 179');
  return {
    ready: captures.ready,
    async stop() {
      const { outputs, gaps } = await captures.stop();
      const parsed = [...outputs].map(([n, out]) => parseBgpCapture(out, n));
      const byTime = <T extends { t: number }>(xs: T[]) => xs.sort((a, b) => a.t - b.t);
      return {
        messages: byTime(parsed.flatMap((p) => p.messages)),
        segments: byTime(parsed.flatMap((p) => p.segments)),
        gaps,
      };
    },
  };
}
