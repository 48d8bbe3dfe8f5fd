/**
 * One run of each fault for every claim that watches it. Suite 4 judges a fault by fresh
 * connections (the probes, the packet trail, the BGP capture) and by established ones (the held
 * connections): both sets of claims read the same injection of the fault, with every observer
 * attached at once, instead of each waiting out the same timers on a run of its own
 * (node-link-down alone waits ~24 s of hold and graceful-restart timers; measured in
 * docs/scenario-labs.md). The first test that asks for a kind leases its scenario lab and runs
 * it; the others await that run (runShares: every fault the held connections watch, and why
 * that is safe). A fault only the fresh connections watch has its run to itself. A test file has
 * one module registry, so both describes of suite 4 share these runs; another file
 * would run its own.
 */
import type { TestContext } from 'vitest';
import { runFault } from '../helpers/experiment/run-fault.js';
import { probeObserver, type ProbeRecords } from '../helpers/experiment/probe-observer.js';
import { trailObserver, type Trail } from '../helpers/experiment/trail-observer.js';
import { bgpObserver, type BgpSeen } from '../helpers/experiment/bgp-observer.js';
import { heldObserver, type HeldSeen } from '../helpers/experiment/held-observer.js';
import type { FailoverTimeline } from '../helpers/experiment/failover-findings.js';
import type { RehashTimeline } from '../helpers/experiment/rehash-findings.js';
import type { FaultTimeline, Observers } from '../helpers/experiment/timeline.js';
import { faultTarget, type FaultTarget } from '../helpers/faults/fault-target.js';
import { HELD_DEFAULTS } from '../helpers/traffic/held-connections.js';
import { faultKindsOf, type FaultKind } from '../helpers/providers/api/fault-kinds.js';
import type { LabHandle } from '../helpers/providers/api/lab-handle.js';
import { scenarioLab } from './lab.js';

/** The fresh-connection probe: a new connection every 10 ms, each with a 300 ms timeout. */
export const PROBE = { intervalMs: 10, timeoutMs: 300 };

/** What one run observed: the fresh connections, the held ones, or both (runShares). */
export type SharedTimeline = FaultTimeline<{ probes?: ProbeRecords; trail?: Trail; bgp?: BgpSeen; held?: HeldSeen }>;

export interface FaultRun {
  /** The lab the run had to itself, and the fault's target on it. */
  lab: LabHandle;
  target: FaultTarget;
  tl: SharedTimeline;
}

/** What a test judges of a run: fresh connections (the probes, trail, BGP capture) or held ones. */
export type Watch = 'fresh' | 'held';

const HELD_KINDS: readonly FaultKind[] = faultKindsOf('held-connections');

/**
 * Whether both watches share one run of `kind`: every fault the held connections watch. Their
 * load (64 connections per client, a request each every 100 ms) slows the tool's own commands
 * (measured 2026-12-04: vip-withdrawn's command reached the wire after 131–478 ms shared, 122–189
 * ms apart), which is why sharing once failed vip-withdrawn's budgets; the budgets now start where
 * the fault took effect (helpers/experiment/fault-effect.ts), so the command's time is outside them.
 */
export function runShares(kind: FaultKind): boolean {
  return HELD_KINDS.includes(kind);
}

function observersFor(kind: FaultKind, watch: Watch): Observers {
  const fresh = { probes: probeObserver(PROBE), trail: trailObserver(), bgp: bgpObserver() };
  const held = { held: heldObserver(HELD_DEFAULTS) };
  if (runShares(kind)) return { ...fresh, ...held };
  return watch === 'fresh' ? fresh : held;
}

const runs = new Map<string, Promise<FaultRun>>();

/**
 * The run of `kind` that `watch` judges: started by the first test that asks (on a scenario lab
 * leased for that test), awaited by the rest.
 */
export function faultRun(ctx: TestContext, kind: FaultKind, watch: Watch, weight: number): Promise<FaultRun> {
  const key = runShares(kind) ? kind : `${kind} (${watch})`;
  let run = runs.get(key);
  if (!run) {
    run = (async () => {
      const lab = await scenarioLab(ctx, weight);
      const target = faultTarget(lab);
      const tl = (await runFault(lab, { target, kind }, observersFor(kind, watch))) as SharedTimeline;
      return { lab, target, tl };
    })();
    runs.set(key, run);
  }
  return run;
}

/** The run as suite 4's fresh-connection findings read it; undefined when the run did not watch them. */
export function freshView(tl: SharedTimeline): FailoverTimeline | undefined {
  const { probes, trail, bgp } = tl.observed;
  return probes && trail && bgp ? { ...tl, observed: { probes, trail, bgp } } : undefined;
}

/** The run as the established-connection findings read it; undefined when the run did not watch them. */
export function heldView(tl: SharedTimeline): RehashTimeline | undefined {
  const { held } = tl.observed;
  return held ? { ...tl, observed: { held } } : undefined;
}
