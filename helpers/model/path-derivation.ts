/**
 * Which paths every router learns and selects for one prefix once BGP has settled, derived
 * from the files: a cluster's speaker offers the prefix to the peers its advertisement selects
 * (AS path = its ASN); a router offers its selected path (any of them, when several tie) to
 * each neighbour, through its outbound policy and the receiver's inbound policy
 * (route-propagation.ts); each router selects among what it learns (best-path.ts). Relaxed
 * round by round until nothing changes (the round count bounds any loop).
 */
import type { PathAttributes } from './cilium-attributes.js';
import type { LabModel, RouterModel } from './lab-model.js';
import { addressOwner, addressTowards, ownsAddress, speakerOf } from './lab-addresses.js';
import { receiveFrom, sendTo, type Crossing } from './route-propagation.js';
import { selectBest, type LearnedPath, type Selection } from './best-path.js';
import type { RouteAttrs } from './policy-eval.js';
import { asTowards } from './frr-config.js';

/** What the caller keeps with each learned path. */
export interface PathInfo {
  nextHop: string;
  via: string;
  cluster: string;
}

/** Per router, the attributes of its best paths for one prefix (with the cluster each leads to). */
export type BestTable = Map<string, { attrs: RouteAttrs; cluster: string }[]>;

/** One router's view of a prefix: its selection, and the paths that never got in (with why). */
export interface RouterView {
  selection: Selection<PathInfo>;
  dropped: { info: PathInfo; why: string }[];
}

/** Every router's best paths for one prefix, once BGP has settled. */
export function settledBestPaths(model: LabModel, routers: RouterModel[], prefix: string): BestTable {
  let table: BestTable = new Map();
  for (let round = 0; round <= routers.length; round++) {
    const next: BestTable = new Map();
    for (const r of routers) {
      const { selection } = routerView(model, table, r.name, prefix);
      if (selection.best.length > 0)
        next.set(
          r.name,
          selection.best.map((p) => ({ attrs: p.attrs, cluster: p.info.cluster })),
        );
    }
    const same = JSON.stringify([...next]) === JSON.stringify([...table]);
    table = next;
    if (same) break;
  }
  return table;
}

/** What one router learns for a prefix from every neighbour, given what they hold (`table`), and what it selects. */
export function routerView(model: LabModel, table: BestTable, router: string, prefix: string): RouterView {
  const r = model.routers[router]!;
  const bgp = r.frr.bgp!;
  const learned: LearnedPath<PathInfo>[] = [];
  const dropped: RouterView['dropped'] = [];
  const take = (c: Crossing, peerAs: number, info: PathInfo) => {
    if ('attrs' in c) learned.push({ peerAs, attrs: c.attrs, info });
    else dropped.push({ info, why: c.dropped });
  };
  for (const nb of Object.values(bgp.neighbors)) {
    const owner = addressOwner(model, nb.address);
    if (!owner) continue;
    const sp = speakerOf(model, owner);
    if (sp) {
      // A speaker sends the prefix only to peers its export policy selects, i.e. to one of this router's addresses.
      const peer = sp.peers.find(
        (p) => ownsAddress(model, router, p.address) && p.advertise.some((a) => a.prefix === prefix),
      );
      const sends = peer !== undefined;
      const adv = peer?.advertise.find((a) => a.prefix === prefix);
      const offer = speakerOffer(sp.localASN, peer?.asn, adv?.attributes);
      const info = { nextHop: nb.address, via: owner, cluster: model.k8sNodes[owner]!.cluster };
      if (sends) take(receiveFrom(r.frr, nb, prefix, offer), sp.localASN, info);
      continue;
    }
    const peer = model.routers[owner];
    const myAddr = addressTowards(model, router, nb.address)?.address;
    const back = myAddr ? peer?.frr.bgp?.neighbors[myAddr] : undefined;
    if (!peer?.frr.bgp || !back) continue;
    // The neighbour sends its one best path; any of its equal bests may be the one.
    for (const b of table.get(owner) ?? []) {
      const sent = sendTo(peer.frr, back, prefix, b.attrs);
      const info = { nextHop: nb.address, via: owner, cluster: b.cluster };
      take('attrs' in sent ? receiveFrom(r.frr, nb, prefix, sent.attrs) : sent, asTowards(peer.frr.bgp, myAddr!), info);
    }
  }
  return { selection: selectBest(learned, bgp), dropped };
}

/**
 * What a cluster's speaker offers a peer for one prefix: its AS, the communities its
 * advertisements set (./cilium-attributes.ts), and their local preference only on an iBGP
 * session (GoBGP drops LOCAL_PREF towards any other peer; FRR takes a missing one as 100).
 */
function speakerOffer(localAsn: number, peerAsn: number | undefined, a: PathAttributes | undefined): RouteAttrs {
  const ibgp = peerAsn === localAsn;
  return {
    asns: ibgp ? [] : [localAsn],
    localPref: ibgp && a?.localPreference !== undefined ? a.localPreference : 100,
    med: 0,
    communities: a?.communities ?? [],
    // No trail: a community the cluster sets is no routing policy of the fabric (the notes would call
    // every path "with policy applied"); what a router does with it adds its own line.
    trail: [],
  };
}

/**
 * What a router keeps of what a cluster's speaker offers it on one session (`show bgp neighbors
 * X routes`): each prefix with the AS path its inbound policy leaves; a prefix its policy drops
 * is absent.
 */
export function acceptedFromSpeaker(
  model: LabModel,
  router: string,
  nodeAddress: string,
  speakerAsn: number,
  prefixes: { prefix: string; attributes?: PathAttributes }[],
  peerAsn?: number,
): { prefix: string; asPath: string }[] {
  const r = model.routers[router];
  const nb = r?.frr.bgp?.neighbors[nodeAddress];
  if (!r || !nb) return [];
  return prefixes.flatMap(({ prefix, attributes }) => {
    const offer = speakerOffer(speakerAsn, peerAsn, attributes);
    const c = receiveFrom(r.frr, nb, prefix, offer);
    return 'attrs' in c ? [{ prefix, asPath: c.attrs.asns.join(' ') }] : [];
  });
}
