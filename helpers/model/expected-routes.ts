/**
 * What every router should hold for each VIP, derived from the configs alone: the BGP
 * graph (FRR neighbours + the clusters' speakers), the paths each router accepts, prefers and
 * advertises under its routing policy (path-derivation.ts: local preference, AS path length,
 * MED, the route-maps and lists of the derived subset), and ECMP where `multipath-relax` and
 * `maximum-paths` allow it. The suites compare live state against this; nothing here is
 * hard-coded.
 */
import type { LabModel, RouterModel } from './lab-model.js';
import type { ServiceModel } from './clusters.js';
import { routerView, settledBestPaths, type PathInfo, type RouterView } from './path-derivation.js';
import type { LearnedPath } from './best-path.js';

export { addressOwner, addressTowards, interfaceTowards, speakerOf } from './lab-addresses.js';

export interface ExpectedPath {
  /** Next-hop address (the neighbour's address as configured on this router). */
  nextHop: string;
  /** The neighbour node. */
  via: string;
  /**
   * AS path as FRR prints it ("65002 65101"). A router advertises only its best path, so
   * when the neighbour has several equal ones this lists each it may have picked.
   */
  asPaths: string[];
  /** Clusters the path can lead to. */
  clusters: string[];
  /** The local preference the router gives the path (100 unless policy sets it). */
  localPref: number;
}

export interface ExpectedVipRoute {
  router: string;
  vip: string;
  /** Every shortest path the router learns. */
  candidates: ExpectedPath[];
  /**
   * True when FRR installs all candidates (ECMP): they share one AS path, or the router
   * has `bgp bestpath as-path multipath-relax`. Otherwise exactly one is installed.
   */
  multipath: boolean;
  /** How many next hops the RIB and FIB will hold, given this router's config. */
  installed: number;
  /**
   * Where the clusters' paths meet (the shortest paths lead to different clusters): the
   * product's claim is ECMP over all of them here, whatever the config says. Not a router
   * whose every path leads to every cluster (leaf1 over several spines, each of them a
   * meeting point): its ECMP spreads over routers, as its config allows (`multipath`).
   */
  meetingPoint: boolean;
  /**
   * When a meeting point's config prevents that ECMP, or when the router learns paths to more
   * clusters than it selects because of routing policy: why, naming the files and lines.
   */
  whyNotEcmp?: string;
  /** Routing policy (a route-map, a list, graceful-shutdown) changed what this router selects: what, in words. */
  policy?: string;
}

/** The Service that holds a VIP (the first one, in cluster order), if any. */
export function vipService(model: LabModel, vip: string): ServiceModel | undefined {
  for (const c of Object.values(model.clusters)) for (const s of c.services) if (s.vip === vip) return s;
  return undefined;
}

/** The port clients reach a VIP on: its Service's. */
export function vipPort(model: LabModel, vip: string): number {
  const s = vipService(model, vip);
  if (!s) throw new Error(`no Service holds ${vip}`);
  return s.port;
}

/** Every VIP any cluster advertises, with the clusters advertising it. */
export function advertisedVips(model: LabModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of Object.values(model.clusters)) {
    for (const sp of Object.values(c.speakers)) {
      for (const a of sp.peers.flatMap((p) => p.advertise)) {
        const vip = a.prefix.split('/')[0]!;
        const list = out.get(vip) ?? [];
        if (!list.includes(c.name)) list.push(c.name);
        out.set(vip, list);
      }
    }
  }
  return out;
}

/** What every BGP router should hold for each advertised VIP (a router that learns none is left out). */
export function expectedVipRoutes(model: LabModel): ExpectedVipRoute[] {
  const out: ExpectedVipRoute[] = [];
  const routers = Object.values(model.routers).filter((r) => r.frr.bgp);
  for (const [vip] of advertisedVips(model)) {
    const prefix = `${vip}/32`;
    const table = settledBestPaths(model, routers, prefix);
    for (const r of routers) {
      const view = routerView(model, table, r.name, prefix);
      if (view.selection.best.length === 0) continue;
      out.push(expectedRoute(r, vip, view));
    }
  }
  return out;
}

