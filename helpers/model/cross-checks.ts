/**
 * Checks that span files: the topology against the FRR configs, the FRR configs against
 * the Cilium fixtures, and the address plan as a whole. They run after every file parsed
 * on its own, and before anything starts, so a mismatch is reported as a config error
 * naming both sides instead of surfacing later as a session that never comes up.
 */
import type { ProblemList } from './errors.js';
import { cidrContains, parseCidr, rangesOverlap, intToIp, type Cidr } from './ipv4.js';
import { poolRanges } from './lb-ipam.js';
import type { K8sNodeModel, LabModel, RouterModel } from './lab-model.js';
import { acceptsRemoteAs, remoteAsAdmits, remoteAsText, type FrrBgp, type FrrNeighbor } from './frr-config.js';
import type { ClusterModel, SpeakerIntent, SpeakerPeer } from './clusters.js';
import type { TopoLink } from './topology.js';
import { pathToString } from './yaml-file.js';
import { checkRouterSessions, passwordDifference } from './bgp-sessions.js';
import { bfdProblems } from './policy-notes.js';

/** An address configured in the lab: who holds it (`node:iface`), and the file, field and line that configure it. */
interface Owned {
  owner: string;
  file: string;
  field: string;
  line?: number;
  cidr: Cidr;
}

/** What the checks after the first two read: the model and every address configured in the lab. */
interface Fabric {
  model: LabModel;
  owned: Owned[];
}

type CrossCheck = (fabric: Fabric, problems: ProblemList) => void;

/** The checks that read the addresses, in the order they report. */
const CROSS_CHECKS: CrossCheck[] = [
  checkUniqueAddresses,
  checkGateways,
  checkTimers,
  checkBgpdStarts,
  checkPeeredNodesRunSpeakers,
  checkSpeakerPeers,
  checkFrrSessions,
  checkPoolOverlaps,
];

/**
 * Runs every cross-file check, in order: the links first (their interfaces), then the addresses
 * (on those interfaces), then each of CROSS_CHECKS over the model and those addresses.
 */
export function runCrossChecks(model: LabModel, problems: ProblemList): void {
  const used = checkLinks(model, problems);
  const owned = ownedAddresses(model, used, problems);
  for (const check of CROSS_CHECKS) check({ model, owned }, problems);
  bfdProblems(model, problems);
}

/** 1. Links: both ends exist, no interface used twice, bridges only on bridge nodes. Returns the interfaces used (`node:iface`), with the line of their link. */
function checkLinks(model: LabModel, problems: ProblemList): Map<string, number | undefined> {
  const topo = model.topology;
  const used = new Map<string, number | undefined>();
  for (const link of model.links) {
    for (const end of [link.a, link.b]) {
      const node = topo.nodes[end.node];
      if (!node) {
        problems.add({
          file: topo.file,
          field: 'topology.links',
          line: link.line,
          message: `link endpoint "${end.node}:${end.iface}" names a node that does not exist`,
        });
        continue;
      }
      if (node.kind === 'ext-container') {
        problems.add({
          file: topo.file,
          field: 'topology.links',
          line: link.line,
          message: `a link to Kubernetes node ${end.node} is not emulated: a node reaches its leaf through its bridge (label anycast-verify/bridge)`,
        });
      }
      const key = `${end.node}:${end.iface}`;
      if (used.has(key))
        problems.add({
          file: topo.file,
          field: 'topology.links',
          line: link.line,
          message: `interface ${key} is already used by the link at line ${used.get(key)}`,
        });
      used.set(key, link.line);
      if (end.iface.length > 15)
        problems.add({
          file: topo.file,
          field: 'topology.links',
          line: link.line,
          message: `interface name "${end.iface}" is longer than Linux's 15 characters`,
        });
    }
    if (topo.nodes[link.a.node]?.kind === 'bridge' && topo.nodes[link.b.node]?.kind === 'bridge') {
      problems.add({
        file: topo.file,
        field: 'topology.links',
        line: link.line,
        message: 'a link between two bridges is not emulated',
      });
    }
  }
  return used;
}

/** 2. Every address a router or host configures sits on a linked interface; collect them all (routers', hosts', then nodes'). */
function ownedAddresses(
  model: LabModel,
  used: ReadonlyMap<string, number | undefined>,
  problems: ProblemList,
): Owned[] {
  return [
    ...routerAddresses(model, used, problems),
    ...hostAddresses(model, used, problems),
    ...nodeAddresses(model, problems),
  ];
}

