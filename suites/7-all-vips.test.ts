/**
 * Suite 7, every VIP at once: one cluster withdraws every VIP it advertises (vip-withdrawn on
 * each of its nodes, as when its CiliumBGPAdvertisement is removed) and restores them. Every
 * ECMP router (meeting point) must move every VIP to the surviving clusters, and back to all
 * clusters, within the budget suite 4 derives for one VIP's withdrawal (hops × per-hop
 * allowance, helpers/faults/budgets.ts): a withdrawal of K prefixes travels in the same UPDATE
 * messages as one, so K may add processing but no protocol delay. No VIP may pass through "no
 * route" at an ECMP router. At one VIP (the seed) this repeats suite 4's first fault over the
 * whole FIB; at K VIPs (a generated lab) it is the scale claim, and its time is the figure
 * `npm run bench` reports. Each phase is timed from the victims' first UPDATE for any of the
 * VIPs on the wire (a BGP capture runs through it: helpers/experiment/fault-effect.ts), as suite
 * 4 times one VIP's; without it, from the command, with the provider's path in the budget.
 */
import { describe, expect, it, type RunnerTask } from 'vitest';
import { allVipsPlan, pairsNotAt } from '../helpers/faults/all-vips.js';
import { faultTarget, scenarioWeights, settleBeforeFault } from '../helpers/faults/fault-target.js';
import { runFault } from '../helpers/experiment/run-fault.js';
import { allVipsScenario } from '../helpers/experiment/all-vips-scenario.js';
import type { FaultTimeline } from '../helpers/experiment/timeline.js';
import { bgpObserver, type BgpSeen } from '../helpers/experiment/bgp-observer.js';
import { phaseAnchor, type PhaseAnchor } from '../helpers/experiment/fault-effect.js';
import type { FibReach } from '../helpers/observe/route-monitor.js';
import { recordMetric } from '../helpers/report/metrics.js';
import { ALL_VIPS_KEYS } from '../helpers/report/metric-keys.js';
import { suiteScenarioLab, useLab } from './lab.js';
import { expectOneClock } from './one-clock.js';
import { contentionNote, type CpuPressure } from '../helpers/os/cpu-pressure.js';

const lab = await useLab();
const plan = allVipsPlan(lab);
const target = faultTarget(lab);
let tl: FaultTimeline<{ bgp: BgpSeen }> | undefined;
// A withdrawal of every VIP at once weighs what one VIP's withdrawal does (its budgets).
const { 'vip-withdrawn': weight } = await scenarioWeights(lab, target, ['vip-withdrawn']);
// The three tests build on each other (preconditions, withdraw, restored): one lab for all.
const own = suiteScenarioLab('every VIP fails over at once', weight);

/** Where the phase is timed from: the victims' first UPDATE for any VIP, else the command. */
function anchorOf(phase: 'detect' | 'failBack', r: FibReach): PhaseAnchor {
  const run = tl!;
  return phaseAnchor(
    own().model,
    faultTarget(own()),
    { ...run, bgp: run.observed.bgp, prefixes: plan.vips },
    phase,
    r.t,
  );
}

function record(task: RunnerTask, phase: 'fault' | 'failBack', r: FibReach, a: PhaseAnchor) {
  if (r.t !== undefined)
    recordMetric(task, {
      key: ALL_VIPS_KEYS.move(phase),
      name: `${phase === 'fault' ? 'withdrawal' : 'restore'} of ${plan.vips.length} VIPs reaches every ECMP router`,
      value: Number(((r.t - a.t) / 1000).toFixed(3)),
      unit: 's',
      budget: a.budget.seconds,
      formula: `from ${a.seen}: ${a.budget.formula}`,
    });
  if (a.commandS !== undefined)
    recordMetric(task, {
      key: ALL_VIPS_KEYS.command(phase),
      name: `the command to ${a.seen} (the provider's path, outside the budget)`,
      value: Number(a.commandS.toFixed(3)),
      unit: 's',
    });
  recordMetric(task, { key: ALL_VIPS_KEYS.events(phase), name: 'route events on the ECMP routers', value: r.events });
}

function expectReached(r: FibReach, a: PhaseAnchor, pressure: CpuPressure) {
  // The real lab's control plane (Cilium reconciling) is the system under test: its path to the wire is a claim of its own.
  if (a.controlPlane)
    expect(
      a.commandS!,
      `the control plane's command to ${a.seen} took ${a.commandS!.toFixed(2)} s (budget ${a.controlPlane.formula})`,
    ).toBeLessThanOrEqual(a.controlPlane.seconds);
  expect(r.notReached, 'every (ECMP router, VIP) pair in its new set').toEqual([]);
  expect(r.blackHoled, 'no VIP without a route at an ECMP router on the way').toEqual([]);
  expect(r.t, 'an event stamp for every pair (a pair that moved unseen means a missed event)').toBeDefined();
  expect((r.t! - a.t) / 1000, `${a.budget.formula}${contentionNote(pressure, a.t, r.t!)}`).toBeLessThanOrEqual(
    a.budget.seconds,
  );
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
    tl = await runFault(own(), allVipsScenario(faultTarget(own()), plan), { bgp: bgpObserver() });
    expectOneClock(tl);
    expect(tl.missed, 'the route monitors saw every FIB change (their last state matches a fresh dump)').toEqual([]);
    const detect = anchorOf('detect', tl.moved!);
    record(task, 'fault', tl.moved!, detect);
    expectReached(tl.moved!, detect, tl.cpuPressure);
  });

  it('restored: every ECMP router holds every VIP over every cluster again', ({ task }) => {
    expect(tl, 'the withdrawal ran').toBeDefined();
    const failBack = anchorOf('failBack', tl!.back!);
    record(task, 'failBack', tl!.back!, failBack);
    expectReached(tl!.back!, failBack, tl!.cpuPressure);
  });
});
