/**
 * One cluster withdraws every VIP it advertises at once (vip-withdrawn on each of its nodes,
 * as when its CiliumBGPAdvertisement is removed), and comes back: which VIPs, which ECMP
 * routers (meeting points), and the next hops each must hold over the survivors only and back
 * over all clusters. The suite that runs it (suites/7-all-vips.test.ts) and `npm run bench`
 * share it; helpers/experiment/run-fault.ts runs it, timed by the route monitor's events.
 */
import { kernelNextHops } from '../readers/frr.js';
import { pairKey } from '../observe/route-monitor.js';
import { advertisedVips, expectedVipRoutes } from '../model/expected-routes.js';
import type { LabHandle } from '../providers/api/lab-handle.js';

export interface AllVipsPlan {
  victimCluster: string;
  victimNodes: string[];
  /** The VIPs the victim cluster advertises (each also advertised by another cluster). */
  vips: string[];
  /** The meeting points: routers that hold the VIPs over several clusters. */
  routers: string[];
  /** Per `router vip`: every next hop, and the next hops left without the victim cluster (sorted). */
  full: Map<string, string[]>;
  survivors: Map<string, string[]>;
}

const key = pairKey;

export function allVipsPlan(lab: LabHandle, victimCluster?: string): AllVipsPlan {
  const model = lab.model;
  const advertised = advertisedVips(model);
  const victim = victimCluster ?? [...advertised.values()][0]![0]!;
  const vips = [...advertised].filter(([, cs]) => cs.includes(victim) && cs.length > 1).map(([v]) => v);
  const set = new Set(vips);
  const ecmp = expectedVipRoutes(model).filter((e) => set.has(e.vip) && e.meetingPoint && e.installed > 1);
  const hops = (e: (typeof ecmp)[number], keep: (clusters: string[]) => boolean) =>
    e.candidates
      .filter((c) => keep(c.clusters))
      .map((c) => c.nextHop)
      .sort();
  return {
    victimCluster: victim,
    victimNodes: Object.keys(model.clusters[victim]!.speakers),
    vips,
    routers: [...new Set(ecmp.map((e) => e.router))],
    full: new Map(ecmp.map((e) => [key(e.router, e.vip), hops(e, () => true)])),
    survivors: new Map(ecmp.map((e) => [key(e.router, e.vip), hops(e, (cs) => cs.some((c) => c !== victim))])),
  };
}

/** Every pair whose kernel next hops differ from `want` now (one table dump per router). */
export async function pairsNotAt(lab: LabHandle, plan: AllVipsPlan, want: Map<string, string[]>): Promise<string[]> {
  const out: string[] = [];
  await Promise.all(
    [...want].map(async ([k, hops]) => {
      const [router, vip] = k.split(' ') as [string, string];
      const got = (await kernelNextHops(lab, router, `${vip}/32`)).map((h) => h.gateway).sort();
      if (got.join() !== hops.join()) out.push(`${k}: holds [${got.join(', ')}], expected [${hops.join(', ')}]`);
    }),
  );
  return out.sort();
}
