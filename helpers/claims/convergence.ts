/**
 * "The lab is up" means: every BGP session of every router is Established, and every
 * router's kernel FIB holds each VIP with the next hops the configs say it should (one
 * per cluster where the fabric meets). Provider-agnostic: it reads only through LabHandle.
 */
import { expectedVipRoutes } from '../model/expected-routes.js';
import { bgpNeighbors } from '../readers/frr.js';
import { vipRouteFibAsInstalled } from './vip-route-claims.js';
import type { LabHandle } from '../providers/api/lab-handle.js';

/** Returns undefined when converged, else a sentence saying what is not there yet. */
export async function convergenceProblem(lab: LabHandle): Promise<string | undefined> {
  const problems: string[] = [];
  const routers = Object.values(lab.model.routers).filter((r) => r.frr.bgp);
  await Promise.all(
    routers.map(async (r) => {
      const neighbors = await bgpNeighbors(lab, r.name);
      for (const addr of Object.keys(r.frr.bgp!.neighbors)) {
        const n = neighbors[addr];
        if (n?.state !== 'Established')
          problems.push(`${r.name}: session to ${addr} is ${n?.state ?? 'not configured'}`);
      }
    }),
  );
  await Promise.all(
    expectedVipRoutes(lab.model).map(async (e) => {
      // What this router's config installs (the VIP-routes suite then checks the intent).
      problems.push(...(await vipRouteFibAsInstalled(lab, e)));
    }),
  );
  return problems.length ? problems.sort().join('; ') : undefined;
}
