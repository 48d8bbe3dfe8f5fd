/**
 * Claims of the declared intent on the running lab, judged from live state only (not from the
 * expectations derived from the files): where the VIP's packets go, hop by hop.
 */
import { kernelNextHops, vtyshJson } from '../readers/frr.js';
import { parseCommunity } from '../model/frr-policy.js';
import { addressOwner, expectedVipRoutes } from '../model/expected-routes.js';
import { overRouters, ownLeaves } from '../model/intent.js';
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

/**
 * A drained cluster receives no new connection: no router but its own leaves forwards the VIP to
 * it in its live FIB (followed hop by hop, as clustersBehind).
 */
export const drainedUnreached: Check<{ vip: string; cluster: string }> = async (lab, e) => {
  const own = ownLeaves(lab.model, e.vip, e.cluster);
  const out: string[] = [];
  for (const router of Object.keys(lab.model.routers).filter((r) => !own.includes(r))) {
    const behind = await clustersBehind(lab, router, e.vip);
    if (behind.includes(e.cluster))
      out.push(`${router} forwards ${e.vip} to the drained ${e.cluster} (over ${behind.join(', ')})`);
  }
  return out;
};

/** Each cluster's path for the VIP, as its leaf received it from the node, carries `community` (AA:NN or a well-known name). */
export const vipPathsCarry: Check<{ vip: string; clusters: string[]; community: string }> = async (lab, e) => {
  const want = parseCommunity(e.community);
  const out: string[] = [];
  const routes = expectedVipRoutes(lab.model);
  for (const cluster of e.clusters)
    for (const leaf of ownLeaves(lab.model, e.vip, cluster, routes)) {
      const r = await vtyshJson<{ paths?: { peer?: { peerId?: string }; community?: { string?: string } }[] }>(
        lab,
        leaf,
        `show bgp ipv4 unicast ${e.vip}/32`,
      );
      const fromNodes = (r.paths ?? []).filter(
        (p) => lab.model.k8sNodes[addressOwner(lab.model, p.peer?.peerId ?? '') ?? ''],
      );
      for (const p of fromNodes) {
        const got = (p.community?.string ?? '')
          .split(/\s+/)
          .filter(Boolean)
          .map((c) => parseCommunity(c) ?? c);
        if (!got.includes(want!))
          out.push(
            `${leaf} receives ${e.vip} from ${addressOwner(lab.model, p.peer!.peerId!)} with communities [${got.join(' ') || 'none'}], intent says it carries ${e.community}`,
          );
      }
      if (!fromNodes.length) out.push(`${leaf} holds no path for ${e.vip} from a node of ${cluster}`);
    }
  return out;
};
