/**
 * A planned drain of the victim's cluster, three ways an operator does it, each moving the
 * fabric off the cluster while it still serves (so a later withdrawal or upgrade of it loses
 * nothing):
 * - `advertisement`: the cluster's Kubernetes operator alone: a CiliumBGPAdvertisement that
 *   selects the same Services with `wellKnown: [planned-shut]`, GRACEFUL_SHUTDOWN of RFC 8326.
 *   Overlapping advertisements merge (./../model/cilium-attributes.ts), so the copy adds the
 *   community to the cluster's paths; FRR gives a path received with it from an eBGP peer local
 *   preference 0, and the cluster's own leaf already prefers another cluster's path;
 * - `leaf-prepend`: on the cluster's leaf, its own AS prepended twice towards every router above
 *   it (a route-map out), so where the clusters meet the victim's path is the longer one;
 * - `ecmp-local-preference`: on every router where the clusters meet, local preference 50 for
 *   what it learns from the neighbour towards the victim (a route-map in), below the default 100.
 * The router drains are live vtysh changes with their exact undo; FRR applies a changed
 * route-map to a neighbour at once only after a soft clear (`clear bgp … soft in|out`, route
 * refresh), so the plan says which. A router whose neighbour already has a route-map in that
 * direction is not drained this way: the plan says so rather than replace the user's policy.
 */
import { stringify } from 'yaml';
import type { LabModel } from '../model/lab-model.js';
import { labSessions } from '../model/lab-sessions.js';
import type { Announcer } from './announce-delay.js';
import type { FaultTarget } from './fault-target.js';

export const DRAIN_METHODS = {
  advertisement: 'GRACEFUL_SHUTDOWN on the cluster’s advertisement (CiliumBGPAdvertisement, planned-shut)',
  'leaf-prepend': 'AS-path prepend on the cluster’s leaf towards the routers above it',
  'ecmp-local-preference': 'local preference 50 where the clusters meet, for the path towards the cluster',
} as const;

export type DrainMethod = keyof typeof DRAIN_METHODS;

/** A drain by live FRR configuration on one or more routers. */
export interface RouterDrain {
  method: Exclude<DrainMethod, 'advertisement'>;
  /** Per router: the configuration lines that drain, those that undo it, and the soft clears that apply each. */
  routers: { router: string; apply: string[]; lift: string[]; refresh: string[] }[];
  /** The sessions the changed UPDATEs go out on, each behind FRR's announce timer (./announce-delay.ts). */
  announcers: Announcer[];
}

/** A drain by Kubernetes objects: files to add to the cluster's fixtures (`<group>/<cluster>/<file>`). */
export interface AdvertisementDrain {
  method: 'advertisement';
  cluster: string;
  files: { path: string; text: string }[];
}

export type DrainPlan = RouterDrain | AdvertisementDrain;

const PREPEND_MAP = 'AV-DRAIN-PREPEND';
const LOCAL_PREF_MAP = 'AV-DRAIN-LOCAL-PREF';
/** Below FRR's default local preference (100, `bgp default local-preference`). */
const DRAIN_LOCAL_PREF = 50;

/** The drain of the target's cluster by `method`, or why this lab cannot be drained that way. */
export function drainPlan(
  model: LabModel,
  target: FaultTarget,
  method: DrainMethod,
): DrainPlan | { unsupported: string } {
  if (method === 'advertisement') return advertisementDrain(model, target);
  if (method === 'leaf-prepend') return leafPrepend(model, target);
  return ecmpLocalPreference(model, target);
}

function advertisementDrain(model: LabModel, target: FaultTarget): AdvertisementDrain | { unsupported: string } {
  const cluster = model.clusters[target.victimCluster]!;
  const files = cluster.objects.advertisements.flatMap((adv) => {
    const entries = adv.spec.advertisements.filter((e) => e.advertisementType === 'Service');
    if (!entries.length) return [];
    const drained = {
      apiVersion: adv.apiVersion,
      kind: adv.kind,
      metadata: { name: `${adv.metadata.name}-drain`, labels: adv.metadata.labels ?? {} },
      spec: {
        advertisements: entries.map((e) => ({
          ...e,
          attributes: { communities: { wellKnown: ['planned-shut'] } },
        })),
      },
    };
    return [{ path: `drain/${target.victimCluster}/${adv.metadata.name}-drain.yaml`, text: stringify(drained) }];
  });
  return files.length
    ? { method: 'advertisement', cluster: target.victimCluster, files }
    : { unsupported: `${target.victimCluster} has no Service advertisement to add GRACEFUL_SHUTDOWN to` };
}

