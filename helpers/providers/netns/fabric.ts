/**
 * Builds the lab's L2/L3 skeleton in network namespaces: one namespace per node, a veth
 * per link, one namespace holding a Linux bridge per cluster network, the hosts' and
 * Kubernetes nodes' addresses and routes (from the topology's exec lines and labels).
 * Routers' addresses come from their frr.conf (zebra sets them), their sysctls are set as
 * their FRR starts (./frr-router.ts).
 * Nothing is ever created in the root namespace: veths are made inside a lab namespace
 * with their peer placed straight into another one.
 */
import { routeReplaceArgs, type HostRoute } from '../../model/host-exec.js';
import type { LabModel } from '../../model/lab-model.js';
import { run } from '../../os/command.js';
import { BRIDGE_DEVICE, bridgePortName, nsName } from './naming.js';

/** Every namespace of the lab, in creation order. */
export function labNamespaces(model: LabModel): string[] {
  return Object.keys(model.topology.nodes).map((n) => nsName(model.name, n));
}

/**
 * Every namespace, made by one `ip -batch` (one process, where a process per namespace costs the
 * bring-up ~10-15 ms of CPU each just to fork from Node.js); each is reported before it is
 * made, so a bring-up killed half-way leaves none unrecorded (deleting is idempotent).
 */
export async function createNamespaces(model: LabModel, onCreated: (ns: string) => void): Promise<void> {
  const names = labNamespaces(model);
  for (const ns of names) onCreated(ns);
  if (names.length) await run(['ip', '-batch', '-'], { input: names.map((ns) => `netns add ${ns}\n`).join('') });
}

/**
 * Links, addresses and routes, in one process: first every bridge and veth pair, made from
 * inside the lab's first namespace with each end placed straight into its own namespace
 * (`netns` on both ends), then one `ip -batch` per namespace for what happens inside it.
 * The routers' sysctls are set by their FRR start (./frr-router.ts).
 */
export async function wireFabric(model: LabModel): Promise<void> {
  const lab = model.name;
  const kind = (n: string) => model.topology.nodes[n]!.kind;
  const create: string[] = [];
  const perNs = new Map<string, string[]>();
  const later = (ns: string, line: string) => perNs.set(ns, [...(perNs.get(ns) ?? []), line]);
  const veth = (ns: string, name: string, peerNs: string, peer: string) =>
    create.push(`link add name ${name} netns ${ns} type veth peer name ${peer} netns ${peerNs}`);

  for (const b of model.bridges) {
    const ns = nsName(lab, b);
    create.push(`link add name ${BRIDGE_DEVICE} netns ${ns} type bridge`);
    later(ns, `link set ${BRIDGE_DEVICE} up`);
  }
  for (const l of model.links) {
    let [a, b] = [l.a, l.b];
    if (kind(a.node) === 'bridge') [a, b] = [b, a];
    const nsA = nsName(lab, a.node);
    const nsB = nsName(lab, b.node);
    const peerName = kind(b.node) === 'bridge' ? bridgePortName(a.node, a.iface) : b.iface;
    veth(nsA, a.iface, nsB, peerName);
    later(nsA, `link set ${a.iface} up`);
    if (kind(b.node) === 'bridge') later(nsB, `link set ${peerName} master ${BRIDGE_DEVICE}`);
    later(nsB, `link set ${peerName} up`);
  }
  // Kubernetes nodes sit on their cluster's bridge, like the minikube container on its docker network.
  for (const n of Object.values(model.k8sNodes)) {
    const ns = nsName(lab, n.name);
    const br = nsName(lab, n.bridge);
    const port = bridgePortName(n.name, n.iface);
    veth(ns, n.iface, br, port);
    later(br, `link set ${port} master ${BRIDGE_DEVICE}`);
    later(br, `link set ${port} up`);
    later(ns, `addr add ${n.cidr} dev ${n.iface}`);
    later(ns, `link set ${n.iface} up`);
    for (const r of n.routes) later(ns, routeLine(r));
  }
  for (const h of Object.values(model.hosts)) {
    const ns = nsName(lab, h.name);
    for (const a of h.addresses) later(ns, `addr add ${a.cidr} dev ${a.dev}`);
    for (const r of h.routes) later(ns, routeLine(r));
  }
  for (const ns of labNamespaces(model)) later(ns, 'link set lo up');
  // Order inside a namespace matters (links up before routes), across namespaces it does not.
  const batches: [string, string][] = [];
  const from = labNamespaces(model)[0];
  if (from && create.length) batches.push([from, create.join('\n')]);
  for (const [ns, lines] of perNs) batches.push([ns, sortForBatch(lines).join('\n')]);
  await run(['sh', '-c', BATCHES, 'fabric', ...batches.flat()]);
}

/** `ns1 lines1 ns2 lines2 …`: each group of lines as one `ip -batch` inside its namespace, in order; the first failure stops it, naming the namespace. */
const BATCHES = [
  'while [ $# -gt 1 ]; do',
  '  printf "%s\\n" "$2" | ip -n "$1" -batch - || { echo "(in namespace $1)" >&2; exit 1; }',
  '  shift 2',
  'done',
].join('\n');

function routeLine(r: HostRoute): string {
  return routeReplaceArgs(r).join(' ');
}

function sortForBatch(lines: string[]): string[] {
  const rank = (l: string) =>
    l.startsWith('link set') && l.includes('master') ? 0 : l.startsWith('link') ? 1 : l.startsWith('addr') ? 2 : 3;
  return [...lines].sort((a, b) => rank(a) - rank(b));
}

/** Deletes the lab's namespaces that exist (idempotent), in one `ip -force -batch` (it goes on past a failed line). */
export async function deleteNamespaces(names: string[]): Promise<void> {
  const existing = new Set((await run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]));
  const gone = names.filter((n) => existing.has(n));
  if (gone.length)
    await run(['ip', '-force', '-batch', '-'], {
      input: gone.map((n) => `netns delete ${n}\n`).join(''),
      reject: false,
    });
}
