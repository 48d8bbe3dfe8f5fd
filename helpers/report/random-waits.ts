/**
 * The waterfall links that hold a random wait, and the window each must fall in. A random wait
 * gets no band from the baseline (ten samples of a uniform wait say little about its edges,
 * and a band wide enough for them hides every regression next to it): it is checked against
 * the window the timers and the GoBGP version allow, from the same sources as the budgets.
 *
 * - `failBack.<victim>.dial` after the restore (the victim's first SYN):
 *   - speaker-crash: the restarted speaker's first dial, GoBGP's firstDial window
 *     (helpers/runtimes/gobgp-behaviour.ts, cited per version), after its own `start` link (the
 *     process start, deterministic and banded like any other);
 *   - node-link-down, silent-drop: the restore lands anywhere in the speaker's retry cycle: a
 *     dial may hang up to the dial timeout, the next comes within one retry interval:
 *     [0, dialTimeout + retry.max) (budgets.ts sessionLostSpec, the same window).
 * - `fault.<leaf>.tx|fib` after the fault, on a hold-timer fault (node-link-down, silent-drop):
 *   the last keepalive came at any phase of the speaker's keepalive interval before the fault,
 *   so the leaf's hold timer expires in [hold − keepalive, hold) after it, plus the GR restart
 *   time when the N-bit keeps stale routes (RFC 8538; budgets.ts sessionLostSpec).
 *
 * - `<phase>.<victim>.tx` after the fault or restore on vip-withdrawn: the injection's own
 *   latency (the command reaching the speaker), not guarded; the totals are judged without it.
 *
 * Every other link is deterministic work (a timer of fixed length, UPDATE processing, a FIB
 * install, a wire crossing) and gets a band (./bands.ts). A timer fires and then the router
 * works: the event lands up to one hop's processing after the window, so a window is widened
 * by the largest band of the same fault phase's deterministic links (`tail`).
 */
import { FAULT_KINDS, type FaultKind } from '../providers/api/fault-kinds.js';
import { speakerStartAllowance } from '../faults/hop-allowance.js';
import { gobgpBehaviour } from '../runtimes/gobgp-behaviour.js';
import type { LabInfo, LabTimers } from './lab-info.js';

export interface WaitWindow {
  /** Seconds, [min, max). */
  min: number;
  max: number;
  formula: string;
}

/** A waterfall link as the gate reads it from its key (`waterfall.<phase>.<node>.<event>`) and its record. */
export interface LinkId {
  phase: string;
  node: string;
  event: string;
  /** The event it follows (`t0`: the fault or the restore). */
  after: string;
}

/** The fault a suite-4 test ran, from its name (`… > silent-drop: node silently drops …`). */
export function faultOfTest(name: string): FaultKind | undefined {
  return (Object.keys(FAULT_KINDS) as FaultKind[]).find((k) => name.includes(`> ${k}:`) || name.startsWith(`${k}:`));
}

interface WindowInputs {
  fault: FaultKind | undefined;
  lab: Partial<LabInfo> | undefined;
  /** The victim's timers (the node whose speaker the fault hit). */
  timers: LabTimers | undefined;
  /** Whether a hold expiry keeps stale routes for the restart time (GR with the N-bit, as the budget was derived). */
  staleOnHoldExpiry: boolean;
}

/**
 * The window of a random link, or undefined for a deterministic one. A random link whose window
 * cannot be derived (no GoBGP version or timers in the results) comes back with `unknown` set.
 */
export function randomWait(
  link: LinkId,
  w: WindowInputs,
): WaitWindow | { unknown: string } | { notGuarded: string } | undefined {
  // A restarted speaker's dial follows its start (a link of its own), not the restore.
  const afterStart = link.event === 'dial' && link.after.endsWith('.start');
  if ((link.after !== 't0' && !afterStart) || !w.fault) return undefined;
  // The withdrawal (and the re-advertisement at the restore) is the fault itself: from the
  // command to the victim's UPDATE is the injection's own latency (netns: a gobgp CLI process
  // starting and reaching gobgpd over gRPC, 100-300 ms and growing with the host's load;
  // containerlab: the API change reaching cilium-agent), not the network's work.
  const seenBy = FAULT_KINDS[w.fault].seenBy;
  if (seenBy === 'update' && link.event === 'tx')
    return { notGuarded: "the fault's own injection (the command reaching the speaker), not the network's work" };
  const holdFault = seenBy === 'hold-timer';
  const dial = link.phase === 'failBack' && link.event === 'dial' && (holdFault || seenBy === 'restart');
  const keepalivePhase = link.phase === 'fault' && holdFault && (link.event === 'tx' || link.event === 'fib');
  if (!dial && !keepalivePhase) return undefined;
  const version = w.lab?.versions?.gobgp;
  if (!w.timers || (dial && !version))
    return { unknown: `no ${w.timers ? 'GoBGP version' : "timers for the fault's victim"} in the results' lab` };
  const t = w.timers;
  if (keepalivePhase) {
    const gr = w.staleOnHoldExpiry && t.gracefulRestart ? t.gracefulRestart.restartTimeSeconds : 0;
    return {
      min: t.hold - t.keepalive + gr,
      max: t.hold + gr,
      formula: `hold ${t.hold} s − keepalive phase [0, ${t.keepalive}) s${gr ? ` + GR restart time ${gr} s (N-bit)` : ''}`,
    };
  }
  const g = gobgpBehaviour(version!);
  if (seenBy === 'restart') {
    const first = g.firstDial(t.connectRetry);
    const start = speakerStartAllowance().seconds;
    // The first-dial timer starts while the speaker comes up (GoBGP adds the peer from its
    // config before the restore returns), so after the start link the dial comes up to one
    // start earlier than the timer's minimum (measured: 825-955 ms after a 1 s minimum). A
    // result from before that link was recorded (dial after t0) holds the whole start.
    return afterStart
      ? {
          min: first.min - start,
          max: first.max,
          formula: `${first.formula}, timer started inside the speaker's start ≤ ${start.toFixed(2)} s`,
        }
      : { min: first.min, max: first.max + start, formula: `${first.formula} + speaker start ≤ ${start.toFixed(2)} s` };
  }
  const retry = g.retry(t.connectRetry);
  const timeout = g.dialTimeout(t.connectRetry);
  return {
    min: 0,
    max: timeout + retry.max,
    formula: `a hanging dial ≤ ${timeout} s + the next retry ≤ ${retry.max} s (${retry.formula})`,
  };
}
