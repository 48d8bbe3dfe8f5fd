/**
 * Emulated Cilium LB-IPAM: which LoadBalancer IP each Service gets from the pools.
 *
 * Cilium's allocator (pkg/ipalloc) keeps each pool block's free space as blocks and hands
 * out the first address of the *smallest* free block; in a fresh block that is simply the
 * lowest address. Pools are tried in the order they were applied, blocks in `blocks[]`
 * order. A requested IP (annotation `lbipam.cilium.io/ips`, or the deprecated
 * `spec.loadBalancerIP`) is taken exactly if a matching pool holds it.
 */
import type { IpPool } from './cilium-crds.js';
import { intToIp, ipToInt, isIPv4, parseCidr } from './ipv4.js';
import { selectorMatches } from './label-selector.js';
import type { Service } from './kube-objects.js';

export interface PoolRange {
  pool: string;
  first: number;
  last: number;
  /** Free blocks of this range as [first, last] pairs. */
  free: [number, number][];
}

export interface Allocation {
  service: string;
  ip?: string;
  pool?: string;
  /** Why no IP was allocated (no pool matches, pool exhausted, ...). */
  reason?: string;
}

export const LB_CLASS_BGP = 'io.cilium/bgp-control-plane';

/** The labels Cilium matches selectors against: the Service's own plus two synthetic ones. */
export function serviceSelectorLabels(svc: Service): Record<string, string> {
  return {
    ...(svc.metadata.labels ?? {}),
    'io.kubernetes.service.name': svc.metadata.name,
    'io.kubernetes.service.namespace': svc.metadata.namespace ?? 'default',
  };
}

