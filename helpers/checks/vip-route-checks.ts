/**
 * The claims about one router's route to one VIP, as lists of problems: the selected BGP
 * paths and the kernel FIB next hops, compared as sets with the expectation. Where the
 * clusters' paths meet, the expectation is the product's claim (ECMP over every cluster),
 * not whatever the router's config allows, and a shortfall says which config line is why.
 */
import { bgpPaths, kernelNextHops, vtyshJson } from '../clients/frr.js';
import type { ExpectedVipRoute } from '../model/expected-routes.js';
import { poolRanges } from '../model/lb-ipam.js';
import { ipToInt } from '../model/ipv4.js';
import type { LabHandle } from '../providers/api/lab-handle.js';

function setDiff(got: string[], want: string[]): string {
  const missing = want.filter((w) => !got.includes(w));
  const extra = got.filter((g) => !want.includes(g));
  return [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
}

export async function checkVipRoute(lab: LabHandle, e: ExpectedVipRoute): Promise<{ rib: string[]; fib: string[] }> {
  const out = { rib: [] as string[], fib: [] as string[] };
  const why = e.whyNotEcmp ? ` (${e.whyNotEcmp})` : '';
  const wantAll = e.meetingPoint || e.multipath;
  const want = e.candidates.map((c) => c.nextHop).sort();
  // Longer paths may sit in the RIB unselected (a leaf also hears the other cluster's VIP via the spine).
  const selected = (await bgpPaths(lab, e.router, `${e.vip}/32`)).filter((p) => p.multipath);
  const ribHops = selected.map((p) => p.nextHop).sort();
  if (wantAll) {
    const d = setDiff(ribHops, want);
    if (d) out.rib.push(`${e.router} selects ${e.vip} via [${ribHops.join(', ') || 'nothing'}], expected ECMP over [${want.join(', ')}]: ${d}${why}`);
  } else if (selected.length !== 1 || !want.includes(ribHops[0]!)) {
    out.rib.push(`${e.router} selects ${e.vip} via [${ribHops.join(', ') || 'nothing'}], expected one of ${want.join(', ')}`);
  }
  for (const p of selected) {
    const c = e.candidates.find((x) => x.nextHop === p.nextHop);
    if (c && !c.asPaths.includes(p.asPath)) out.rib.push(`${e.router}: path via ${p.nextHop} has AS path "${p.asPath}", expected ${c.asPaths.map((a) => `"${a}"`).join(' or ')}`);
    if (c && p.origin !== 'IGP') out.rib.push(`${e.router}: path via ${p.nextHop} has origin ${p.origin}, expected IGP`);
    if (!p.valid) out.rib.push(`${e.router}: path via ${p.nextHop} is not valid`);
  }
  const fib = await fibProblem(lab, e, wantAll ? e.candidates.length : 1);
  if (fib) out.fib.push(fib);
  return out;
}

/**
 * The kernel FIB entry of one VIP on one router against the expectation: `count` distinct
 * next hops among the candidates (every candidate when `count` is their number). Shared by
 * this check (which wants ECMP wherever the clusters meet) and by bring-up's convergence
 * wait, which wants what the router's config installs (`installed`: e.g. one path under
 * `maximum-paths 1`), so a config that cannot give ECMP converges and fails the claim by name.
 */
export async function fibProblem(lab: LabHandle, e: ExpectedVipRoute, count: number): Promise<string | undefined> {
  const want = e.candidates.map((c) => c.nextHop).sort();
  const fib = (await kernelNextHops(lab, e.router, e.vip)).map((h) => h.gateway).sort();
  if (count >= want.length) {
    const d = setDiff(fib, want);
    const why = e.whyNotEcmp ? ` (${e.whyNotEcmp})` : '';
    if (d || fib.length !== new Set(fib).size) return `${e.router}'s kernel routes ${e.vip} via [${fib.join(', ') || 'nothing'}], expected exactly [${want.join(', ')}]: ${d}${why}`;
  } else if (fib.length !== count || new Set(fib).size !== count || !fib.every((h) => want.includes(h))) {
    return `${e.router}'s kernel routes ${e.vip} via [${fib.join(', ') || 'nothing'}], expected ${count === 1 ? 'one' : count} of ${want.join(', ')}`;
  }
  return undefined;
}

/** Stale paths, and prefixes from the VIP pools that no cluster advertises, on one router. */
export async function staleProblems(lab: LabHandle, router: string, advertised: Set<string>): Promise<string[]> {
  const table = await vtyshJson<{ routes?: Record<string, { stale?: boolean }[]> }>(lab, router, 'show bgp ipv4 unicast');
  const problems: string[] = [];
  for (const [prefix, paths] of Object.entries(table.routes ?? {})) if (paths.some((p) => p.stale)) problems.push(`${router}: ${prefix} has a stale path`);
  const ranges = Object.values(lab.model.clusters).flatMap((c) => c.objects.pools.flatMap(poolRanges));
  for (const prefix of Object.keys(table.routes ?? {})) {
    const ip = ipToInt(prefix.split('/')[0]!);
    if (ranges.some((r) => ip >= r.first && ip <= r.last) && !advertised.has(prefix)) problems.push(`${router}: ${prefix} is in a VIP pool but no cluster advertises it`);
  }
  return problems;
}
