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
import { afterAll, describe, expect, it } from 'vitest';
import { allVipsPlan, pairsNotAt, withdrawAllVips, type AllVipsMove } from '../helpers/faults/all-vips.js';
import { budgetFault, faultTarget, settleBeforeFault } from '../helpers/faults/fault-target.js';
import { recordMetric } from '../helpers/report/metrics.js';
import type { RunnerTask } from 'vitest';
import { useLab } from './lab.js';

const lab = await useLab();
const plan = allVipsPlan(lab);
const target = faultTarget(lab);
let restore: ((deadlineMs: number) => Promise<AllVipsMove>) | undefined;

function record(
  task: RunnerTask,
  phase: 'fault' | 'failBack',
  m: AllVipsMove,
  budget: { seconds: number; formula: string },
) {
  if (m.seconds !== undefined)
    recordMetric(task, {
      key: `allVips.${phase}`,
      name: `${phase === 'fault' ? 'withdrawal' : 'restore'} of ${plan.vips.length} VIPs reaches every ECMP router`,
      value: Number(m.seconds.toFixed(3)),
      unit: 's',
      budget: budget.seconds,
      formula: budget.formula,
    });
  recordMetric(task, { key: `allVips.${phase}.events`, name: 'route events on the ECMP routers', value: m.events });
}

function expectMoved(m: AllVipsMove, budgetSeconds: number) {
  expect(m.notMoved, 'every (ECMP router, VIP) pair in its new set').toEqual([]);
  expect(m.blackHoled, 'no VIP without a route at an ECMP router on the way').toEqual([]);
  expect(m.seconds, 'an event stamp for every pair (a pair that moved unseen means a missed event)').toBeDefined();
  expect(m.seconds!).toBeLessThanOrEqual(budgetSeconds);
}

// A failed withdrawal test leaves the VIPs withdrawn: put them back for whatever runs next.
afterAll(async () => {
  await restore?.(30_000);
});

describe(`every VIP of ${plan.victimCluster} (${plan.vips.length}) fails over at once`, () => {
  it(`preconditions: ECMP routers (${plan.routers.join(', ') || 'none'}) hold every VIP over every cluster`, async () => {
    expect(plan.routers.length, 'a router where the clusters meet').toBeGreaterThan(0);
    await settleBeforeFault(lab, target);
    expect(await pairsNotAt(lab, plan, plan.full)).toEqual([]);
  });

  it(`withdrawn on ${plan.victimNodes.join(', ')}: every ECMP router moves every VIP to the survivors`, async ({
    task,
  }) => {
    const { spec } = await budgetFault(lab, target, 'vip-withdrawn');
    const w = await withdrawAllVips(lab, plan, spec.detect.seconds * 1000 + 5000);
    restore = w.restore;
    const m = w.move;
    record(task, 'fault', m, spec.detect);
    expectMoved(m, spec.detect.seconds);
  });

  it('restored: every ECMP router holds every VIP over every cluster again', async ({ task }) => {
    expect(restore, 'the withdrawal ran').toBeDefined();
    const { spec } = await budgetFault(lab, target, 'vip-withdrawn');
    const m = await restore!(spec.failBack.seconds * 1000 + 5000);
    restore = undefined;
    record(task, 'failBack', m, spec.failBack);
    expectMoved(m, spec.failBack.seconds);
  });
});
