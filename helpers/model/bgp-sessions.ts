/**
 * Every BGP session an FRR router configures, checked from both ends. For each `neighbor X
 * remote-as Y` on a router A: X is an address of a router or Kubernetes node B on a network A
 * shares with B, B's `router bgp` is Y, and B has the statement back (a neighbour for A's
 * address on that network; for a node, a CiliumBGPClusterConfig peer that is an address of A),
 * with the same MD5 password. The other end's remote-as is checked when B's own neighbours are.
 * A session configured on one side only never comes up; `check` names both files and lines.
 *
 * Node ↔ leaf sessions are checked from the Cilium side in cross-checks.ts (peer ASN, the
 * leaf's remote-as, MD5); here only that the leaf's neighbour has a Cilium peer back.
 *
 * What FRR does with the two ends' OPEN messages (bgp_open_receive() in bgpd/bgp_packet.c,
 * read at FRRouting/frr 00b51992690872ce0b1d02516f69ee3a389b13eb): a remote AS other than the
 * neighbour's remote-as is refused (NOTIFICATION Bad Peer AS); a hold time below 3 s but not 0
 * is refused; otherwise the hold time used is the smaller of the one sent and the one received,
 * and the keepalive a third of that unless the configured one is smaller. Differing timers are
 * therefore no error: `sessionTimerWarnings` says so, and intent.yaml pins the negotiated hold
 * where it must not change.
 */
import type { Problem, ProblemList } from './errors.js';
import { cidrContains, type Cidr } from './ipv4.js';
import { addressOwner, addressTowards } from './expected-routes.js';
import type { K8sNodeModel, LabModel, RouterModel } from './lab-model.js';
import { acceptsRemoteAs, asTowards, neighborTimers, remoteAsAdmits, remoteAsText } from './frr-config.js';
import type { FrrBgp, FrrNeighbor } from './frr-config.js';
import type { TopoLink } from './topology.js';

/** An address configured in the lab: who holds it (`node:iface`), and the file and line that configure it. */
export interface OwnedAddress {
  owner: string;
  file: string;
  line?: number;
  cidr: Cidr;
}

/**
 * How two passwords differ, without printing either (no message shows a password): a
 * difference in whitespace only is shown JSON-quoted, since it is invisible otherwise (a
 * trailing "\n" from `echo ... | base64` is the usual one); any other only by lengths or
 * the first position that differs.
 */
export function passwordDifference(a: string, aName: string, b: string, bName: string): string {
  if (a.trim() === b.trim()) {
    const lead = (s: string) => s.slice(0, s.length - s.trimStart().length);
    const trail = (s: string) => s.slice(s.trimEnd().length);
    const parts: string[] = [];
    if (lead(a) !== lead(b))
      parts.push(`leading ${JSON.stringify(lead(a))} (${aName}) vs ${JSON.stringify(lead(b))} (${bName})`);
    if (trail(a) !== trail(b))
      parts.push(`trailing ${JSON.stringify(trail(a))} (${aName}) vs ${JSON.stringify(trail(b))} (${bName})`);
    return `only in whitespace: ${parts.join(', ')}`;
  }
  if (a.length !== b.length) return `(${a.length} vs ${b.length} characters; values not shown)`;
  let i = 0;
  while (a[i] === b[i]) i++;
  return `(same length, first difference at character ${i + 1}; values not shown)`;
}

/** One router-to-router session as both ends configure it (both neighbour statements present). */
interface FabricSession {
  a: RouterModel;
  b: RouterModel;
  /** A's neighbour statement for B's address, and B's for A's. */
  aNb: FrrNeighbor;
  bNb: FrrNeighbor;
}

const at = (file: string, line?: number) => (line ? `${file}:${line}` : file);
const split = (owner: string) => owner.split(':') as [string, string];

/** Whether two interfaces (`node:iface`) share a network: one link between them, or links to one bridge. */
function shareNetwork(links: TopoLink[], bridges: string[], x: string, y: string): boolean {
  const peersOf = (end: string) =>
    links.flatMap((l) => {
      const a = `${l.a.node}:${l.a.iface}`;
      const b = `${l.b.node}:${l.b.iface}`;
      return a === end ? [l.b] : b === end ? [l.a] : [];
    });
  const xs = peersOf(x);
  if (xs.some((e) => `${e.node}:${e.iface}` === y)) return true;
  const ys = peersOf(y);
  return xs.some((e) => bridges.includes(e.node) && ys.some((f) => f.node === e.node));
}

