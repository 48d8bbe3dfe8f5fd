/** The lab at a glance: nodes, every BGP session with its state, and each VIP's routes per router. */
import { nodesOnOtherRuntimes } from '../runtimes/runtime-of.js';
import { bgpNeighbors, kernelNextHops } from './frr.js';
import { advertisedVips } from '../model/expected-routes.js';
import type { LabHandle, SpeakerPeerView } from '../providers/api/lab-handle.js';

export interface LabStatus {
  lab: string;
  provider: string;
  /** Pinned and emulated versions side by side (netns: `frr` vs `frr pinned`, `gobgp` vs `gobgp pinned`). */
  versions: Record<string, string>;
  nodes: { name: string; kind: string; role: string }[];
  sessions: {
    router: string;
    neighbor: string;
    remoteAs: number;
    state: string;
    holdSeconds?: number;
    keepaliveSeconds?: number;
  }[];
  speakers: { node: string; peers: SpeakerPeerView[] }[];
  vipRoutes: { router: string; vip: string; nextHops: string[] }[];
}

export async function labStatus(lab: LabHandle): Promise<LabStatus> {
  const m = lab.model;
  const role = (n: string) =>
    m.routers[n]
      ? 'FRR router'
      : m.hosts[n]
        ? 'client'
        : m.k8sNodes[n]
          ? `Kubernetes node (${m.k8sNodes[n]!.cluster})`
          : 'bridge';
  const sessions: LabStatus['sessions'] = [];
  const vipRoutes: LabStatus['vipRoutes'] = [];
  const vips = [...advertisedVips(m).keys()];
  await Promise.all(
    Object.values(m.routers).map(async (r) => {
      const n = await bgpNeighbors(lab, r.name).catch(() => ({}) as Awaited<ReturnType<typeof bgpNeighbors>>);
      for (const addr of Object.keys(r.frr.bgp?.neighbors ?? {})) {
        const s = n[addr];
        sessions.push({
          router: r.name,
          neighbor: addr,
          remoteAs: s?.remoteAs ?? r.frr.bgp!.neighbors[addr]!.remoteAs ?? 0,
          state: s?.state ?? 'unknown',
          holdSeconds: s?.holdSeconds,
          keepaliveSeconds: s?.keepaliveSeconds,
        });
      }
      for (const vip of vips)
        vipRoutes.push({
          router: r.name,
          vip,
          nextHops: (await kernelNextHops(lab, r.name, vip).catch(() => [])).map((h) => h.gateway),
        });
    }),
  );
  const versions = await lab.versions().catch((e: Error) => ({ error: e.message }));
  const speakers = await Promise.all(
    Object.keys(m.k8sNodes).map(async (node) => ({ node, peers: await lab.speakerPeers(node).catch(() => []) })),
  );
  const order = Object.keys(m.topology.nodes);
  const byRouter = (a: { router: string }, b: { router: string }) => order.indexOf(a.router) - order.indexOf(b.router);
  return {
    lab: m.name,
    provider: lab.provider,
    versions,
    nodes: order.map((name) => ({ name, kind: m.topology.nodes[name]!.kind, role: role(name) })),
    sessions: sessions.sort(byRouter),
    speakers,
    vipRoutes: vipRoutes.sort(byRouter),
  };
}

export function formatStatus(s: LabStatus): string {
  const v = s.versions;
  const lines = [`lab ${s.lab} (provider ${s.provider})`];
  if (v['frr pinned'])
    lines.push(
      `versions: FRR ${v.frr} (${v['frr source'] ?? `pinned ${v['frr pinned']}`}), GoBGP ${v.gobgp} (pinned ${v['gobgp pinned']})${v.runtime ? `, runtime ${v.runtime}` : ''}`,
    );
  // Mixed versions: each router or node on another runtime than the lab's.
  for (const [node, runtime] of nodesOnOtherRuntimes(v)) lines.push(`${node} runs ${runtime}`);
  lines.push('', 'nodes:');
  for (const n of s.nodes) lines.push(`  ${n.name.padEnd(14)} ${n.role}`);
  lines.push('', 'BGP sessions (router side):');
  for (const x of s.sessions)
    lines.push(
      `  ${x.router.padEnd(8)} ${x.neighbor.padEnd(16)} AS${String(x.remoteAs).padEnd(7)} ${x.state}${x.holdSeconds ? `  hold ${x.holdSeconds}s keepalive ${x.keepaliveSeconds}s` : ''}`,
    );
  lines.push('', 'BGP sessions (cluster side):');
  for (const sp of s.speakers)
    for (const p of sp.peers)
      lines.push(
        `  ${sp.node.padEnd(10)} AS${p.localASN} -> ${p.peerAddress} AS${p.peerASN}  ${p.state}  advertised ${p.advertised ?? '?'}`,
      );
  lines.push('', 'VIP routes (kernel FIB):');
  for (const v of s.vipRoutes) lines.push(`  ${v.router.padEnd(8)} ${v.vip} via ${v.nextHops.join(', ') || '(none)'}`);
  return lines.join('\n');
}
