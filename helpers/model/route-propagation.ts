/**
 * One path crossing one eBGP session: what the sender's policy lets out and how it looks on
 * the wire, then what the receiver's policy lets in and with which attributes. The order is
 * FRR's, read at frr-10.3 and frr-10.5.1 (bgpd/bgp_route.c):
 * - out (subgroup_announce_check): `ebgp-requires-policy` with no outbound policy sends
 *   nothing (bgp_outbound_policy_exists: route-map, prefix-list, filter-list, distribute-list
 *   or unsuppress-map out); NO_ADVERTISE and NO_EXPORT (and NO_EXPORT_SUBCONFED) go to no eBGP
 *   peer; prefix-list and filter-list out; a MED learned from another AS is removed towards
 *   an eBGP peer; the route-map out; `bgp graceful-shutdown` adds GRACEFUL_SHUTDOWN; then the
 *   AS is prepended on the wire (bgpd/bgp_attr.c: with `local-as L` "L AS", with replace-as
 *   "L" alone); LOCAL_PREF is not sent to an eBGP peer; `no neighbor X send-community` strips
 *   the communities.
 * - in (bgp_update): `local-as L` prepends L unless no-prepend; a path holding the local-as
 *   more often than allowed, or this router's AS more often than `allowas-in` allows (0
 *   without it; `origin`: only when this AS is the origin), is dropped; `ebgp-requires-policy`
 *   with no inbound policy accepts nothing (bgp_inbound_policy_exists); prefix-list and
 *   filter-list in; the route-map in (local preference starts at `bgp default
 *   local-preference`); a path carrying GRACEFUL_SHUTDOWN from an eBGP peer gets local
 *   preference 0, and under `bgp graceful-shutdown` (or `neighbor X graceful-shutdown`) every
 *   eBGP path gets the community and local preference 0 (RFC 8326).
 */
import type { FrrBgp, FrrConfig, FrrNeighbor, NeighborIpv4 } from './frr-config.js';
import { WELL_KNOWN_COMMUNITIES, type RouteMapSet } from './frr-policy.js';
import { applyRouteMap, asPathListPermits, prefixListPermits, type RouteAttrs } from './policy-eval.js';

const GSHUT = WELL_KNOWN_COMMUNITIES['graceful-shutdown']!;
const NOT_TO_EBGP = ['no-advertise', 'no-export', 'local-AS'].map((n) => WELL_KNOWN_COMMUNITIES[n]!);

/** A path across a session: its attributes on the far side, or why it did not cross. */
export type Crossing = { attrs: RouteAttrs } | { dropped: string };

const at = (frr: FrrConfig, line: number) => `${frr.file}:${line}`;

/** Whether the neighbour exchanges IPv4 unicast routes at all. */
export const activated = (bgp: FrrBgp, nb: FrrNeighbor) => nb.ipv4.activated ?? bgp.defaultIpv4Unicast;

/** FRR's "policy exists" for `ebgp-requires-policy`, in or out. */
function hasPolicy(p: NeighborIpv4, dir: 'In' | 'Out'): boolean {
  return !!(p[`routeMap${dir}`] || p[`prefixList${dir}`] || p[`filterList${dir}`] || p[`distributeList${dir}`]);
}

/** The filters both directions share: prefix-list, then filter-list, then the route-map. */
function filters(frr: FrrConfig, p: NeighborIpv4, dir: 'In' | 'Out', prefix: string, a: RouteAttrs): Crossing {
  const pl = p[`prefixList${dir}`];
  if (pl && !prefixListPermits(frr.policy, pl.name, prefix))
    return { dropped: `prefix-list ${pl.name} ${dir.toLowerCase()} (${at(frr, pl.line)}) denies ${prefix}` };
  const fl = p[`filterList${dir}`];
  if (fl && !asPathListPermits(frr.policy, fl.name, a.asns))
    return {
      dropped: `filter-list ${fl.name} ${dir.toLowerCase()} (${at(frr, fl.line)}) denies AS path "${a.asns.join(' ')}"`,
    };
  const rm = p[`routeMap${dir}`];
  if (!rm) return { attrs: a };
  const r = applyRouteMap(frr.policy, rm.name, prefix, a);
  if (!r.permit) return { dropped: `${r.why} (${dir.toLowerCase()}, ${at(frr, rm.line)})` };
  const changed = r.entry.sets.length
    ? [`route-map ${rm.name} ${dir.toLowerCase()} (${at(frr, r.entry.line)}) ${describeSets(r.entry.sets)}`]
    : [];
  return { attrs: { ...r.attrs, trail: [...a.trail, ...changed] } };
}

