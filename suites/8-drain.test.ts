/**
 * Suite 8, a planned drain. Each way an operator drains a cluster before maintenance
 * (helpers/faults/drains.ts: GRACEFUL_SHUTDOWN on its advertisement, AS-path prepend on its leaf,
 * local preference where the clusters meet) runs on a lab of its own under the clients' fresh
 * requests and held connections (helpers/experiment/drain-run.ts): drain, wait until every
 * meeting point has left the cluster, withdraw and re-advertise its VIP, lift the drain.
 * The claims: the drain moves the fabric within the withdrawal's own detect budget; the
 * maintenance under the drain loses no request and breaks no held connection, the meeting
 * points do not change, and the drained cluster gets no new request; the fabric comes back.
 * What the drain and its lift cost (requests lost, connections broken, seconds) is measured
 * and reported, not judged: that is the price of each method, compared in the docs.
 */
import { describe, expect, it } from 'vitest';
import { faultTarget } from '../helpers/faults/fault-target.js';
import { DRAIN_METHODS, drainPlan, type DrainMethod } from '../helpers/faults/drains.js';
import { runDrain } from '../helpers/experiment/drain-run.js';
import { drainFindings, type StepCost } from '../helpers/experiment/drain-findings.js';
import { recordDrain } from '../helpers/report/drain-report.js';
import { notVerified } from '../helpers/report/not-verified.js';
import { SCENARIO_TIMEOUT_MS, scenarioLab, scenariosInParallel, useLab } from './lab.js';
import { contentionNote } from '../helpers/os/cpu-pressure.js';

const lab = await useLab();
const target = faultTarget(lab);
/** Expected seconds per drain, for the scenario pool (the heaviest first): measured 2026-12-04, ~10 s each. */
const WEIGHT = 10;
const at = (t: number, t0: number) => `${((t - t0) / 1000).toFixed(3)} s`;
/** The step's own commands' time, for a failure to say whether the tool or the fabric was slow. */
const took = (s: StepCost) =>
  s.commandSeconds !== undefined ? ` (its own commands returned after ${s.commandSeconds.toFixed(3)} s)` : '';

(scenariosInParallel() ? describe.concurrent : describe)(
  `planned drain of ${target.victimCluster}: its maintenance costs nothing`,
  () => {
    for (const method of Object.keys(DRAIN_METHODS) as DrainMethod[]) {
      it(
        `${method}: ${DRAIN_METHODS[method]}`,
        async (ctx) => {
          if (target.unsupported) notVerified(ctx, target.unsupported);
          const own = await scenarioLab(ctx, WEIGHT);
          const ownTarget = faultTarget(own);
          const plan = drainPlan(own.model, ownTarget, method);
          if ('unsupported' in plan) notVerified(ctx, plan.unsupported);
          if (method === 'advertisement' && !own.reconfigure)
            notVerified(ctx, `the ${own.provider} provider cannot change a running lab's advertisements`);
          const run = await runDrain(own, ownTarget, plan);
          const f = drainFindings(run, ownTarget, own.model);
          recordDrain(ctx.task, f);
          const t0 = run.tDrain;
          expect(
            f.harness.map((r) => `${at(r.t, t0)} ${r.client}: ${r.harness}`),
            'requests the probe could not send',
          ).toEqual([]);
          expect(
            run.problem,
            'the drain, the maintenance and the lift each reached their state in time',
          ).toBeUndefined();
          expect(run.missed, 'the route monitors saw every FIB change').toEqual([]);
          const contention = (from?: number, to?: number) =>
            from !== undefined && to !== undefined ? contentionNote(run.cpuPressure, from, to) : '';
          expect(
            f.drain.seconds!,
            `drained within ${f.drain.allowed?.formula}${took(f.drain)}${contention(run.tDrain, run.tDrained)}`,
          ).toBeLessThanOrEqual(f.drain.allowed!.seconds);
          expect(
            f.maintenance.lost.map(
              (r) => `${at(r.t, t0)} ${r.client} port ${r.sport} (${r.err}): ${r.verdict}: ${r.detail}`,
            ),
            `no request lost while ${ownTarget.victimCluster} withdrew and re-advertised its VIP under the drain${contention(run.tWithdraw, run.tRestored)}`,
          ).toEqual([]);
          expect(
            f.maintenance.broken.map((c) => `${c.client} #${c.id} (${c.cluster}): ${c.how} at ${at(c.brokeAt!, t0)}`),
            'no held connection broken by it',
          ).toEqual([]);
          expect(
            f.maintenance.ecmpChanges.map((c) => `${at(c.t, t0)} ${c.router}: [${c.nextHops.join(', ')}]`),
            'the meeting points did not change',
          ).toEqual([]);
          expect(
            f.maintenance.toDrained.map((r) => `${at(r.t, t0)} ${r.client}`),
            `the drained ${ownTarget.victimCluster} got no new request`,
          ).toEqual([]);
          expect(
            f.lift.seconds!,
            `back on every cluster within ${f.lift.allowed?.formula}${took(f.lift)}${contention(run.tLift, run.tBack)}`,
          ).toBeLessThanOrEqual(f.lift.allowed!.seconds);
        },
        SCENARIO_TIMEOUT_MS,
      );
    }
  },
);
