/**
 * Suite 7, every VIP at once: one cluster withdraws every VIP it advertises (vip-withdrawn on
 * each of its nodes, as when its CiliumBGPAdvertisement is removed) and restores them. Every
 * ECMP router (meeting point) must move every VIP to the surviving clusters, and back to all
 * clusters, within the budget suite 4 derives for one VIP's withdrawal (hops × per-hop
 * allowance, helpers/faults/budgets.ts): a withdrawal of K prefixes travels in the same UPDATE
 * messages as one, so K may add processing but no protocol delay. No VIP may pass through "no
 * route" at an ECMP router. At one VIP (the seed) this repeats suite 4's first fault over the
 * whole FIB; at K VIPs (a generated lab) it is the scale claim, and its time is the figure
 * `npm run bench` reports.
 */
import { describe, expect, it, type RunnerTask } from 'vitest';
import { allVipsPlan, pairsNotAt } from '../helpers/faults/all-vips.js';
import { fromCommand } from '../helpers/faults/budgets.js';
import { faultTarget, scenarioWeights, settleBeforeFault } from '../helpers/faults/fault-target.js';
import { runFault } from '../helpers/experiment/run-fault.js';
import { allVipsScenario } from '../helpers/experiment/all-vips-scenario.js';
import type { FaultTimeline } from '../helpers/experiment/timeline.js';
import type { FibReach } from '../helpers/observe/route-monitor.js';
import { recordMetric } from '../helpers/report/metrics.js';
import { ALL_VIPS_KEYS } from '../helpers/report/metric-keys.js';
import { suiteScenarioLab, useLab } from './lab.js';

const lab = await useLab();
const plan = allVipsPlan(lab);
const target = faultTarget(lab);
let tl: FaultTimeline<unknown> | undefined;
// A withdrawal of every VIP at once weighs what one VIP's withdrawal does (its budgets).
const { 'vip-withdrawn': weight } = await scenarioWeights(lab, target, ['vip-withdrawn']);
// The three tests build on each other (preconditions, withdraw, restored): one lab for all.
const own = suiteScenarioLab('every VIP fails over at once', weight);

function record(
  task: RunnerTask,
  phase: 'fault' | 'failBack',
  r: FibReach,
  t0: number,
  budget: { seconds: number; formula: string },
) {
  if (r.t !== undefined)
    recordMetric(task, {
      key: ALL_VIPS_KEYS.move(phase),
      name: `${phase === 'fault' ? 'withdrawal' : 'restore'} of ${plan.vips.length} VIPs reaches every ECMP router`,
      value: Number(((r.t - t0) / 1000).toFixed(3)),
      unit: 's',
      budget: budget.seconds,
      formula: budget.formula,
    });
  recordMetric(task, { key: ALL_VIPS_KEYS.events(phase), name: 'route events on the ECMP routers', value: r.events });
}

function expectReached(r: FibReach, t0: number, budgetSeconds: number) {
  expect(r.notReached, 'every (ECMP router, VIP) pair in its new set').toEqual([]);
  expect(r.blackHoled, 'no VIP without a route at an ECMP router on the way').toEqual([]);
  expect(r.t, 'an event stamp for every pair (a pair that moved unseen means a missed event)').toBeDefined();
  expect((r.t! - t0) / 1000).toBeLessThanOrEqual(budgetSeconds);
}

describe(`every VIP of ${plan.victimCluster} (${plan.vips.length}) fails over at once`, () => {
  it(`preconditions: ECMP routers (${plan.routers.join(', ') || 'none'}) hold every VIP over every cluster`, async () => {
    expect(plan.routers.length, 'a router where the clusters meet').toBeGreaterThan(0);
    await settleBeforeFault(own(), faultTarget(own()));
    expect(await pairsNotAt(own(), plan, plan.full)).toEqual([]);
  });

  it(`withdrawn on ${plan.victimNodes.join(', ')}: every ECMP router moves every VIP to the survivors`, async ({
    task,
  }) => {
    // The experiment withdraws, waits, restores and waits again; the next test judges the return.
    tl = await runFault(own(), allVipsScenario(faultTarget(own()), plan), {});
    expect(tl.missed, 'the route monitors saw every FIB change (their last state matches a fresh dump)').toEqual([]);
    // Timed from the command: the budget holds the provider's path to the withdrawal (fromCommand).
    const detect = fromCommand(tl.spec, 'detect');
    record(task, 'fault', tl.moved!, tl.tFault, detect);
    expectReached(tl.moved!, tl.tFault, detect.seconds);
  });

  it('restored: every ECMP router holds every VIP over every cluster again', ({ task }) => {
    expect(tl, 'the withdrawal ran').toBeDefined();
    const failBack = fromCommand(tl!.spec, 'failBack');
    record(task, 'failBack', tl!.back!, tl!.tRestore, failBack);
    expectReached(tl!.back!, tl!.tRestore, failBack.seconds);
  });
});
