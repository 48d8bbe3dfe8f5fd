/**
 * Bring-up's "converged" waits for what the configs install, not for what the product claims:
 * a spine limited to `maximum-paths 1` converges (with one next hop) and the ECMP claim then
 * fails by name in suite 2, instead of bring-up timing out with no test to say why.
 */
import { describe, expect, it } from 'vitest';
import { convergenceProblem } from '../../helpers/claims/convergence.js';
import { CONVERGENCE_DEADLINE_SECONDS, convergenceDeadlineSeconds } from '../../helpers/lab/bring-up.js';
import { vipRouteFib } from '../../helpers/claims/vip-route-claims.js';
import { expectedVipRoutes } from '../../helpers/model/expected-routes.js';
import { loadLabModel, type LabModel } from '../../helpers/model/lab-model.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import { labCopy } from '../support/lab-copy.js';

/** A lab whose sessions are all Established and whose routers install one next hop (the first candidate) per VIP. */
function fakeLab(model: LabModel, hopsFor: (router: string, candidates: string[]) => string[]): LabHandle {
  const expected = expectedVipRoutes(model);
  const vtysh = async (router: string, command: string) => {
    if (command.startsWith('show bgp neighbors')) {
      const n = model.routers[router]!.frr.bgp!.neighbors;
      return JSON.stringify(
        Object.fromEntries(Object.keys(n).map((a) => [a, { bgpState: 'Established', remoteAs: 1, localAs: 1 }])),
      );
    }
    const e = expected.find((x) => x.router === router && command.includes(x.vip))!;
    const hops = hopsFor(
      router,
      e.candidates.map((c) => c.nextHop),
    );
    return JSON.stringify({
      paths: e.candidates
        .filter((c) => hops.includes(c.nextHop))
        .map((c) => ({
          nexthops: [{ ip: c.nextHop }],
          aspath: { string: c.asPaths[0] },
          origin: 'IGP',
          valid: true,
          multipath: true,
        })),
    });
  };
  const exec = async (router: string, argv: string[]) => {
    const e = expected.find((x) => x.router === router && argv.includes(x.vip))!;
    const hops = hopsFor(
      router,
      e.candidates.map((c) => c.nextHop),
    );
    const route =
      hops.length === 1
        ? { dst: e.vip, gateway: hops[0] }
        : { dst: e.vip, nexthops: hops.map((gateway) => ({ gateway, dev: 'eth' })) };
    return { stdout: JSON.stringify([route]), stderr: '', exitCode: 0 };
  };
  return { model, vtysh, exec } as unknown as LabHandle;
}

describe('convergence waits for what the configs install', () => {
  it('with maximum-paths 1 on the spine: converged with one next hop, and the ECMP claim fails naming the line', async () => {
    const copy = labCopy();
    copy.edit('containerlab/configs/spine.frr.conf', 'maximum-paths 8', 'maximum-paths 1');
    const model = loadLabModel({ root: copy.root });
    const oneHop = fakeLab(model, (_r, c) => c.slice(0, 1));
    expect(await convergenceProblem(oneHop)).toBeUndefined();
    const spine = expectedVipRoutes(model).find((e) => e.router === 'spine')!;
    expect((await vipRouteFib(oneHop, spine)).join()).toContain('maximum-paths 1');
  });

  it('with the seed config, one next hop at the spine is not converged yet', async () => {
    const model = loadLabModel({ root: labCopy().root });
    const problem = await convergenceProblem(fakeLab(model, (r, c) => (r === 'spine' ? c.slice(0, 1) : c)));
    expect(problem).toMatch(/spine's kernel routes \S+ via \[[\d.]+\], expected exactly/);
  });
});

describe('the convergence deadline', () => {
  it("is the provider's unless ANYCAST_VERIFY_CONVERGENCE_SECONDS says otherwise; a bad value is refused by name", () => {
    expect(convergenceDeadlineSeconds('netns', {})).toBe(CONVERGENCE_DEADLINE_SECONDS.netns);
    expect(convergenceDeadlineSeconds('containerlab', { ANYCAST_VERIFY_CONVERGENCE_SECONDS: '' })).toBe(
      CONVERGENCE_DEADLINE_SECONDS.containerlab,
    );
    expect(convergenceDeadlineSeconds('netns', { ANYCAST_VERIFY_CONVERGENCE_SECONDS: '2.5' })).toBe(2.5);
    for (const bad of ['abc', '0', '-3'])
      expect(() => convergenceDeadlineSeconds('netns', { ANYCAST_VERIFY_CONVERGENCE_SECONDS: bad })).toThrow(
        `ANYCAST_VERIFY_CONVERGENCE_SECONDS: expected a number of seconds > 0, got "${bad}"`,
      );
  });
});
