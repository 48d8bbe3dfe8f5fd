/**
 * FRR's best-path selection over the paths one router learns for one prefix, for the steps
 * that can differ in the labs derived here (all eBGP, ORIGIN IGP, next hops directly
 * connected, no weight), read in bgp_path_info_cmp() (bgpd/bgp_route.c) at frr-10.3 and
 * frr-10.5.1: (2) higher local preference; (4) shorter AS path; (6) lower MED, compared only
 * between paths from the same neighbouring AS unless `bgp always-compare-med`. What is left
 * ties up to the IGP metric; the best among it falls to tie-breaks the files do not fix (the
 * oldest path, the lowest router-id), so each is "one of" the possible bests. Multipath (step
 * 11): those paths are equal for ECMP with `bgp bestpath as-path multipath-relax`, or when
 * they come from one neighbouring AS ("equal via same remote-as"); otherwise one is installed.
 */
import type { RouteAttrs } from './policy-eval.js';

export interface LearnedPath<T> {
  /** The neighbour's AS (its remote-as): what eBGP multipath without relax compares. */
  peerAs: number;
  attrs: RouteAttrs;
  /** Whatever the caller keeps with the path (next hop, neighbour, cluster). */
  info: T;
}

export interface Selection<T> {
  /** Every path that can be the best; all of them installed when `multipath`. */
  best: LearnedPath<T>[];
  multipath: boolean;
  /** Learned, not among the best: each with the step it lost at, against the best. */
  lost: { path: LearnedPath<T>; why: string }[];
}

const asPathText = (a: RouteAttrs) => `"${a.asns.join(' ')}" (${a.asns.length})`;

/** The best paths among `paths` (see the file comment); none when it is empty. */
export function selectBest<T>(
  paths: LearnedPath<T>[],
  opts: { multipathRelax: boolean; alwaysCompareMed: boolean },
): Selection<T> {
  const lost: Selection<T>['lost'] = [];
  const keep = (list: LearnedPath<T>[], better: (p: LearnedPath<T>, q: LearnedPath<T>) => string | undefined) =>
    list.filter((p) => {
      const winner = list.find((q) => better(q, p) !== undefined);
      if (winner) lost.push({ path: p, why: better(winner, p)! });
      return !winner;
    });
  let left = keep(paths, (q, p) =>
    q.attrs.localPref > p.attrs.localPref
      ? `local preference ${p.attrs.localPref} is below ${q.attrs.localPref}`
      : undefined,
  );
  left = keep(left, (q, p) =>
    q.attrs.asns.length < p.attrs.asns.length
      ? `its AS path ${asPathText(p.attrs)} is longer than ${asPathText(q.attrs)}`
      : undefined,
  );
  left = keep(left, (q, p) =>
    (opts.alwaysCompareMed || q.attrs.asns[0] === p.attrs.asns[0]) && q.attrs.med < p.attrs.med
      ? `its MED ${p.attrs.med} is above ${q.attrs.med}`
      : undefined,
  );
  const multipath = left.length <= 1 || opts.multipathRelax || new Set(left.map((p) => p.peerAs)).size === 1;
  return { best: left, multipath, lost };
}
