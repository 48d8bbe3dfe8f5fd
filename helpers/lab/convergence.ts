/**
 * "The lab is up" means: every BGP session of every router is Established, and every
 * router's kernel FIB holds each VIP with the next hops the configs say it should (one
 * per cluster where the fabric meets). Provider-agnostic: it reads only through LabHandle.
 */
import { expectedVipRoutes } from '../model/expected-routes.js';
import { bgpNeighbors, kernelNextHops } from '../clients/frr.js';
import type { LabHandle } from '../providers/provider.js';

/** Returns undefined when converged, else a sentence saying what is not there yet. */
export async function convergenceProblem(lab: LabHandle): Promise<string | undefined> {
  const problems: string[] = [];
  const routers = Object.values(lab.model.routers).filter((r) => r.frr.bgp);
  await Promise.all(
    routers.map(async (r) => {
      const neighbors = await bgpNeighbors(lab, r.name);
      for (const addr of Object.keys(r.frr.bgp!.neighbors)) {
        const n = neighbors[addr];
        if (n?.state !== 'Established') problems.push(`${r.name}: session to ${addr} is ${n?.state ?? 'not configured'}`);
      }
    }),
  );
  await Promise.all(
    expectedVipRoutes(lab.model).map(async (e) => {
      const hops = await kernelNextHops(lab, e.router, `${e.vip}`);
      const want = e.multipath ? e.candidates.map((c) => c.nextHop).sort() : undefined;
      const got = hops.map((h) => h.gateway).sort();
      if (want ? JSON.stringify(want) !== JSON.stringify(got) : got.length !== 1) {
        problems.push(`${e.router}: FIB has ${e.vip} via [${got.join(', ') || 'nothing'}], expected ${want ? `[${want.join(', ')}]` : 'one of ' + e.candidates.map((c) => c.nextHop).join(', ')}`);
      }
    }),
  );
  return problems.length ? problems.sort().join('; ') : undefined;
}