/** The router's own address (and interface) on the subnet that holds `ip`, from the lab's addresses. */
function ownAddressTowards(owned: OwnedAddress[], router: string, ip: string): OwnedAddress | undefined {
  return owned.find((o) => split(o.owner)[0] === router && cidrContains(o.cidr, ip) && o.cidr.address !== ip);
}

/** Checks every neighbour of every FRR router from both ends (see the file comment). */
export function checkRouterSessions(model: LabModel, owned: OwnedAddress[], problems: ProblemList): void {
  for (const r of Object.values(model.routers)) {
    const bgp = r.frr.bgp;
    if (!bgp) continue;
    for (const nb of Object.values(bgp.neighbors)) checkNeighbor(model, owned, r, bgp, nb, problems);
  }
}

/** One neighbour statement being checked: the lab, its addresses, the router that configures it, and where problems go. */
interface NeighborCheck {
  model: LabModel;
  owned: OwnedAddress[];
  r: RouterModel;
  nb: FrrNeighbor;
  problems: ProblemList;
}

/** Reports a problem on the neighbour's first statement (`neighbor X …`). */
function neighborProblem({ r, nb, problems }: NeighborCheck, message: string): void {
  problems.add({ file: r.frr.file, field: `neighbor ${nb.address}`, line: nb.line, message });
}

/** One neighbour of a router: it has a remote-as, and its address is a BGP speaker's (a router's or a node's) that peers back. */
function checkNeighbor(
  model: LabModel,
  owned: OwnedAddress[],
  r: RouterModel,
  bgp: FrrBgp,
  nb: FrrNeighbor,
  problems: ProblemList,
): void {
  const check: NeighborCheck = { model, owned, r, nb, problems };
  const x = nb.address;
  if (nb.remoteAs === undefined && nb.remoteAsKind === undefined) {
    neighborProblem(
      check,
      `no "neighbor ${x} remote-as": FRR creates no neighbour without one (and refuses its other statements)`,
    );
    return;
  }
  const o = owned.find((o) => o.cidr.address === x);
  if (!o) {
    neighborProblem(
      check,
      `${x} is not an address of any FRR router or Kubernetes node in ${model.topology.file}: the session has no other end`,
    );
    return;
  }
  const [peer, peerIface] = split(o.owner);
  if (peer === r.name) {
    neighborProblem(check, `${x} is ${r.name}'s own address (${peerIface}, ${at(o.file, o.line)})`);
    return;
  }
  if (model.hosts[peer]) {
    neighborProblem(check, `${x} is host ${peer}'s address (${at(o.file, o.line)}), and a host runs no BGP`);
    return;
  }
  const node = model.k8sNodes[peer];
  if (node) {
    checkNodePeersBack(check, peer, node);
    return;
  }
  const b = model.routers[peer];
  if (!b) return; // a bridge holds no address
  checkRouterPeer(check, bgp, o, b);
}

/**
 * A router's neighbour that is a Kubernetes node: the node's speaker has the router as a peer.
 * The node's side (its peers, their ASNs, MD5) is checked from Cilium's end in cross-checks.ts; a
 * node without a speaker is reported there too.
 */
function checkNodePeersBack(check: NeighborCheck, peer: string, node: K8sNodeModel): void {
  const { model, owned, r } = check;
  const sp = model.clusters[node.cluster]?.speakers[peer];
  if (!sp || sp.peers.some((p) => owned.some((m) => m.cidr.address === p.address && split(m.owner)[0] === r.name)))
    return;
  const cc = sp.peers[0]?.source.clusterConfig ?? `fixtures/cilium/${node.cluster}/`;
  neighborProblem(
    check,
    `${r.name} peers with node ${peer} of cluster ${node.cluster}, but no peer of its CiliumBGPClusterConfig (${cc}) is an address of ${r.name} (its peers: ${sp.peers.map((p) => p.address).join(', ') || 'none'}): the session is configured on one side only and never comes up`,
  );
}

/**
 * A router's neighbour that is another router B (`o` is the address's owner on B): directly
 * connected, B runs BGP with the ASN this end expects, B has the statement back, and the two
 * agree on MD5.
 */
