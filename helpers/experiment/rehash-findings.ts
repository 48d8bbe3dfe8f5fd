/**
 * What an established-connections timeline shows, for suite 4 to record and judge: each held
 * connection's fate against the FIB's prediction (helpers/faults/rehash.ts), and the binomial
 * band of the share hash-threshold moves (helpers/traffic/hash-threshold.ts) at the ECMP
 * router, for the next-hop sets it held before the fault, once moved and once back. Pure.
 */
import { judgeRehash, type RehashJudgement } from '../faults/rehash.js';
import type { FaultTarget } from '../faults/fault-target.js';
import { binomialBand, Z } from '../traffic/binomial.js';
import { movedShare } from '../traffic/hash-threshold.js';
import type { HeldSeen } from './held-observer.js';
import type { FaultTimeline } from './timeline.js';

export type RehashTimeline = FaultTimeline<{ held: HeldSeen }>;

export interface Band {
  low: number;
  high: number;
  /** How it was derived: n × p ± Z·σ, and the next-hop sets p comes from. */
  formula: string;
}

export interface RehashFindings {
  judged: RehashJudgement;
  /** The ECMP router whose next-hop sets give the shares. */
  router: string;
  faultBand: Band;
  backBand: Band;
  /** Of the connections broken by the fault, those a survivor (not the victim's cluster) served. */
  brokenOnSurvivors: number;
  /** Connections whose fate the FIB predicted, in percent. */
  agreement: number;
}

function band(n: number, before: string[], after: string[], router: string): Band {
  const p = movedShare(before, after);
  const { low, high } = binomialBand(n, p);
  const sets = `hash-threshold share moved from [${before.join(', ')}] to [${after.join(', ')}] at ${router}`;
  return { low, high, formula: `${n} × ${p.toFixed(3)} ± ${Z}·σ (${sets})` };
}

/** Undefined when the fabric did not move or come back (the timeline's `late` says which). */
export function rehashFindings(target: FaultTarget, tl: RehashTimeline): RehashFindings | undefined {
  const { held } = tl.observed;
  const tMoved = tl.moved?.t;
  if (tMoved === undefined || !held.moved || !held.back) return undefined;
  const judged = judgeRehash(
    held.conns,
    { fault: tl.tFault, moved: tMoved, restore: tl.tRestore, end: held.tEnd },
    held.before.clusters,
    held.moved.clusters,
    held.back.clusters,
  );
  const router = target.ecmpRouters[0]!;
  const [before, moved, back] = [held.before, held.moved, held.back].map((r) => r.hops.get(router)!);
  const { fault, failBack } = judged.counts;
  const n = judged.verdicts.length;
  return {
    judged,
    router,
    faultBand: band(fault.alive, before!, moved!, router),
    backBand: band(failBack.openedAfterMove, moved!, back!, router),
    brokenOnSurvivors: judged.verdicts.filter(
      (v) => v.transition === 'fault' && v.observedBreak && v.servedBy !== target.victimCluster,
    ).length,
    agreement: n ? (100 * (n - judged.disagreements.length)) / n : 0,
  };
}
