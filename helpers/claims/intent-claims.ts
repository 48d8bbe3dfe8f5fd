/**
 * Claims of the declared intent on the running lab, judged from live state only (not from the
 * expectations derived from the files): where the VIP's packets go, hop by hop.
 */
import { kernelNextHops } from '../readers/frr.js';
import { addressOwner } from '../model/expected-routes.js';
import { overRouters } from '../model/intent.js';
import type { LabHandle } from '../providers/api/lab-handle.js';
import type { Check } from './claim-shape.js';

/** The clusters a router's live FIB sends the VIP to, following router next hops until Kubernetes nodes. */
export async function clustersBehind(
  lab: LabHandle,
  router: string,
  vip: string,
  seen = new Set<string>(),
): Promise<string[]> {
  seen.add(router);
  const out = new Set<string>();
  for (const h of await kernelNextHops(lab, router, `${vip}/32`)) {
    const owner = addressOwner(lab.model, h.gateway);
    if (owner && lab.model.k8sNodes[owner]) out.add(lab.model.k8sNodes[owner]!.cluster);
    else if (owner && lab.model.routers[owner] && !seen.has(owner))
      for (const c of await clustersBehind(lab, owner, vip, seen)) out.add(c);
  }
  return [...out].sort();
}

/** The routers a router's live FIB sends the VIP to (its next hops' owners). */
async function routersNext(lab: LabHandle, router: string, vip: string): Promise<string[]> {
  const hops = await kernelNextHops(lab, router, `${vip}/32`);
  return [...new Set(hops.map((h) => addressOwner(lab.model, h.gateway) ?? h.gateway))].sort();
}

/**
 * The router forwards the VIP over exactly these clusters (ECMP where there are several), or,
 * when `over` names routers, over exactly these next routers.
 */
export const vipForwardedOver: Check<{ router: string; vip: string; over: string[] }> = async (lab, e) => {
  const got = overRouters(lab.model, e.over)
    ? await routersNext(lab, e.router, e.vip)
    : await clustersBehind(lab, e.router, e.vip);
  const want = [...e.over].sort();
  return got.join() === want.join()
    ? []
    : [`${e.router} forwards ${e.vip} over ${got.join(', ') || 'no cluster'}, intent says ${want.join(', ')}`];
};
