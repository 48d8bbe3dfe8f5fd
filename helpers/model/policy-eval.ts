/**
 * What a router's policy objects do to one route, as FRR evaluates them at frr-10.3 and
 * frr-10.5.1 (the same code at both tags):
 * - a prefix-list: the matching entry with the lowest sequence decides; no entry matching
 *   denies; an empty list permits; a list that is not defined denies (lib/plist.c
 *   prefix_list_apply_ext, prefix_list_entry_match: without ge/le the length must be equal);
 * - a standard community-list: the first entry whose communities are all on the route decides
 *   (exact-match: the same set); none matching is no match (bgpd/bgp_clist.c);
 * - an AS-path access-list: the first entry whose regular expression matches the path ("_"
 *   standing for a separator or either end, bgpd/bgp_regex.c) decides; none is deny
 *   (bgpd/bgp_filter.c as_list_apply);
 * - a route-map: entries by sequence; the first whose every match clause holds decides: deny
 *   drops the route, permit applies its set clauses; none matching, an empty map or one that is
 *   not defined drops it (lib/routemap.c route_map_apply_ext, bgpd/bgp_route.c
 *   bgp_input_modifier: "if (!rmap) return RMAP_DENY"). A match on a list that is not defined
 *   does not match (bgp_routemap.c route_match_address_prefix_list, route_match_community).
 */
import { cidrContains, parseCidr } from './ipv4.js';
import type { FrrPolicy, RouteMapEntry, RouteMapMatch, RouteMapSet } from './frr-policy.js';

/** The attributes of one BGP path the derivations follow. */
export interface RouteAttrs {
  /** AS_PATH, leftmost (the neighbour's) first. */
  asns: number[];
  localPref: number;
  /** MULTI_EXIT_DISC; FRR takes a missing one as 0 (bgp_med_value). */
  med: number;
  /** Standard communities, AA:NN, sorted. */
  communities: string[];
  /** What policy did to the path on its way, in words with file:line (for messages). */
  trail: string[];
}

/** Whether a prefix-list permits a prefix (a list that is not defined denies). */
export function prefixListPermits(policy: FrrPolicy, name: string, prefix: string): boolean {
  const entries = policy.prefixLists[name];
  if (!entries) return false;
  if (entries.length === 0) return true;
  const p = parseCidr(prefix);
  const hit = entries.find((e) => {
    const c = parseCidr(e.prefix);
    if (p.prefixLength < c.prefixLength || !cidrContains(c, p.address)) return false;
    if (e.ge === undefined && e.le === undefined) return p.prefixLength === c.prefixLength;
    return (e.ge === undefined || p.prefixLength >= e.ge) && (e.le === undefined || p.prefixLength <= e.le);
  });
  return hit?.action === 'permit';
}

/** Whether a standard community-list matches a route's communities (a list that is not defined does not). */
export function communityListMatches(policy: FrrPolicy, name: string, communities: string[], exact: boolean): boolean {
  for (const e of policy.communityLists[name] ?? []) {
    if (!e.communities) continue;
    const hit = exact
      ? e.communities.length === communities.length && e.communities.every((c) => communities.includes(c))
      : e.communities.every((c) => communities.includes(c));
    if (hit) return e.action === 'permit';
  }
  return false;
}

/** FRR's AS-path regular expression: "_" matches a separator or either end of the path. */
function asPathRegex(regex: string): RegExp | undefined {
  try {
    return new RegExp(regex.replace(/_/g, '(^|[,{}() ]|$)'));
  } catch {
    return undefined;
  }
}

/** Whether an AS-path access-list permits a path (a list that is not defined denies). */
export function asPathListPermits(policy: FrrPolicy, name: string, asns: number[]): boolean {
  const path = asns.join(' ');
  const hit = (policy.asPathLists[name] ?? []).find((e) => asPathRegex(e.regex)?.test(path));
  return hit?.action === 'permit';
}

function matches(policy: FrrPolicy, m: RouteMapMatch, prefix: string, a: RouteAttrs): boolean {
  if (m.kind === 'prefix-list') return !!policy.prefixLists[m.list] && prefixListPermits(policy, m.list, prefix);
  if (m.kind === 'community') return communityListMatches(policy, m.list, a.communities, m.exact);
  return asPathListPermits(policy, m.list, a.asns);
}

const adjust = (op: '=' | '+' | '-', value: number, old: number) =>
  op === '=' ? value : op === '+' ? Math.min(4294967295, old + value) : Math.max(0, old - value);

/** One set clause applied (bgpd/bgp_routemap.c route_set_*). */
export function applySet(a: RouteAttrs, s: RouteMapSet): RouteAttrs {
  if (s.kind === 'as-path-prepend') return { ...a, asns: [...s.asns, ...a.asns] };
  if (s.kind === 'local-preference') return { ...a, localPref: adjust(s.op, s.value, a.localPref) };
  if (s.kind === 'metric') return { ...a, med: adjust(s.op, s.value, a.med) };
  if (s.kind !== 'community') return a;
  const communities = s.additive ? [...new Set([...a.communities, ...s.communities])] : [...s.communities];
  return { ...a, communities: communities.sort() };
}

/** A route-map's verdict on a route: the entry that decided and the attributes it leaves, or a drop. */
export type RouteMapResult = { permit: true; attrs: RouteAttrs; entry: RouteMapEntry } | { permit: false; why: string };

/** A route-map applied to one route (see the file comment). */
export function applyRouteMap(policy: FrrPolicy, name: string, prefix: string, a: RouteAttrs): RouteMapResult {
  const entries = policy.routeMaps[name];
  if (!entries || entries.length === 0)
    return { permit: false, why: `route-map ${name} is not defined (FRR denies every route)` };
  for (const e of entries) {
    if (!e.matches.every((m) => matches(policy, m, prefix, a))) continue;
    if (e.action === 'deny') return { permit: false, why: `route-map ${name} deny ${e.seq}` };
    return { permit: true, attrs: e.sets.reduce(applySet, a), entry: e };
  }
  return { permit: false, why: `no entry of route-map ${name} matches (implicit deny)` };
}