/** The selected paths grouped by next hop: a neighbour's equal alternatives are one candidate. */
function candidatesOf(best: LearnedPath<PathInfo>[]): ExpectedPath[] {
  const byHop = new Map<string, ExpectedPath>();
  for (const p of best) {
    const c = byHop.get(p.info.nextHop) ?? {
      nextHop: p.info.nextHop,
      via: p.info.via,
      asPaths: [],
      clusters: [],
      localPref: p.attrs.localPref,
    };
    const path = p.attrs.asns.join(' ');
    if (!c.asPaths.includes(path)) c.asPaths.push(path);
    if (!c.clusters.includes(p.info.cluster)) c.clusters.push(p.info.cluster);
    byHop.set(p.info.nextHop, c);
  }
  return [...byHop.values()];
}

/** What one router installs for a VIP from what it selects, as its config allows, and whether it is a meeting point. */
function expectedRoute(r: RouterModel, vip: string, view: RouterView): ExpectedVipRoute {
  const bgp = r.frr.bgp!;
  const candidates = candidatesOf(view.selection.best);
  const multipath = candidates.length === 1 || view.selection.multipath;
  const maxPaths = bgp.maximumPaths ?? 64;
  const installed = multipath ? Math.min(candidates.length, maxPaths) : 1;
  // With several spines, leaf1's paths (one per spine) each lead to every cluster: the clusters'
  // paths met at the spines already, so leaf1 is no meeting point. Counting it as one would make
  // the first meeting point leaf1 (suite 5 breaks it there and expects one cluster) and, in the
  // fault suites, make it an ECMP router that loses every path with the victim cluster.
  const reached = new Set(candidates.flatMap((c) => c.clusters));
  const meetingPoint =
    candidates.length > 1 && reached.size > 1 && candidates.some((c) => c.clusters.length < reached.size);
  const policy = policyEffect(r, vip, view, reached);
  const whyNotEcmp = !meetingPoint
    ? policy
    : !multipath
      ? `${r.frr.file} has no "bgp bestpath as-path multipath-relax": the paths come from different neighbouring ASes (${candidates.map((c) => c.asPaths[0]).join(' vs ')}), so FRR installs only one`
      : installed < candidates.length
        ? `${r.frr.file} sets "maximum-paths ${maxPaths}", below the ${candidates.length} paths`
        : undefined;
  return { router: r.name, vip, candidates, multipath, installed, meetingPoint, whyNotEcmp, policy };
}

/**
 * When routing policy keeps a router from a cluster it would otherwise reach (a path to it lost
 * the selection with a policy trail, or policy dropped it), or set the attributes of a path it
 * selects: what, naming the files and lines. Undefined when policy changed nothing here.
 */
function policyEffect(r: RouterModel, vip: string, view: RouterView, reached: Set<string>): string | undefined {
  const missed = (cluster: string) => !reached.has(cluster);
  const trail = (t: string[]) => (t.length ? ` (${t.join('; ')})` : '');
  const shaped = view.selection.best.filter((p) => p.attrs.trail.length > 0);
  const parts = view.selection.lost
    .filter((l) => missed(l.path.info.cluster) && (l.path.attrs.trail.length > 0 || shaped.length > 0))
    .map(
      (l) => `the path via ${l.path.info.via} to ${l.path.info.cluster} loses: ${l.why}${trail(l.path.attrs.trail)}`,
    );
  const isPolicyDrop = (why: string) => !/\(loop\)$/.test(why);
  for (const d of view.dropped.filter((d) => missed(d.info.cluster) && isPolicyDrop(d.why)))
    parts.push(`the path via ${d.info.via} to ${d.info.cluster} is dropped: ${d.why}`);
  const selected = shaped.map((p) => `via ${p.info.via}${trail(p.attrs.trail)}`).join(', ');
  if (parts.length === 0) return selected ? `${r.name} selects ${vip} with policy applied: ${selected}` : undefined;
  return `${r.name} selects ${vip} towards ${[...reached].join(' and ')} only: ${parts.join('; ')}${selected ? `; it selects ${selected}` : ''}`;
}