export function serviceKey(svc: Service): string {
  return `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
}

/** True for a Service LB-IPAM serves at all (type LoadBalancer, class unset or Cilium BGP). */
export function isLbIpamService(svc: Service): boolean {
  return (
    svc.spec.type === 'LoadBalancer' &&
    (svc.spec.loadBalancerClass === undefined || svc.spec.loadBalancerClass === LB_CLASS_BGP)
  );
}

/** True when the pool's serviceSelector selects the Service; a nil selector serves every Service (the opposite of the advertisement selector). */
export function poolSelects(pool: IpPool, svc: Service): boolean {
  return !pool.spec.serviceSelector || selectorMatches(pool.spec.serviceSelector, serviceSelectorLabels(svc));
}

export function poolRanges(pool: IpPool): PoolRange[] {
  if (pool.spec.disabled) return [];
  return pool.spec.blocks.map((b) => {
    let first: number;
    let last: number;
    if (b.cidr) {
      const c = parseCidr(b.cidr);
      first = c.first;
      last = c.last;
      if (pool.spec.allowFirstLastIPs === 'No' && last - first >= 2) {
        first += 1;
        last -= 1;
      }
    } else {
      first = ipToInt(b.start!);
      last = b.stop ? ipToInt(b.stop) : first;
    }
    return { pool: pool.metadata.name, first, last, free: [[first, last]] };
  });
}

function takeSpecific(range: PoolRange, ip: number): boolean {
  const i = range.free.findIndex(([a, b]) => ip >= a && ip <= b);
  if (i < 0) return false;
  const [a, b] = range.free[i]!;
  const pieces: [number, number][] = [];
  if (a <= ip - 1) pieces.push([a, ip - 1]);
  if (ip + 1 <= b) pieces.push([ip + 1, b]);
  range.free.splice(i, 1, ...pieces);
  return true;
}

function takeAny(range: PoolRange): number | undefined {
  if (range.free.length === 0) return undefined;
  // Smallest free block first; ties go to the lower address.
  const [a] = [...range.free].sort((x, y) => x[1] - x[0] - (y[1] - y[0]) || x[0] - y[0])[0]!;
  takeSpecific(range, a);
  return a;
}

export interface PoolConflict {
  /** The newer pool (applied later), which Cilium marks Conflicting. */
  pool: string;
  /** The older pool whose range it overlaps. */
  with: string;
  /** The overlap, as Cilium's condition message names it. */
  range: string;
  otherRange: string;
}

const rangeText = (r: PoolRange) => (r.first === r.last ? intToIp(r.first) : `${intToIp(r.first)}-${intToIp(r.last)}`);

/**
 * Overlapping pools: Cilium marks the one added last `cilium.io/PoolConflict` (reason
 * cidr_overlap) and allocates nothing from it until the overlap is gone (Documentation/network/
 * lb-ipam.rst, "Conflicts"). The fixtures are applied in order, so "added last" is the later one.
 */
export function poolConflicts(pools: IpPool[]): PoolConflict[] {
  const out: PoolConflict[] = [];
  const kept: PoolRange[] = [];
  for (const pool of pools) {
    const mine = poolRanges({ ...pool, spec: { ...pool.spec, disabled: false } });
    const hit = mine.flatMap((r) =>
      kept.filter((k) => r.first <= k.last && k.first <= r.last).map((k) => [r, k] as const),
    )[0];
    if (hit)
      out.push({
        pool: pool.metadata.name,
        with: hit[1].pool,
        range: rangeText(hit[0]),
        otherRange: rangeText(hit[1]),
      });
    else kept.push(...mine);
  }
  return out;
}

/** Allocates an IP for every LB-IPAM Service, in the order given (the order they are applied). */
export function allocateLoadBalancerIPs(pools: IpPool[], services: Service[]): Allocation[] {
  const conflicts = poolConflicts(pools);
  const ranges = pools.map((p) => ({
    pool: p,
    ranges: conflicts.some((c) => c.pool === p.metadata.name) ? [] : poolRanges(p),
  }));
  const out: Allocation[] = [];
  for (const svc of services) {
    if (!isLbIpamService(svc)) continue;
    const matching = ranges.filter(({ pool }) => poolSelects(pool, svc));
    const key = serviceKey(svc);
    if (matching.length === 0) {
      out.push({ service: key, reason: 'no CiliumLoadBalancerIPPool selects this Service' });
      continue;
    }
    // A disabled pool allocates no new IP (spec.disabled): say so, rather than "exhausted".
    const disabled = matching.filter(({ pool }) => pool.spec.disabled).map(({ pool }) => pool.metadata.name);
    if (disabled.length === matching.length) {
      out.push({
        service: key,
        reason: `every pool that selects it is disabled (${disabled.join(', ')}: spec.disabled is true; Cilium allocates no new IP from it)`,
      });
      continue;
    }
    const conflicting = matching.filter(({ pool }) => conflicts.some((c) => c.pool === pool.metadata.name));
    if (conflicting.length === matching.length) {
      const why = conflicting.map(({ pool }) => conflicts.find((c) => c.pool === pool.metadata.name)!);
      out.push({
        service: key,
        reason: `every pool that selects it is conflicting (${why.map((c) => `${c.pool}: ${c.range} overlaps ${c.otherRange} of ${c.with}`).join('; ')}; Cilium marks the pool added last cilium.io/PoolConflict and allocates nothing from it)`,
      });
      continue;
    }
    const requested = (svc.metadata.annotations?.['lbipam.cilium.io/ips'] ?? svc.spec.loadBalancerIP ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && isIPv4(s));
    if (requested.length > 0) {
      const ip = ipToInt(requested[0]!);
      const hit = matching.flatMap((m) => m.ranges).find((r) => ip >= r.first && ip <= r.last);
      if (hit && takeSpecific(hit, ip)) out.push({ service: key, ip: intToIp(ip), pool: hit.pool });
      else out.push({ service: key, reason: `requested IP ${requested[0]} is not free in any matching pool` });
      continue;
    }
    let done = false;
    for (const r of matching.flatMap((m) => m.ranges)) {
      const ip = takeAny(r);
      if (ip !== undefined) {
        out.push({ service: key, ip: intToIp(ip), pool: r.pool });
        done = true;
        break;
      }
    }
    if (!done)
      out.push({
        service: key,
        reason: `every matching pool is exhausted${disabled.length ? ` or disabled (${disabled.join(', ')})` : ''}`,
      });
  }
  return out;
}