function routerAddresses(
  model: LabModel,
  used: ReadonlyMap<string, number | undefined>,
  problems: ProblemList,
): Owned[] {
  const owned: Owned[] = [];
  for (const r of Object.values(model.routers)) {
    for (const [iface, info] of Object.entries(r.frr.interfaces)) {
      for (const a of info.addresses) {
        const cidr = parseAddress(a, { file: r.frr.file, field: `interface ${iface}`, line: info.line }, problems);
        if (!cidr) continue;
        if (iface !== 'lo' && !used.has(`${r.name}:${iface}`)) {
          problems.add({
            file: r.frr.file,
            field: `interface ${iface}`,
            line: info.line,
            message: `${r.name} has no link on ${iface} in ${model.topology.file}`,
          });
        }
        owned.push({
          owner: `${r.name}:${iface}`,
          file: r.frr.file,
          field: `interface ${iface} / ip address ${a}`,
          line: info.line,
          cidr,
        });
      }
    }
  }
  return owned;
}

function hostAddresses(model: LabModel, used: ReadonlyMap<string, number | undefined>, problems: ProblemList): Owned[] {
  const topoFile = model.topology.file;
  const owned: Owned[] = [];
  for (const h of Object.values(model.hosts)) {
    h.addresses.forEach((a) => {
      const cidr = parseAddress(
        a.cidr,
        { file: topoFile, field: `topology.nodes.${h.name}.exec`, line: h.node.line },
        problems,
      );
      if (!cidr) return;
      if (!used.has(`${h.name}:${a.dev}`))
        problems.add({
          file: topoFile,
          field: `topology.nodes.${h.name}.exec`,
          line: h.node.line,
          message: `address ${a.cidr} is on ${a.dev}, which has no link`,
        });
      owned.push({
        owner: `${h.name}:${a.dev}`,
        file: topoFile,
        field: `topology.nodes.${h.name}.exec`,
        line: h.node.line,
        cidr,
      });
    });
  }
  return owned;
}

/** The address, or undefined with why it cannot be read reported at `at`. */
function parseAddress(
  address: string,
  at: { file: string; field: string; line?: number },
  problems: ProblemList,
): Cidr | undefined {
  try {
    return parseCidr(address);
  } catch (err) {
    problems.add({ ...at, message: (err as Error).message });
    return undefined;
  }
}

/** Each Kubernetes node's address; its bridge must be a bridge node of the topology. */
function nodeAddresses(model: LabModel, problems: ProblemList): Owned[] {
  const topoFile = model.topology.file;
  const owned: Owned[] = [];
  for (const n of Object.values(model.k8sNodes)) {
    owned.push({
      owner: `${n.name}:${n.iface}`,
      file: topoFile,
      field: `topology.nodes.${n.name}.labels.anycast-verify/node-ip`,
      line: n.node.line,
      cidr: parseCidr(n.cidr),
    });
    if (!model.bridges.includes(n.bridge)) {
      problems.add({
        file: topoFile,
        field: `topology.nodes.${n.name}.labels.anycast-verify/bridge`,
        line: n.node.line,
        message: `"${n.bridge}" is not a node of kind bridge in the topology`,
      });
    }
  }
  return owned;
}

/** 3. No address twice. */
function checkUniqueAddresses({ owned }: Fabric, problems: ProblemList): void {
  const byIp = new Map<string, Owned>();
  for (const o of owned) {
    const prev = byIp.get(o.cidr.address);
    if (prev)
      problems.add({
        file: o.file,
        field: o.field,
        line: o.line,
        message: `address ${o.cidr.address} is also configured on ${prev.owner} (${prev.file}${prev.line ? `:${prev.line}` : ''})`,
      });
    else byIp.set(o.cidr.address, o);
  }
}

/** 4. Host and node routes point at a gateway on one of their own subnets. */
function checkGateways({ model, owned }: Fabric, problems: ProblemList): void {
  const subnetsOf = (owner: string) => owned.filter((o) => o.owner.startsWith(`${owner}:`));
  for (const h of [
    ...Object.values(model.hosts).map((h) => ({ name: h.name, routes: h.routes, line: h.node.line })),
    ...Object.values(model.k8sNodes).map((n) => ({ name: n.name, routes: n.routes, line: n.node.line })),
  ]) {
    for (const r of h.routes) {
      if (!subnetsOf(h.name).some((o) => cidrContains(o.cidr, r.via))) {
        problems.add({
          file: model.topology.file,
          field: `topology.nodes.${h.name}.exec`,
          line: h.line,
          message: `route to ${r.prefix} via ${r.via}: the gateway is on none of ${h.name}'s subnets`,
        });
      }
    }
  }
}

