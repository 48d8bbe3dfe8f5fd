/**
 * Which share of flows a change of the ECMP next-hop set moves, under hash-threshold
 * (RFC 2992), the algorithm of Linux IPv4 multipath: the hash space is cut into one
 * contiguous region per next hop, in the group's order, sized by weight; a flow takes the
 * next hop whose region holds its hash. Linux: fib_rebalance sets each next hop's
 * upper bound and fib_select_multipath takes the first whose bound is >= the hash
 * (net/ipv4/fib_semantics.c); nexthop objects do the same in nexthop_select_path_hthr
 * (net/ipv4/nexthop.c) unless the group is resilient.
 *
 * A flow's hash does not change, so a flow moves exactly when its hash lies where the two
 * cuttings name different next hops: the moved share is the measure of that part of the
 * hash space. For two equal next hops and one removed (or added back) it is 1/2; for three,
 * removing the middle one moves 1/3, removing the first moves 1/2 (its region and a sixth
 * of the second's shift).
 */

/** Region boundaries [start, end) per next hop, equal weights, over [0, 1). */
function regions(order: string[]): { hop: string; from: number; to: number }[] {
  return order.map((hop, i) => ({ hop, from: i / order.length, to: (i + 1) / order.length }));
}

/** The share of the hash space whose next hop differs between the two ordered next-hop sets. */
export function movedShare(before: string[], after: string[]): number {
  if (before.length === 0 || after.length === 0) return 1;
  const cuts = [...new Set([...regions(before), ...regions(after)].flatMap((r) => [r.from, r.to]))].sort(
    (a, b) => a - b,
  );
  const hopAt = (rs: { hop: string; from: number; to: number }[], x: number) =>
    rs.find((r) => x >= r.from && x < r.to)!.hop;
  let moved = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const mid = (cuts[i]! + cuts[i + 1]!) / 2;
    if (hopAt(regions(before), mid) !== hopAt(regions(after), mid)) moved += cuts[i + 1]! - cuts[i]!;
  }
  return moved;
}