function checkRouterPeer(check: NeighborCheck, bgp: FrrBgp, o: OwnedAddress, b: RouterModel): void {
  const { model, owned, r, nb, problems } = check;
  const [peer, peerIface] = split(o.owner);
  const mine = ownAddressTowards(owned, r.name, nb.address);
  if (!mine || !shareNetwork(model.links, model.bridges, mine.owner, o.owner)) {
    neighborProblem(
      check,
      `${nb.address} is ${peer}'s ${peerIface} (${at(o.file, o.line)}), on no network ${r.name} shares with ${peer}${mine ? ` (${r.name}'s ${split(mine.owner)[1]} is in its subnet but not linked to ${peer}:${peerIface} in ${model.topology.file})` : ''}: FRR's eBGP needs a directly connected neighbour (TTL 1), and ebgp-multihop/update-source are not modelled`,
    );
    return;
  }
  const pbgp = b.frr.bgp;
  if (!pbgp) {
    neighborProblem(check, `${peer} runs no BGP (${b.frr.file} has no "router bgp"), but ${r.name} peers with it`);
    return;
  }
  const remoteAs = remoteAsText(nb);
  const theirAs = asTowards(pbgp, mine.cidr.address);
  const ok =
    nb.remoteAs === undefined
      ? remoteAsAdmits(bgp, nb, theirAs)
      : acceptsRemoteAs(pbgp, mine.cidr.address, nb.remoteAs);
  if (!ok) {
    const la = pbgp.neighbors[mine.cidr.address]?.localAs;
    const theirs = la
      ? `${peer}'s "neighbor ${mine.cidr.address} local-as ${la.asn}" (${at(b.frr.file, la.line)})`
      : `${peer}'s "router bgp ${pbgp.asn}" (${at(b.frr.file, pbgp.line)})`;
    problems.add({
      file: r.frr.file,
      field: `neighbor ${nb.address} remote-as`,
      line: nb.remoteAsLine ?? nb.line,
      message: `${remoteAs}${nb.remoteAsKind ? ` (${asTowards(bgp, nb.address)} is ${r.name}'s AS)` : ''} does not match ${theirs}: FRR refuses ${peer}'s OPEN (Bad Peer AS) and the session never comes up`,
    });
  }
  const back = pbgp.neighbors[mine.cidr.address];
  if (!back) {
    reportNoStatementBack(check, remoteAs, mine, peer, b, pbgp);
    return;
  }
  // What both ends must agree on, said once per session (from the end whose name sorts first).
  if (r.name < peer) checkPassword({ a: r, b, aNb: nb, bNb: back }, problems);
}

/**
 * B has no neighbour for this router's address on their shared network (`mine`): the session is
 * one-sided. Reported in B's file, naming any other address of this router that B peers with instead.
 */
function reportNoStatementBack(
  { owned, r, nb, problems }: NeighborCheck,
  remoteAs: string,
  mine: OwnedAddress,
  peer: string,
  b: RouterModel,
  pbgp: FrrBgp,
): void {
  const myAddr = mine.cidr.address;
  const here = at(r.frr.file, nb.remoteAsLine ?? nb.line);
  const statement = `"neighbor ${nb.address} remote-as ${remoteAs}"`;
  const other = Object.values(pbgp.neighbors).find((n) =>
    owned.some((m) => m.cidr.address === n.address && split(m.owner)[0] === r.name),
  );
  problems.add({
    file: b.frr.file,
    field: `neighbor ${myAddr}`,
    line: pbgp.line,
    message: `${peer} has no neighbor ${myAddr} (${r.name}'s ${split(mine.owner)[1]}), but ${r.name} peers with ${peer} at ${here} (${statement})${other ? `; ${peer}'s neighbor ${other.address} (${at(b.frr.file, other.line)}) is another address of ${r.name}` : ''}: the session is configured on one side only and never comes up`,
  });
}

/** MD5 on both ends or neither, and the same password: TCP drops every segment otherwise, and the session never opens. */
function checkPassword({ a, b, aNb, bNb }: FabricSession, problems: ProblemList): void {
  if (aNb.password === bNb.password) return;
  const pwAt = (r: RouterModel, nb: FrrNeighbor) => at(r.frr.file, nb.passwordLine ?? nb.line);
  if (aNb.password === undefined || bNb.password === undefined) {
    // Reported where the password is set: the line just added, or the one the other side lacks.
    const [has, hasNb, lacks, lacksNb] = aNb.password !== undefined ? [a, aNb, b, bNb] : [b, bNb, a, aNb];
    problems.add({
      file: has.frr.file,
      field: `neighbor ${hasNb.address} password`,
      line: hasNb.passwordLine ?? hasNb.line,
      message: `${has.name} sets a password for ${hasNb.address}, but ${lacks.name} has none for ${lacksNb.address} (${at(lacks.frr.file, lacksNb.line)}): MD5 on one side only, the TCP connection never opens`,
    });
    return;
  }
  problems.add({
    file: a.frr.file,
    field: `neighbor ${aNb.address} password`,
    line: aNb.passwordLine ?? aNb.line,
    message: `${a.name}'s password for ${aNb.address} differs from ${b.name}'s for ${bNb.address} (${pwAt(b, bNb)}) ${passwordDifference(aNb.password, a.name, bNb.password, b.name)}`,
  });
}

/** Where a router's offer to one neighbour comes from: the neighbour's `timers`, the router's `timers bgp`, or FRR's defaults. */
function timersAt(bgp: FrrBgp, nb: FrrNeighbor): { field: string; line: number; where: string } {
  if (nb.timers)
    return { field: `neighbor ${nb.address} timers`, line: nb.timersLine ?? nb.line, where: 'its neighbour timers' };
  if (bgp.timersLine) return { field: 'timers bgp', line: bgp.timersLine, where: '"timers bgp"' };
  return { field: 'router bgp', line: bgp.line, where: "FRR's defaults" };
}

/**
 * Sessions whose two ends offer different timers: FRR accepts that (see the file comment) and
 * the session runs on the smaller hold time, which is seldom what was meant. A warning, not an
 * error; intent.yaml's `hold` pins the negotiated value where it matters.
 */
export function sessionTimerWarnings(model: LabModel): Problem[] {
  const out: Problem[] = [];
  for (const r of Object.values(model.routers)) {
    const bgp = r.frr.bgp;
    if (!bgp) continue;
    for (const nb of Object.values(bgp.neighbors)) {
      const mine = neighborTimers(bgp, nb.address);
      const other = otherEndTimers(model, r.name, nb.address);
      if (!other || (other.hold === mine.hold && other.keepalive === mine.keepalive)) continue;
      const t = timersAt(bgp, nb);
      out.push({
        file: r.frr.file,
        field: t.field,
        line: t.line,
        message: `${r.name} offers ${other.peer} hold ${mine.hold} s, keepalive ${mine.keepalive} s (${t.where}); ${other.peer} offers hold ${other.hold} s, keepalive ${other.keepalive} s (${other.at}): FRR accepts the difference and the session runs on hold ${Math.min(mine.hold, other.hold)} s, the smaller (declare \`hold\` in intent.yaml to pin it)`,
      });
    }
  }
  return out;
}

/** The other end's offer for A's neighbour `ip`: a router's (said once per session, from the end whose name sorts first) or a node's PeerConfig. */
function otherEndTimers(
  model: LabModel,
  router: string,
  ip: string,
): { peer: string; hold: number; keepalive: number; at: string } | undefined {
  const myAddr = addressTowards(model, router, ip)?.address;
  if (!myAddr) return undefined;
  const owner = addressOwner(model, ip);
  const b = owner === undefined ? undefined : model.routers[owner];
  if (b) {
    const pbgp = b.frr.bgp;
    const back = pbgp?.neighbors[myAddr];
    if (!pbgp || !back || b.name < router) return undefined;
    return { peer: b.name, ...neighborTimers(pbgp, myAddr), at: at(b.frr.file, timersAt(pbgp, back).line) };
  }
  const node = owner === undefined ? undefined : model.k8sNodes[owner];
  const p = node && model.clusters[node.cluster]?.speakers[node.name]?.peers.find((p) => p.address === myAddr);
  if (!node || !p) return undefined;
  return {
    peer: node.name,
    hold: p.holdSeconds,
    keepalive: p.keepaliveSeconds,
    at: p.source.peerConfig ?? p.source.clusterConfig,
  };
}