/** 5a. FRR timers are sane on every router (per neighbour, or the router's `timers bgp`). */
function checkTimers({ model }: Fabric, problems: ProblemList): void {
  for (const r of Object.values(model.routers)) {
    const bgp = r.frr.bgp;
    if (!bgp) continue;
    for (const addr of [undefined, ...Object.keys(bgp.neighbors)]) {
      const t = addr ? bgp.neighbors[addr]!.timers : bgp.timers;
      if (!t) continue;
      const line = addr ? bgp.neighbors[addr]!.line : bgp.line;
      if (t.hold !== 0 && t.hold < 3)
        problems.add({
          file: r.frr.file,
          field: addr ? `neighbor ${addr} timers` : 'timers bgp',
          line,
          message: `hold time ${t.hold} s: BGP allows 0 or at least 3`,
        });
      if (t.hold !== 0 && t.keepalive > t.hold)
        problems.add({
          file: r.frr.file,
          field: addr ? `neighbor ${addr} timers` : 'timers bgp',
          line,
          message: `keepalive ${t.keepalive} s exceeds hold ${t.hold} s`,
        });
    }
  }
}

/** 5b. A router whose frr.conf runs BGP starts bgpd: watchfrr starts only what `daemons` enables. */
function checkBgpdStarts({ model }: Fabric, problems: ProblemList): void {
  for (const r of Object.values(model.routers)) {
    const bgp = r.frr.bgp;
    if (!bgp || r.daemons.enabled.includes('bgpd')) continue;
    const line = r.daemons.lines.bgpd;
    problems.add({
      file: r.daemons.file,
      field: 'bgpd',
      line,
      message: `${line ? 'bgpd=no' : 'no bgpd=yes'}, but ${r.name}'s ${r.frr.file}:${bgp.line} has "router bgp ${bgp.asn}": watchfrr would not start bgpd and ${r.name} would run no BGP`,
    });
  }
}

/**
 * 5c. A node a router peers with runs a speaker: no CiliumBGPClusterConfig selecting it (a
 * missing fixtures/cilium/<cluster>/, say) would leave that session down for good.
 */
function checkPeeredNodesRunSpeakers({ model }: Fabric, problems: ProblemList): void {
  for (const n of Object.values(model.k8sNodes)) {
    if (model.clusters[n.cluster]?.speakers[n.name]) continue;
    const peering = Object.values(model.routers).filter((r) => r.frr.bgp?.neighbors[n.ip]);
    if (peering.length === 0) continue;
    const by = peering.map((r) => `${r.name} (${r.frr.file}:${r.frr.bgp!.neighbors[n.ip]!.line})`).join(', ');
    problems.add({
      file: model.topology.file,
      field: `topology.nodes.${n.name}`,
      line: n.node.line,
      message: `no CiliumBGPClusterConfig of cluster ${n.cluster} selects this node, so it would run no BGP speaker, yet ${by} peers with it`,
    });
  }
}

/** 5. Each Kubernetes node's BGP peers match the leaf on its bridge, on both sides. */
function checkSpeakerPeers(fabric: Fabric, problems: ProblemList): void {
  for (const cluster of Object.values(fabric.model.clusters)) {
    for (const sp of Object.values(cluster.speakers)) {
      for (const peer of sp.peers) checkSpeakerPeer(fabric, cluster, sp, peer, problems);
    }
  }
}

/** One peer of a node's speaker: an FRR router's address on the node's network, with the ASN of its `router bgp`, and the router's side of the session. */
function checkSpeakerPeer(
  { model, owned }: Fabric,
  cluster: ClusterModel,
  sp: SpeakerIntent,
  peer: SpeakerPeer,
  problems: ProblemList,
): void {
  const node = model.k8sNodes[sp.node]!;
  const cc = peer.source.clusterConfig;
  const at = peer.source.peer;
  const owner = owned.find((o) => o.cidr.address === peer.address);
  const router = owner && model.routers[owner.owner.split(':')[0]!];
  if (!owner || !router) {
    problems.add({
      file: cc,
      field: `${at.field}.peerAddress`,
      line: at.lines.peerAddress,
      message: `${peer.address} is not an address of any FRR router in the topology`,
    });
    return;
  }
  const iface = owner.owner.split(':')[1]!;
  if (!linksToBridge(model.links, router.name, iface, node.bridge) || !cidrContains(owner.cidr, node.ip)) {
    problems.add({
      file: cc,
      field: `${at.field}.peerAddress`,
      line: at.lines.peerAddress,
      message: `${peer.address} (${router.name} ${iface}) is not on node ${node.name}'s network ${node.cidr} via ${node.bridge}; eBGP with TTL 1 needs a directly connected peer (ebgpMultihop is not emulated)`,
    });
  }
  const bgp = router.frr.bgp;
  if (!bgp) {
    problems.add({
      file: router.frr.file,
      field: 'router bgp',
      message: `${router.name} runs no BGP, but cluster ${cluster.name} peers with it (${cc})`,
    });
    return;
  }
  if (!acceptsRemoteAs(bgp, node.ip, peer.asn)) {
    const la = bgp.neighbors[node.ip]?.localAs;
    problems.add({
      file: cc,
      field: `${at.field}.peerASN`,
      line: at.lines.peerASN,
      message: la
        ? `${peer.asn} does not match ${router.name}'s "neighbor ${node.ip} local-as ${la.asn}" (${router.frr.file}:${la.line})`
        : `${peer.asn} does not match ${router.name}'s "router bgp ${bgp.asn}" (${router.frr.file}:${bgp.line})`,
    });
  }
  checkRouterNeighbor(router, bgp, node, cluster, sp, peer, problems);
}

