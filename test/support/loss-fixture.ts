/**
 * The loss-attribution tests' lab in miniature: a moment t0, the FIB history of three routers
 * (the spine loses cluster01's leaf at +200 ms; leaf2 has no route from +90 to +150 ms, then one
 * back towards the spine), the attribution context, and a SYN's trail from `tcpdump -v` text.
 */
import type { TrailPacket } from '../../helpers/observe/packet-trail.js';
import type { AttributionContext } from '../../helpers/observe/loss-attribution.js';
import { SYN, trailOf } from './trail-pcap.js';

export const t0 = 1795798058000;
const fib: Record<string, { t: number; hops: string[] }[]> = {
  spine: [
    { t: t0, hops: ['10.0.2.11', '10.0.3.11'] },
    { t: t0 + 200, hops: ['10.0.3.11'] },
  ],
  leaf2: [
    { t: t0, hops: ['192.168.49.2'] },
    { t: t0 + 90, hops: [] },
    { t: t0 + 150, hops: ['10.0.2.1'] },
  ],
  leaf1: [{ t: t0, hops: ['10.0.1.1'] }],
};
export const ctx: AttributionContext = {
  clientAddress: { client: '192.168.100.11' },
  nodeCluster: { cluster01: 'cluster01', cluster02: 'cluster02' },
  routers: ['leaf1', 'spine', 'leaf2'],
  fibAt: (r, t) => fib[r]?.filter((c) => c.t <= t).at(-1)?.hops,
  gaps: {},
};
export const s = (ms: number) => ((t0 + ms) / 1000).toFixed(6);
export const trail = (sport: number, ms: number, hops: [string, string][], ttl = 64): TrailPacket[] =>
  hops.flatMap(([node, dir], i) =>
    trailOf(SYN(s(ms + i * 0.01), 'eth1', dir, ttl - Math.floor(i / 2), 100 + sport, '192.168.100.11', sport), node),
  );
