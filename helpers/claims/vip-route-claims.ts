/**
 * The claims about one router's route to one VIP (the one shape: helpers/claims/claim-shape.ts):
 * the selected BGP paths and the kernel FIB next hops, each compared as a set with the
 * expectation. Where the clusters' paths meet, the expectation is the product's claim (ECMP
 * over every cluster), not whatever the router's config allows, and a shortfall says which
 * config line is why.
 */
import { bgpPaths, kernelNextHops, vtyshJson } from '../readers/frr.js';
import { advertisedVips, type ExpectedVipRoute } from '../model/expected-routes.js';
import { poolRanges } from '../model/lb-ipam.js';
import { ipToInt } from '../model/ipv4.js';
import type { LabHandle } from '../providers/api/lab-handle.js';
import type { Check, Problem } from './claim-shape.js';

function setDiff(got: string[], want: string[]): string {
  const missing = want.filter((w) => !got.includes(w));
  const extra = got.filter((g) => !want.includes(g));
  return [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
}

/** ECMP wants every candidate (the product's claim wherever the clusters meet, or the config's multipath). */
export const wantsEcmp = (e: ExpectedVipRoute) => e.meetingPoint || e.multipath;

/** The BGP RIB selects the VIP as expected (ECMP over every candidate where wanted, else one of them), each selected path with an expected AS path, ORIGIN IGP, valid. */
export const vipRouteRib: Check<ExpectedVipRoute> = async (lab, e) => {
  const problems: Problem[] = [];
  const why = e.whyNotEcmp ? ` (${e.whyNotEcmp})` : '';
  const want = e.candidates.map((c) => c.nextHop).sort();
  // Longer paths may sit in the RIB unselected (a leaf also hears the other cluster's VIP via the spine).
  const selected = (await bgpPaths(lab, e.router, `${e.vip}/32`)).filter((p) => p.multipath);
  const ribHops = selected.map((p) => p.nextHop).sort();
  if (wantsEcmp(e)) {
    const d = setDiff(ribHops, want);
    if (d)
      problems.push(
        `${e.router} selects ${e.vip} via [${ribHops.join(', ') || 'nothing'}], expected ECMP over [${want.join(', ')}]: ${d}${why}`,
      );
  } else if (selected.length !== 1 || !want.includes(ribHops[0]!)) {
    problems.push(
      `${e.router} selects ${e.vip} via [${ribHops.join(', ') || 'nothing'}], expected one of ${want.join(', ')}`,
    );
  }
  for (const p of selected) {
    const c = e.candidates.find((x) => x.nextHop === p.nextHop);
    if (c && !c.asPaths.includes(p.asPath))
      problems.push(
        `${e.router}: path via ${p.nextHop} has AS path "${p.asPath}", expected ${c.asPaths.map((a) => `"${a}"`).join(' or ')}`,
      );
    if (c && p.origin !== 'IGP')
      problems.push(`${e.router}: path via ${p.nextHop} has origin ${p.origin}, expected IGP`);
    if (!p.valid) problems.push(`${e.router}: path via ${p.nextHop} is not valid`);
  }
  return problems;
};

/** The kernel FIB holds the VIP as the product claims: every candidate where ECMP is wanted, else one of them. */
export const vipRouteFib: Check<ExpectedVipRoute> = (lab, e) =>
  fibProblems(lab, e, wantsEcmp(e) ? e.candidates.length : 1);

/**
 * The kernel FIB holds the VIP as the router's config installs it (`installed`: e.g. one path
 * under `maximum-paths 1`): bring-up's convergence wait, so a config that cannot give ECMP
 * converges and then fails vipRouteFib by name.
 */
export const vipRouteFibAsInstalled: Check<ExpectedVipRoute> = (lab, e) => fibProblems(lab, e, e.installed);

/** `count` distinct next hops among the candidates in the kernel FIB (every candidate when `count` is their number). */
async function fibProblems(lab: LabHandle, e: ExpectedVipRoute, count: number): Promise<Problem[]> {
  const want = e.candidates.map((c) => c.nextHop).sort();
  const fib = (await kernelNextHops(lab, e.router, e.vip)).map((h) => h.gateway).sort();
  if (count >= want.length) {
    const d = setDiff(fib, want);
    const why = e.whyNotEcmp ? ` (${e.whyNotEcmp})` : '';
    if (d || fib.length !== new Set(fib).size)
      return [
        `${e.router}'s kernel routes ${e.vip} via [${fib.join(', ') || 'nothing'}], expected exactly [${want.join(', ')}]: ${d}${why}`,
      ];
  } else if (fib.length !== count || new Set(fib).size !== count || !fib.every((h) => want.includes(h))) {
    return [
      `${e.router}'s kernel routes ${e.vip} via [${fib.join(', ') || 'nothing'}], expected ${count === 1 ? 'one' : count} of ${want.join(', ')}`,
    ];
  }
  return [];
}

/** One router holds no stale path, and no prefix from the VIP pools that no cluster advertises. */
export const nothingStale: Check<string> = async (lab, router) => {
  const advertised = new Set([...advertisedVips(lab.model).keys()].map((v) => `${v}/32`));
  const table = await vtyshJson<{ routes?: Record<string, { stale?: boolean }[]> }>(
    lab,
    router,
    'show bgp ipv4 unicast',
  );
  const problems: Problem[] = [];
  for (const [prefix, paths] of Object.entries(table.routes ?? {}))
    if (paths.some((p) => p.stale)) problems.push(`${router}: ${prefix} has a stale path`);
  const ranges = Object.values(lab.model.clusters).flatMap((c) => c.objects.pools.flatMap(poolRanges));
  for (const prefix of Object.keys(table.routes ?? {})) {
    const ip = ipToInt(prefix.split('/')[0]!);
    if (ranges.some((r) => ip >= r.first && ip <= r.last) && !advertised.has(prefix))
      problems.push(`${router}: ${prefix} is in a VIP pool but no cluster advertises it`);
  }
  return problems;
};