/** 5d. Every FRR router's neighbours, checked from both ends (helpers/model/bgp-sessions.ts). */
function checkFrrSessions({ model, owned }: Fabric, problems: ProblemList): void {
  checkRouterSessions(model, owned, problems);
}

/** Whether a link joins the router's interface to the bridge. */
function linksToBridge(links: TopoLink[], router: string, iface: string, bridge: string): boolean {
  return links.some(
    (l) =>
      (l.a.node === router && l.a.iface === iface && l.b.node === bridge) ||
      (l.b.node === router && l.b.iface === iface && l.a.node === bridge),
  );
}

/** The router's side: a `neighbor` for the node, with the cluster's ASN as remote-as and the same MD5 password as Cilium. */
function checkRouterNeighbor(
  router: RouterModel,
  bgp: FrrBgp,
  node: K8sNodeModel,
  cluster: ClusterModel,
  sp: SpeakerIntent,
  peer: SpeakerPeer,
  problems: ProblemList,
): void {
  const cc = peer.source.clusterConfig;
  const nb = bgp.neighbors[node.ip];
  if (!nb) {
    problems.add({
      file: router.frr.file,
      field: `neighbor ${node.ip}`,
      line: bgp.line,
      message: `${router.name} has no neighbor ${node.ip}, but node ${node.name} of cluster ${cluster.name} dials it (${cc})`,
    });
    return;
  }
  if (!remoteAsAdmits(bgp, nb, sp.localASN)) {
    problems.add({
      file: router.frr.file,
      field: `neighbor ${node.ip} remote-as`,
      line: nb.line,
      message: `${remoteAsText(nb)} does not match cluster ${cluster.name}'s localASN ${sp.localASN} (${cc})`,
    });
  }
  if (nb.password !== peer.password) {
    problems.add({
      file: router.frr.file,
      field: `neighbor ${node.ip} password`,
      line: nb.line,
      message: passwordMismatch(router.name, node.ip, nb, peer),
    });
  }
}

/** How the router's MD5 password for the node and Cilium's differ (one side only, or both with different values), naming where Cilium's comes from. */
function passwordMismatch(router: string, nodeIp: string, nb: FrrNeighbor, peer: SpeakerPeer): string {
  const cc = peer.source.clusterConfig;
  const where = peer.passwordSource ?? peer.source.peerConfig ?? cc;
  if (!nb.password)
    return `${router} has no password for ${nodeIp}, but Cilium uses one (${where}): MD5 on one side only`;
  if (!peer.password)
    return `${router} sets a password for ${nodeIp}, but Cilium has none (${peer.source.peerConfig ?? cc} has no authSecretRef): MD5 on one side only`;
  return `${router}'s password for ${nodeIp} differs from ${where} ${passwordDifference(nb.password, router, peer.password, peer.passwordSource ? 'the Secret' : 'Cilium')}`;
}

/** 6. The VIP pool must not overlap any subnet of the lab (the VIP would shadow or be shadowed). */
function checkPoolOverlaps({ model, owned }: Fabric, problems: ProblemList): void {
  for (const cluster of Object.values(model.clusters)) {
    for (const pool of cluster.objects.pools) {
      const doc = cluster.sources.get(pool)!;
      poolRanges(pool).forEach((r, i) => {
        const block = pool.spec.blocks[i]!;
        const path = ['spec', 'blocks', i, ...(block.cidr ? ['cidr'] : [])];
        for (const o of owned) {
          const subnet = { first: o.cidr.first, last: o.cidr.last };
          if (rangesOverlap(r, subnet)) {
            problems.add({
              file: doc.file,
              field: pathToString(path),
              line: doc.lineOf(path),
              message: `range ${intToIp(r.first)}-${intToIp(r.last)} overlaps ${o.owner}'s subnet ${intToIp(subnet.first)}/${o.cidr.prefixLength} (${o.file}${o.line ? `:${o.line}` : ''})`,
            });
          }
        }
      });
    }
  }
}
