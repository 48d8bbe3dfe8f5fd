/**
 * The gate catches what it should: break the running lab the way a bad change would, and the
 * right claim fails with a message an on-call engineer understands; lift the break and the lab
 * holds again. The breaks are data (suites/breakage/breaks.ts: how each applies to this lab's
 * model, what to wait for, the claims it must trip and their sentences), run one test each by
 * suites/breakage/run-break.ts; today:
 *   - the meeting point of the clusters' paths loses `bgp bestpath as-path multipath-relax` →
 *     the VIP-routes claims (RIB, FIB) and the intent's live ECMP claim fail (no ECMP)
 *   - a leaf gets a wrong MD5 password → the sessions claim fails, on both ends, and stays failed
 *   - the router upstream of a leaf prepends its AS once more towards it → the lab's own
 *     AS-path claim (a `vtysh:` entry of intent.yaml) fails, naming the length it expected
 *     and the one it found
 * A claim that still passes under its break fails the test: `gate missed <break>: <claim> still
 * passes`. A break that cannot apply to this lab (no meeting point, no AS-path claim, ...) is
 * reported "not verified" with the reason, by name.
 * Then, of another shape: the VIP pool changes → nothing fails, and the VIP moves everywhere
 * consistently (netns: a second lab built from a changed copy of the lab's files, run side by
 * side; containerlab: the running lab's pool reconfigured, then restored: suites/breakage/pool-change.ts).
 * (Config-level breakage of the files themselves is caught earlier, by `check`: test/mutants/.)
 */
import { describe, expect, it } from 'vitest';
import { bringUp, convergenceDeadlineSeconds } from '../helpers/lab/bring-up.js';
import { createProvider } from '../helpers/lab/select-provider.js';
import { allOf } from '../helpers/claims/claim-shape.js';
import { convergenceProblem } from '../helpers/claims/convergence.js';
import { sessionAsConfigured } from '../helpers/claims/session-claims.js';
import { vipRouteFib, vipRouteRib } from '../helpers/claims/vip-route-claims.js';
import { kernelNextHops } from '../helpers/readers/frr.js';
import { httpGet } from '../helpers/readers/http-probe.js';
import { labSessions } from '../helpers/model/lab-sessions.js';
import { advertisedVips, expectedVipRoutes, vipPort } from '../helpers/model/expected-routes.js';
import { Deadline, waitUntil } from '../helpers/os/poll.js';
import { recordMetric } from '../helpers/report/metrics.js';
import { BREAKAGE_KEYS } from '../helpers/report/metric-keys.js';
import { notVerified } from '../helpers/report/not-verified.js';
import type { LabHandle } from '../helpers/providers/api/lab-handle.js';
import { labCopy } from '../test/support/lab-copy.js';
import { BREAKS } from './breakage/breaks.js';
import { runBreak } from './breakage/run-break.js';
import { poolChangeMethod, withChangedPool } from './breakage/pool-change.js';
import { SCENARIO_TIMEOUT_MS, scenarioLab, scenariosInParallel, useLab } from './lab.js';

const lab = await useLab();

// Each break on a lab of its own, side by side when the run has copies (suites/lab.ts scenarioLab).
(scenariosInParallel() ? describe.concurrent : describe)('breaking the lab breaks the right claim', () => {
  for (const brk of BREAKS) {
    const plan = brk.plan(lab.model);
    if (typeof plan === 'string') it(brk.name, (ctx) => notVerified(ctx, plan));
    else
      it(
        plan.title,
        async (ctx) =>
          // Its weight for the pool: the longest it waits for the break to show, and to hold.
          runBreak(await scenarioLab(ctx, plan.settle.seconds + (plan.staysSeconds ?? 0)), brk.name, plan),
        SCENARIO_TIMEOUT_MS,
      );
  }

  // Of another shape, not a break of the running lab: the pool change must fail nothing. netns
  // runs a second lab beside this one; containerlab cannot (its copy would reuse this lab's
  // minikube profiles, networks and bridges), so it reconfigures this lab's pool and restores
  // it (suites/breakage/pool-change.ts). The title and a metric say which ran.
  const method = poolChangeMethod(lab);
  const title = lab.canRunSecondLab
    ? 'a changed VIP pool fails nothing and moves the VIP everywhere consistently'
    : `a changed VIP pool (${method}) fails nothing and moves the VIP everywhere consistently`;
  it(title, async ({ task }) => {
    const copy = labCopy(lab.model.root);
    copy.edit(
      'fixtures/cilium/lb-ip-pool.yaml',
      /start: (\S+)\n(\s+)stop: (\S+)/,
      'start: 172.31.9.40\n$2stop: 172.31.9.50',
    );
    recordMetric(task, { key: BREAKAGE_KEYS.poolChangeMethod, name: 'method', value: method });
    const oldVip = [...advertisedVips(lab.model).keys()][0]!;
    const used = await withChangedPool(lab, copy, (view, changed) => allHoldOnNewPool(view, changed, oldVip), {
      createProvider,
      bringUp,
      converged: async (view) =>
        void (await waitUntil(() => convergenceProblem(view), {
          what: 'the lab to converge on the changed pool',
          deadline: new Deadline(convergenceDeadlineSeconds(view.provider) * 1000),
        })),
    });
    expect(used).toBe(method);
    // The running lab was changed and put back: it must converge on its own pool again.
    if (!lab.canRunSecondLab)
      await waitUntil(() => convergenceProblem(lab), {
        what: 'the lab to re-converge on its own pool',
        deadline: new Deadline(30_000),
      });
  });
});

/** On the changed pool: the VIP is the new pool's, every session and VIP route holds, no router keeps the old VIP, every client reaches the new one. */
async function allHoldOnNewPool(view: LabHandle, changed: LabHandle['model'], oldVip: string): Promise<void> {
  const vips = [...advertisedVips(changed).keys()];
  expect(vips, 'the VIP LB-IPAM hands out from the new pool').toEqual(['172.31.9.40']);
  for (const s of labSessions(changed)) {
    expect(await sessionAsConfigured(view, s), `session ${s.name}`).toEqual([]);
  }
  for (const e of expectedVipRoutes(changed)) {
    expect(await allOf(vipRouteRib, vipRouteFib)(view, e), `${e.router}`).toEqual([]);
    expect(await kernelNextHops(view, e.router, oldVip), `${e.router} no longer routes the old VIP`).toEqual([]);
  }
  for (const client of Object.keys(changed.hosts)) {
    const r = await httpGet(view, client, vips[0]!, { port: vipPort(changed, vips[0]!) });
    expect(r.error, `${client} → ${vips[0]}`).toBeUndefined();
  }
}
