import type { AllVipsPlan } from '../faults/all-vips.js';
import type { FaultTarget } from '../faults/fault-target.js';
import type { FaultScenario } from './timeline.js';

/**
 * The all-VIPs fault for helpers/experiment/run-fault.ts: vip-withdrawn on every node of the
 * victim cluster at once, every VIP watched on the ECMP routers, each pair wanted at the
 * survivors' next hops and then back at every cluster's. The waits run past the budget by
 * `overrunMs`, so a slow move is measured (and fails its claim with its value).
 */
export function allVipsScenario(target: FaultTarget, plan: AllVipsPlan, overrunMs = 5000): FaultScenario {
  return {
    target,
    kind: 'vip-withdrawn',
    nodes: plan.victimNodes,
    moved: plan.survivors,
    back: plan.full,
    watch: { routers: plan.routers, prefixes: plan.vips },
    overrunMs,
  };
}
