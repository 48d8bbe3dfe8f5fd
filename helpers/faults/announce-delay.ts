/**
 * FRR's own wait before it sends what a policy change or a route refresh changed. A router drain
 * (./drains.ts) reaches the fabric through it, a withdrawal does not:
 * - `clear bgp … soft out` calls bgp_announce_route (bgpd/bgpd.c:8460); `clear bgp … soft in`
 *   without soft-reconfiguration inbound sends a ROUTE-REFRESH (bgpd.c:8506-8511), and the
 *   receiver answers it through bgp_announce_route too (bgpd/bgp_packet.c:3095);
 * - bgp_announce_route sends nothing at once: it starts a timer of
 *   BGP_ANNOUNCE_ROUTE_SHORT_DELAY_MS (100 ms) when the peer is alone in its update subgroup and
 *   BGP_ANNOUNCE_ROUTE_DELAY_MS (500 ms) when it shares it, and a second call while that timer
 *   runs changes nothing (bgpd/bgp_route.c:5886-5904, bgpd/bgpd.h:1070-1071).
 * Lines at frr-10.3; the same two values at frr-8.4.4 (bgpd.h:940-941, bgp_route.c:4962) and
 * frr-10.5.1 (bgpd.h:1183-1184, bgp_route.c:6146).
 */
import type { Allowance } from './hop-allowance.js';

export const FRR_ANNOUNCE_DELAY_MS = { alone: 100, shared: 500 } as const;

/** The session a drain's changed UPDATE goes out on: the sending router and its peer's address. */
export interface Announcer {
  router: string;
  to: string;
  /** Peers in that update subgroup when the plan knows it (a route-map it gives exactly these peers); else read live. */
  peers?: number;
}

/** The announce timer for the slowest of `peers` (each the size of a sender's subgroup; undefined: not read). */
export function announceAllowance(announcers: { router: string; peers?: number }[]): Allowance | undefined {
  if (!announcers.length) return undefined;
  const shared = announcers.filter((a) => a.peers === undefined || a.peers > 1);
  if (!shared.length)
    return {
      seconds: FRR_ANNOUNCE_DELAY_MS.alone / 1000,
      formula: `FRR's announce timer ${FRR_ANNOUNCE_DELAY_MS.alone} ms (${announcers[0]!.router}: the peer alone in its update subgroup)`,
    };
  const a = shared[0]!;
  return {
    seconds: FRR_ANNOUNCE_DELAY_MS.shared / 1000,
    formula: `FRR's announce timer ${FRR_ANNOUNCE_DELAY_MS.shared} ms (${a.router}: ${a.peers === undefined ? 'its update subgroup not read' : `${a.peers} peers share the update subgroup`})`,
  };
}