function describeSets(sets: RouteMapSet[]): string {
  return sets
    .map((s) =>
      s.kind === 'as-path-prepend'
        ? `prepends ${s.asns.join(' ')}`
        : s.kind === 'community'
          ? `sets community ${s.communities.join(' ') || 'none'}${s.additive ? ' (additive)' : ''}`
          : `sets ${s.kind} ${s.op === '=' ? '' : s.op}${s.value}`,
    )
    .join(', ');
}

/** What router `frr` sends to its eBGP neighbour `nb` for one of its best paths (see the file comment). */
export function sendTo(frr: FrrConfig, nb: FrrNeighbor, prefix: string, best: RouteAttrs): Crossing {
  const bgp = frr.bgp!;
  if (!activated(bgp, nb)) return { dropped: `${frr.file}: ${nb.address} is not activated for IPv4 unicast` };
  if (bgp.ebgpRequiresPolicy && !hasPolicy(nb.ipv4, 'Out'))
    return {
      dropped: `${frr.file}: ebgp-requires-policy, and no outbound policy for ${nb.address}: FRR sends it nothing`,
    };
  if (best.communities.some((c) => NOT_TO_EBGP.includes(c)))
    return {
      dropped: `the path carries ${best.communities.filter((c) => NOT_TO_EBGP.includes(c)).join(' ')}, which no eBGP peer gets`,
    };
  const out = filters(frr, nb.ipv4, 'Out', prefix, { ...best, med: 0 });
  if ('dropped' in out) return out;
  let a = out.attrs;
  if (bgp.gracefulShutdown)
    a = {
      ...a,
      communities: [...new Set([...a.communities, GSHUT])].sort(),
      trail: [...a.trail, `${frr.file}: bgp graceful-shutdown adds GRACEFUL_SHUTDOWN`],
    };
  const la = nb.localAs;
  const prepend = la ? (la.replaceAs ? [la.asn] : [la.asn, bgp.asn]) : [bgp.asn];
  const trail = la ? [...a.trail, `local-as ${la.asn} (${at(frr, la.line)}) on the wire`] : a.trail;
  return {
    attrs: { ...a, asns: [...prepend, ...a.asns], communities: nb.noSendCommunity ? [] : a.communities, trail },
  };
}

/** What router `frr` accepts from its eBGP neighbour `nb`, and with which attributes (see the file comment). */
export function receiveFrom(frr: FrrConfig, nb: FrrNeighbor, prefix: string, sent: RouteAttrs): Crossing {
  const bgp = frr.bgp!;
  if (!activated(bgp, nb)) return { dropped: `${frr.file}: ${nb.address} is not activated for IPv4 unicast` };
  const la = nb.localAs;
  const prepended = la && !la.noPrepend;
  let a: RouteAttrs = {
    ...sent,
    localPref: bgp.defaultLocalPref,
    asns: prepended ? [la.asn, ...sent.asns] : sent.asns,
    trail: prepended ? [...sent.trail, `local-as ${la.asn} (${at(frr, la.line)}) prepended on receipt`] : sent.trail,
  };
  const path = a.asns.join(' ');
  const allow = nb.ipv4.allowasIn;
  const count = (asn: number) => a.asns.filter((x) => x === asn).length;
  if (la && count(la.asn) > (typeof allow === 'number' ? allow : la.noPrepend ? 0 : 1))
    return { dropped: `AS path "${path}" holds ${frr.file}'s local-as ${la.asn} (loop)` };
  const originOk = allow === 'origin' && a.asns[a.asns.length - 1] === bgp.asn;
  if (!originOk && count(bgp.asn) > (typeof allow === 'number' ? allow : 0))
    return { dropped: `AS path "${path}" holds ${bgp.asn}, ${frr.hostname ?? frr.file}'s own AS (loop)` };
  if (bgp.ebgpRequiresPolicy && !hasPolicy(nb.ipv4, 'In'))
    return {
      dropped: `${frr.file}: ebgp-requires-policy, and no inbound policy for ${nb.address}: FRR accepts nothing from it`,
    };
  const inn = filters(frr, nb.ipv4, 'In', prefix, a);
  if ('dropped' in inn) return inn;
  a = inn.attrs;
  if (a.communities.includes(GSHUT))
    a = { ...a, localPref: 0, trail: [...a.trail, 'GRACEFUL_SHUTDOWN received: local preference 0'] };
  else if (bgp.gracefulShutdown || nb.gracefulShutdown)
    a = {
      ...a,
      localPref: 0,
      communities: [...a.communities, GSHUT].sort(),
      trail: [...a.trail, `${frr.file}: graceful-shutdown: local preference 0`],
    };
  return { attrs: a };
}
