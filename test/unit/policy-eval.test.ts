/**
 * Each policy object against FRR's semantics at frr-10.3 and frr-10.5.1 (the same code at both
 * tags): prefix-lists (lib/plist.c), standard community-lists (bgpd/bgp_clist.c), AS-path
 * access-lists (bgpd/bgp_filter.c, bgpd/bgp_regex.c), route-maps (lib/routemap.c,
 * bgpd/bgp_routemap.c) and their set clauses.
 */
import { describe, expect, it } from 'vitest';
import { parseFrrConfigText } from '../../helpers/model/frr-config.js';
import { ProblemList } from '../../helpers/model/errors.js';
import {
  applyRouteMap,
  asPathListPermits,
  communityListMatches,
  prefixListPermits,
  type RouteAttrs,
} from '../../helpers/model/policy-eval.js';

const policyOf = (...lines: string[]) => {
  const p = new ProblemList();
  const c = parseFrrConfigText(lines.join('\n'), 'r.conf', p);
  expect(p.items).toEqual([]);
  return c.policy;
};
const route = (asns: number[], more: Partial<RouteAttrs> = {}): RouteAttrs => ({
  asns,
  localPref: 100,
  med: 0,
  communities: [],
  trail: [],
  ...more,
});

describe('prefix-lists (prefix_list_apply_ext, prefix_list_entry_match)', () => {
  const policy = policyOf(
    'ip prefix-list EXACT permit 172.30.0.0/24',
    'ip prefix-list LE seq 10 permit 172.30.0.0/24 le 32',
    'ip prefix-list LE seq 5 deny 172.30.0.10/32',
    'ip prefix-list GE permit 172.30.0.0/16 ge 30',
    'ip prefix-list EMPTY description nothing yet',
  );
  it('without ge/le the length must be equal', () => {
    expect(prefixListPermits(policy, 'EXACT', '172.30.0.0/24')).toBe(true);
    expect(prefixListPermits(policy, 'EXACT', '172.30.0.10/32')).toBe(false);
  });
  it('le and ge bound the length; the lowest matching sequence decides; no match denies', () => {
    expect(prefixListPermits(policy, 'LE', '172.30.0.11/32')).toBe(true);
    expect(prefixListPermits(policy, 'LE', '172.30.0.10/32')).toBe(false);
    expect(prefixListPermits(policy, 'LE', '10.0.0.1/32')).toBe(false);
    expect(prefixListPermits(policy, 'GE', '172.30.5.4/30')).toBe(true);
    expect(prefixListPermits(policy, 'GE', '172.30.5.0/24')).toBe(false);
  });
  it('a list with no entries permits; a list that is not defined denies', () => {
    expect(prefixListPermits(policy, 'EMPTY', '10.0.0.1/32')).toBe(true);
    expect(prefixListPermits(policy, 'NONE', '10.0.0.1/32')).toBe(false);
  });
});

describe('community-lists, standard (community_list_match, community_list_exact_match)', () => {
  const policy = policyOf(
    'bgp community-list standard C seq 5 deny 65000:666',
    'bgp community-list standard C seq 10 permit 65000:1 65000:2',
  );
  it('every community of an entry must be on the route; the first entry that matches decides', () => {
    expect(communityListMatches(policy, 'C', ['65000:1', '65000:2', '65000:3'], false)).toBe(true);
    expect(communityListMatches(policy, 'C', ['65000:1'], false)).toBe(false);
    expect(communityListMatches(policy, 'C', ['65000:1', '65000:2', '65000:666'], false)).toBe(false);
  });
  it('exact-match wants the same set; a list that is not defined matches nothing', () => {
    expect(communityListMatches(policy, 'C', ['65000:1', '65000:2', '65000:3'], true)).toBe(false);
    expect(communityListMatches(policy, 'C', ['65000:2', '65000:1'], true)).toBe(true);
    expect(communityListMatches(policy, 'NONE', ['65000:1'], false)).toBe(false);
  });
});

describe('AS-path access-lists (as_list_apply; "_" a separator or either end)', () => {
  const policy = policyOf(
    'bgp as-path access-list A seq 5 deny ^65003_65003_',
    'bgp as-path access-list A seq 10 permit _65003_',
    'bgp as-path access-list ORIGIN permit _65102$',
  );
  it('the first entry whose expression matches decides; none matching denies', () => {
    expect(asPathListPermits(policy, 'A', [65003, 65102])).toBe(true);
    expect(asPathListPermits(policy, 'A', [65003, 65003, 65102])).toBe(false);
    expect(asPathListPermits(policy, 'A', [650031, 65102])).toBe(false);
    expect(asPathListPermits(policy, 'ORIGIN', [64999, 65003, 65102])).toBe(true);
    expect(asPathListPermits(policy, 'NONE', [65102])).toBe(false);
  });
});

describe('route-maps (route_map_apply_ext) and their set clauses (route_set_*)', () => {
  const policy = policyOf(
    'ip prefix-list VIPS permit 172.30.0.0/24 le 32',
    'bgp community-list standard DRAIN permit graceful-shutdown',
    'route-map M deny 5',
    ' match community DRAIN',
    'exit',
    'route-map M permit 10',
    ' match ip address prefix-list VIPS',
    ' set as-path prepend 65003 65003',
    ' set local-preference 50',
    ' set metric +10',
    ' set community 65000:1 additive',
    'exit',
    'route-map M permit 20',
    ' match ip address prefix-list MISSING',
    'exit',
    'route-map EMPTY permit 10',
    'exit',
    'route-map NONE-SET permit 10',
    ' set community none',
    ' set local-preference -150',
    'exit',
  );
  const r = route([65102], { med: 5, communities: ['65000:9'] });
  it('the first entry whose clauses all hold decides; permit applies its sets in order', () => {
    expect(applyRouteMap(policy, 'M', '172.30.0.10/32', r)).toMatchObject({
      permit: true,
      attrs: { asns: [65003, 65003, 65102], localPref: 50, med: 15, communities: ['65000:1', '65000:9'] },
    });
  });
  it('a deny entry drops; a match on a list that is not defined never holds; no entry matching drops', () => {
    expect(applyRouteMap(policy, 'M', '172.30.0.10/32', { ...r, communities: ['65535:0'] }).permit).toBe(false);
    expect(applyRouteMap(policy, 'M', '10.0.0.0/8', r)).toEqual({
      permit: false,
      why: 'no entry of route-map M matches (implicit deny)',
    });
  });
  it('an entry without match clauses matches everything; a map that is not defined drops every route', () => {
    expect(applyRouteMap(policy, 'EMPTY', '10.0.0.0/8', r)).toMatchObject({ permit: true, attrs: r });
    expect(applyRouteMap(policy, 'NOPE', '10.0.0.0/8', r).permit).toBe(false);
  });
  it('set community none clears them; local-preference -N stops at 0', () => {
    expect(applyRouteMap(policy, 'NONE-SET', '10.0.0.0/8', r)).toMatchObject({
      permit: true,
      attrs: { communities: [], localPref: 0 },
    });
  });
});