/** `router`'s BGP sessions with other FRR routers, as its own end and the far end. */
function routerSessions(model: LabModel, router: string) {
  return labSessions(model)
    .filter((s) => s.a.kind === 'frr' && s.b.kind === 'frr' && (s.a.node === router || s.b.node === router))
    .map((s) => (s.a.node === router ? { own: s.a, far: s.b } : { own: s.b, far: s.a }));
}

/** The far ends (node, address) of `router`'s BGP sessions with other FRR routers. */
function routerNeighbours(model: LabModel, router: string) {
  return routerSessions(model, router).map((s) => s.far);
}

/**
 * One router's drain by a route-map of one `set` line on `neighbours` in direction `dir`: the
 * route-map and its use, the undo of both, and the soft clear that applies each at once.
 */
function routeMapDrain(
  router: string,
  asn: number,
  map: string,
  set: string,
  neighbours: string[],
  dir: 'in' | 'out',
): RouterDrain['routers'][number] {
  const af = [`router bgp ${asn}`, 'address-family ipv4 unicast'];
  return {
    router,
    apply: [
      `route-map ${map} permit 10`,
      set,
      'exit',
      ...af,
      ...neighbours.map((a) => `neighbor ${a} route-map ${map} ${dir}`),
    ],
    lift: [
      ...af,
      ...neighbours.map((a) => `no neighbor ${a} route-map ${map} ${dir}`),
      'exit-address-family',
      'exit',
      `no route-map ${map}`,
    ],
    refresh: neighbours.map((a) => `clear bgp ipv4 unicast ${a} soft ${dir}`),
  };
}

function leafPrepend(model: LabModel, target: FaultTarget): RouterDrain | { unsupported: string } {
  const leaf = target.session.a.node;
  const bgp = model.routers[leaf]?.frr.bgp;
  if (!bgp) return { unsupported: `${leaf} runs no BGP` };
  const up = routerNeighbours(model, leaf);
  if (!up.length)
    return { unsupported: `${leaf}, the leaf of ${target.victim}, has no BGP neighbour among the routers` };
  const taken = up.filter((peer) => bgp.neighbors[peer.address]?.ipv4.routeMapOut);
  if (taken.length)
    return {
      unsupported: `${leaf} already has a route-map out towards ${taken.map((peer) => `${peer.node} (${bgp.neighbors[peer.address]!.ipv4.routeMapOut!.name})`).join(', ')}; a drain would replace it`,
    };
  const addresses = up.map((peer) => peer.address);
  return {
    method: 'leaf-prepend',
    routers: [routeMapDrain(leaf, bgp.asn, PREPEND_MAP, `set as-path prepend ${bgp.asn} ${bgp.asn}`, addresses, 'out')],
    // The leaf sends with `soft out`; the route-map puts exactly these peers in a subgroup of their own (at most).
    announcers: addresses.map((to) => ({ router: leaf, to, peers: addresses.length })),
  };
}

function ecmpLocalPreference(model: LabModel, target: FaultTarget): RouterDrain | { unsupported: string } {
  const routers: RouterDrain['routers'] = [];
  const announcers: Announcer[] = [];
  for (const e of target.ecmp) {
    const bgp = model.routers[e.router]?.frr.bgp;
    const towards = e.candidates.filter((c) => c.clusters.includes(target.victimCluster)).map((c) => c.nextHop);
    if (!bgp || !towards.length) continue;
    const taken = towards.filter((a) => bgp.neighbors[a]?.ipv4.routeMapIn);
    if (taken.length)
      return {
        unsupported: `${e.router} already has a route-map in from ${taken.map((a) => `${a} (${bgp.neighbors[a]!.ipv4.routeMapIn!.name})`).join(', ')}; a drain would replace it`,
      };
    routers.push(
      routeMapDrain(e.router, bgp.asn, LOCAL_PREF_MAP, `set local-preference ${DRAIN_LOCAL_PREF}`, towards, 'in'),
    );
    // `soft in` asks each neighbour for a route refresh: the neighbour sends, in whatever subgroup it has (read live).
    // Only FRR neighbours: a cluster node (GoBGP) runs no FRR announce timer, and the withdrawal's budget already holds its UPDATE.
    for (const { own, far } of routerSessions(model, e.router))
      if (towards.includes(far.address)) announcers.push({ router: far.node, to: own.address });
  }
  return routers.length
    ? { method: 'ecmp-local-preference', routers, announcers }
    : { unsupported: 'no router where the clusters meet learns the VIP from a neighbour towards the victim' };
}
