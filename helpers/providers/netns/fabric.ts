/**
 * Builds the lab's L2/L3 skeleton in network namespaces: one namespace per node, a veth
 * per link, one namespace holding a Linux bridge per cluster network, the hosts' and
 * Kubernetes nodes' addresses and routes (from the topology's exec lines and labels), and
 * the routers' sysctls. Routers' addresses come from their frr.conf (zebra sets them).
 * Nothing is ever created in the root namespace: veths are made inside a lab namespace
 * with their peer placed straight into another one.
 */
import { routeReplaceArgs, type HostRoute } from '../../model/host-exec.js';
import type { LabModel } from '../../model/lab-model.js';
import { run } from '../../runtime/command.js';
import { BRIDGE_DEVICE, bridgePortName, nsName } from './naming.js';
import { inRuntime } from '../../runtimes/in-runtime.js';

export interface FabricOptions {
  /** The runtime whose sysctl sets the routers' sysctls (as the router image's own would). */
  runtimeRoot: string;
}

/** Every namespace of the lab, in creation order. */
export function labNamespaces(model: LabModel): string[] {
  return Object.keys(model.topology.nodes).map((n) => nsName(model.name, n));
}

const ip = (ns: string, ...args: string[]) => run(['ip', '-n', ns, ...args]);

/** Runs `ip -batch` inside one namespace: one process for many changes. */
function ipBatch(ns: string, lines: string[]): Promise<unknown> {
  if (lines.length === 0) return Promise.resolve();
  return run(['ip', '-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

export async function createNamespaces(model: LabModel, onCreated: (ns: string) => void): Promise<void> {
  for (const ns of labNamespaces(model)) {
    await run(['ip', 'netns', 'add', ns]);
    onCreated(ns);
  }
}

export async function wireFabric(model: LabModel, opts: FabricOptions): Promise<void> {
  const lab = model.name;
  const kind = (n: string) => model.topology.nodes[n]!.kind;
  const perNs = new Map<string, string[]>();
  const later = (ns: string, line: string) => perNs.set(ns, [...(perNs.get(ns) ?? []), line]);

  for (const b of model.bridges) {
    const ns = nsName(lab, b);
    await ip(ns, 'link', 'add', BRIDGE_DEVICE, 'type', 'bridge');
    later(ns, `link set ${BRIDGE_DEVICE} up`);
  }
  // Veth pairs: created in one end's namespace, the peer moved at birth into the other.
  await Promise.all(
    model.links.map(async (l) => {
      let [a, b] = [l.a, l.b];
      if (kind(a.node) === 'bridge') [a, b] = [b, a];
      const nsA = nsName(lab, a.node);
      const nsB = nsName(lab, b.node);
      const peerName = kind(b.node) === 'bridge' ? bridgePortName(a.node, a.iface) : b.iface;
      await ip(nsA, 'link', 'add', a.iface, 'type', 'veth', 'peer', 'name', peerName, 'netns', nsB);
      later(nsA, `link set ${a.iface} up`);
      if (kind(b.node) === 'bridge') later(nsB, `link set ${peerName} master ${BRIDGE_DEVICE}`);
      later(nsB, `link set ${peerName} up`);
    }),
  );
  // Kubernetes nodes sit on their cluster's bridge, like the minikube container on its docker network.
  await Promise.all(
    Object.values(model.k8sNodes).map(async (n) => {
      const ns = nsName(lab, n.name);
      const br = nsName(lab, n.bridge);
      const port = bridgePortName(n.name, n.iface);
      await ip(ns, 'link', 'add', n.iface, 'type', 'veth', 'peer', 'name', port, 'netns', br);
      later(br, `link set ${port} master ${BRIDGE_DEVICE}`);
      later(br, `link set ${port} up`);
      later(ns, `addr add ${n.cidr} dev ${n.iface}`);
      later(ns, `link set ${n.iface} up`);
      for (const r of n.routes) later(ns, routeLine(r));
    }),
  );
  for (const h of Object.values(model.hosts)) {
    const ns = nsName(lab, h.name);
    for (const a of h.addresses) later(ns, `addr add ${a.cidr} dev ${a.dev}`);
    for (const r of h.routes) later(ns, routeLine(r));
  }
  for (const ns of labNamespaces(model)) later(ns, 'link set lo up');
  // Order inside a namespace matters (links up before routes), across namespaces it does not.
  await Promise.all([...perNs].map(([ns, lines]) => ipBatch(ns, sortForBatch(lines))));

  await Promise.all(
    Object.values(model.routers).map((r) => {
      const args = Object.entries(r.sysctls).map(([k, v]) => `${k}=${v}`);
      return args.length
        ? run(inRuntime(nsName(lab, r.name), opts.runtimeRoot, ['sysctl', '-q', '-w', ...args]))
        : undefined;
    }),
  );
}

function routeLine(r: HostRoute): string {
  return routeReplaceArgs(r).join(' ');
}

function sortForBatch(lines: string[]): string[] {
  const rank = (l: string) =>
    l.startsWith('link set') && l.includes('master') ? 0 : l.startsWith('link') ? 1 : l.startsWith('addr') ? 2 : 3;
  return [...lines].sort((a, b) => rank(a) - rank(b));
}

/** Deletes the lab's namespaces that exist (idempotent). */
export async function deleteNamespaces(names: string[]): Promise<void> {
  const existing = new Set((await run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]));
  await Promise.all(
    names.filter((n) => existing.has(n)).map((n) => run(['ip', 'netns', 'delete', n], { reject: false })),
  );
}
