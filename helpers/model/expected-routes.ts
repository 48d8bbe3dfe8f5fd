/**
 * What every router should hold for each VIP, derived from the configs alone: the BGP
 * graph (FRR neighbours + the clusters' speakers), shortest AS paths from the clusters
 * that advertise the VIP, and ECMP where `multipath-relax` and `maximum-paths` allow it.
 * The suites compare live state against this; nothing here is hard-coded.
 */
import { parseCidr, cidrContains } from './ipv4.js';
import type { LabModel } from './lab-model.js';
import type { ServiceModel, SpeakerIntent } from './clusters.js';

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
  /** When a meeting point's config prevents that ECMP: why, naming the file. */
  whyNotEcmp?: string;
}

/** Node that owns an address (router interface, host or Kubernetes node), if any. */
export function addressOwner(model: LabModel, ip: string): string | undefined {
  for (const r of Object.values(model.routers))
    for (const addrs of Object.values(r.interfaces)) if (addrs.some((a) => a.split('/')[0] === ip)) return r.name;
  for (const n of Object.values(model.k8sNodes)) if (n.ip === ip) return n.name;
  for (const h of Object.values(model.hosts)) if (h.addresses.some((a) => a.cidr.split('/')[0] === ip)) return h.name;
  return undefined;
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

export function speakerOf(model: LabModel, node: string): SpeakerIntent | undefined {
  const n = model.k8sNodes[node];
  return n ? model.clusters[n.cluster]?.speakers[node] : undefined;
}

/** Per router, the AS paths (as lists) of its best paths for one VIP. */
type Table = Map<string, { asns: number[]; cluster: string }[]>;

export function expectedVipRoutes(model: LabModel): ExpectedVipRoute[] {
  const out: ExpectedVipRoute[] = [];
  const routers = Object.values(model.routers).filter((r) => r.frr.bgp);
  for (const [vip] of advertisedVips(model)) {
    const prefix = `${vip}/32`;
    const learned = (table: Table, router: string): ExpectedPath[] => {
      const r = model.routers[router]!;
      const bgp = r.frr.bgp!;
      const paths: ExpectedPath[] = [];
      for (const nb of Object.values(bgp.neighbors)) {
        const owner = addressOwner(model, nb.address);
        if (!owner) continue;
        const sp = speakerOf(model, owner);
        if (sp) {
          // A speaker sends the VIP only to peers its export policy selects, i.e. to one of this router's addresses.
          const sends = sp.peers.some(
            (p) => ownsAddress(model, router, p.address) && p.advertise.some((a) => a.prefix === prefix),
          );
          if (sends)
            paths.push({
              nextHop: nb.address,
              via: owner,
              asPaths: [String(sp.localASN)],
              clusters: [model.k8sNodes[owner]!.cluster],
            });
          continue;
        }
        const ownerAsn = model.routers[owner]?.frr.bgp?.asn;
        if (ownerAsn === undefined) continue;
        // The neighbour sends its one best path; any of its equal bests may be the one. AS-path loops are rejected.
        const offers = (table.get(owner) ?? [])
          .map((b) => ({ asns: [ownerAsn, ...b.asns], cluster: b.cluster }))
          .filter((o) => !o.asns.includes(bgp.asn));
        if (offers.length > 0) {
          paths.push({
            nextHop: nb.address,
            via: owner,
            asPaths: [...new Set(offers.map((o) => o.asns.join(' ')))],
            clusters: [...new Set(offers.map((o) => o.cluster))],
          });
        }
      }
      if (paths.length === 0) return [];
      const len = (p: ExpectedPath) => p.asPaths[0]!.split(' ').length;
      const min = Math.min(...paths.map(len));
      return paths.filter((p) => len(p) === min);
    };
    // Relax until stable (the lab is small; the round count bounds any loop).
    let table: Table = new Map();
    for (let round = 0; round <= routers.length; round++) {
      const next: Table = new Map();
      for (const r of routers) {
        const best = learned(table, r.name);
        if (best.length > 0)
          next.set(
            r.name,
            best.flatMap((p) =>
              p.asPaths.map((a, i) => ({
                asns: a.split(' ').map(Number),
                cluster: p.clusters[Math.min(i, p.clusters.length - 1)]!,
              })),
            ),
          );
      }
      const same = JSON.stringify([...next]) === JSON.stringify([...table]);
      table = next;
      if (same) break;
    }
    for (const r of routers) {
      const candidates = learned(table, r.name);
      if (candidates.length === 0) continue;
      const bgp = r.frr.bgp!;
      const multipath =
        candidates.length === 1 || bgp.multipathRelax || new Set(candidates.flatMap((c) => c.asPaths)).size === 1;
      const maxPaths = bgp.maximumPaths ?? 64;
      const installed = multipath ? Math.min(candidates.length, maxPaths) : 1;
      // With several spines, leaf1's paths (one per spine) each lead to every cluster: the clusters'
      // paths met at the spines already, so leaf1 is no meeting point. Counting it as one would make
      // the first meeting point leaf1 (suite 5 breaks it there and expects one cluster) and, in the
      // fault suites, make it an ECMP router that loses every path with the victim cluster.
      const reached = new Set(candidates.flatMap((c) => c.clusters));
      const meetingPoint =
        candidates.length > 1 && reached.size > 1 && candidates.some((c) => c.clusters.length < reached.size);
      const whyNotEcmp = !meetingPoint
        ? undefined
        : !multipath
          ? `${r.frr.file} has no "bgp bestpath as-path multipath-relax": the paths' AS paths differ (${candidates.map((c) => c.asPaths[0]).join(' vs ')}), so FRR installs only one`
          : installed < candidates.length
            ? `${r.frr.file} sets "maximum-paths ${maxPaths}", below the ${candidates.length} paths`
            : undefined;
      out.push({ router: r.name, vip, candidates, multipath, installed, meetingPoint, whyNotEcmp });
    }
  }
  return out;
}

function ownsAddress(model: LabModel, router: string, ip: string): boolean {
  const r = model.routers[router];
  return !!r && Object.values(r.interfaces).some((addrs) => addrs.some((a) => a.split('/')[0] === ip));
}

/** The router's own interface and address on the subnet that holds `ip` (a directly connected neighbour). */
export function addressTowards(
  model: LabModel,
  router: string,
  ip: string,
): { iface: string; address: string } | undefined {
  const r = model.routers[router];
  if (!r) return undefined;
  for (const [iface, addrs] of Object.entries(r.interfaces)) {
    const a = addrs.find((x) => cidrContains(parseCidr(x), ip));
    if (a) return { iface, address: a.split('/')[0]! };
  }
  return undefined;
}

/** The router interface whose subnet holds `ip`. */
export function interfaceTowards(model: LabModel, router: string, ip: string): string | undefined {
  return addressTowards(model, router, ip)?.iface;
}
