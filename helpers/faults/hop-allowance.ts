/**
 * What the fault budgets allow for one BGP hop and for the fault's own injection, from FRR's
 * timers and from measured runs, never a typed slack:
 *
 * - A hop: FRR holds every change twice by design, bgpd 50 ms in its process queue before best
 *   path (`bgp->process_queue->spec.hold = 50`, bgpd/bgp_route.c:4340 @ frr-10.3) and zebra 10 ms
 *   in its RIB work queue (ZEBRA_RIB_PROCESS_HOLD_TIME, zebra/zebra_router.h:163,
 *   zebra/zebra_rib.c:3917 @ frr-10.3). A router passes a change on after bgpd's hold (rx → tx)
 *   and installs it after both (rx → fib). What a link takes beyond those holds is work and the
 *   host's scheduling: measured (./measured-allowances.json, which says when, where and how) and
 *   allowed as the band of those excesses (./bands.ts: max + 10·MAD). A hop is allowed both holds
 *   plus that band: the slower of its two links.
 * - The injection (vip-withdrawn: the command reaching the speaker, which then sends its UPDATE)
 *   is the tool's own latency, not the network's: on the netns lab a gobgp CLI process starting
 *   and calling gobgpd over gRPC. Allowed as the band of the measured injections; the netns
 *   provider adds it to the detect and fail-back budgets of vip-withdrawn.
 *
 * - A fabric session re-opened at a link's return (uplink-down: the restore to both ends
 *   Established, the `up` link of the waterfall): bgpd's next-hop tracking, the TCP handshake
 *   and the OPEN/KEEPALIVE exchange, collisions included. Allowed as the band of the measured ones.
 *
 * - A crashed speaker's start (speaker-crash: the restore to its new gobgpd process up, which
 *   then waits out GoBGP's first-dial timer): the band of the measured starts.
 *
 * The measurements were taken with one core kept busy (as scripts/flake-loop.sh does), the
 * harshest condition the suites are held to; `npm run gate-mutants -- --busy --measure` takes
 * them again and prints the file.
 */
import measured from './measured-allowances.json' with { type: 'json' };
import { bandOf, type Band } from './bands.js';

/** FRR's two holds per hop, ms (sources above). */
export const FRR_HOLDS_MS = { bgpdProcessQueue: 50, zebraRibQueue: 10 } as const;

/** The recorded measurement: the samples and how they were taken. */
export interface MeasuredAllowances {
  date: string;
  command: string;
  host: string;
  runtime: string;
  runs: number;
  /** Each hop link's time beyond FRR's holds for it (tx: bgpd's; fib: both), ms. */
  hopExcessMs: number[];
  /** Each vip-withdrawn injection: the command to the victim's UPDATE on the wire, ms. */
  injectionMs: number[];
  /** Each fabric session re-opened at the restore of uplink-down: the restore to both ends Established, ms. */
  reconnectMs: number[];
  /** Each crashed speaker's restart: the restore to its new process up (the emulated node's start), ms. */
  speakerStartMs: number[];
}

export const MEASURED: MeasuredAllowances = measured;

export interface Allowance {
  seconds: number;
  formula: string;
}

const source = (m: MeasuredAllowances, b: Band) =>
  `max ${b.max.toFixed(1)} + 10 × MAD ${b.mad.toFixed(2)} ms of ${b.n} measured in ${m.runs} runs, ${m.host}, ${m.date}`;

/** One BGP hop: both FRR holds plus the band of the measured excesses. */
export function hopAllowance(m: MeasuredAllowances = MEASURED): Allowance {
  const band = bandOf(m.hopExcessMs, 0.01);
  const holds = FRR_HOLDS_MS.bgpdProcessQueue + FRR_HOLDS_MS.zebraRibQueue;
  return {
    seconds: (holds + band.upper) / 1000,
    formula: `FRR's holds ${FRR_HOLDS_MS.bgpdProcessQueue} + ${FRR_HOLDS_MS.zebraRibQueue} ms + work ≤ ${band.upper.toFixed(0)} ms (${source(m, band)})`,
  };
}

/** The fault's own injection on the netns lab (vip-withdrawn): the band of the measured ones. */
export function injectionAllowance(m: MeasuredAllowances = MEASURED): Allowance {
  const band = bandOf(m.injectionMs, 0.01);
  return {
    seconds: band.upper / 1000,
    formula: `the command reaching the speaker ≤ ${band.upper.toFixed(0)} ms (${source(m, band)})`,
  };
}

/** A speaker's start after a crash on the embedded lab (restore → its new gobgpd up): the band of the measured ones. */
export function speakerStartAllowance(m: MeasuredAllowances = MEASURED): Allowance {
  const band = bandOf(m.speakerStartMs, 0.01);
  return {
    seconds: band.upper / 1000,
    formula: `speaker start ≤ ${band.upper.toFixed(0)} ms (${source(m, band)})`,
  };
}

/** A fabric session re-opened when its link returns (restore → both ends Established): the band of the measured ones. */
export function reconnectAllowance(m: MeasuredAllowances = MEASURED): Allowance {
  const band = bandOf(m.reconnectMs, 0.01);
  return {
    seconds: band.upper / 1000,
    formula: `the session re-opened ≤ ${band.upper.toFixed(0)} ms (${source(m, band)})`,
  };
}
