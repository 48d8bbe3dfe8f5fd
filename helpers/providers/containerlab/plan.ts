/**
 * What the containerlab provider does, as data: the ordered commands and Kubernetes API
 * calls of `up` and `down`. `anycast-verify plan --provider containerlab` prints this list
 * without running anything, the provider executes exactly this list, and unit tests pin it.
 * Every value comes from the lab model and versions.env.
 */
import { relative } from 'node:path';
import type { LabModel } from '../../model/lab-model.js';
import { intToIp, networkOf, parseCidr, rangesOverlap } from '../../model/ipv4.js';
import type { Versions } from '../../model/version-pins.js';

export type PlanStep =
  | { kind: 'command'; title: string; argv: string[]; env?: Record<string, string> }
  | { kind: 'k8s'; title: string; context: string; call: string; manifest?: { file: string; index: number } }
  | { kind: 'wait'; title: string; context: string; until: WaitFor; budgetSeconds: number };

/**
 * What a wait step waits for, as data: the executor switches on `what` (wait-checks.ts), so
 * a new kind without a check fails to compile, and `plan` prints it through describeWait.
 */
export type WaitFor =
  | { what: 'crds-established'; crds: string[] }
  | { what: 'service-ingress-ip'; namespace: string; name: string; ip: string }
  | { what: 'bgp-peers-established'; node: string };

/** The sentence `plan` prints for a wait: the API object and field it reads, and the value it waits for. */
export function describeWait(w: WaitFor): string {
  // No default: with a `string` return type, a kind left out here is a compile error.
  switch (w.what) {
    case 'crds-established':
      return `CRDs ${w.crds.join(', ')} have condition Established=True`;
    case 'service-ingress-ip':
      return `Service ${w.namespace}/${w.name} status.loadBalancer.ingress[0].ip == ${w.ip}`;
    case 'bgp-peers-established':
      return `CiliumBGPNodeConfig ${w.node} status: every peer peeringState == established`;
  }
}

/** minikube's default pod CIDR (kubeadm pod-network-cidr), which Cilium's ipam.mode=kubernetes uses. */
export const MINIKUBE_POD_CIDR = '10.244.0.0/16';

/** Resources per minikube node: two fit a 4 vCPU / 16 GB GitHub runner. */
export const NODE_RESOURCES = { cpus: '2', memory: '3g' };

/** Cilium CRDs the fixtures need registered before they are applied. */
export const CILIUM_CRDS = [
  'ciliumloadbalancerippools.cilium.io',
  'ciliumbgpadvertisements.cilium.io',
  'ciliumbgppeerconfigs.cilium.io',
  'ciliumbgpclusterconfigs.cilium.io',
  'ciliumbgpnodeconfigs.cilium.io',
];

export function containerName(model: LabModel, node: string): string {
  // ext-container nodes keep their own name (the minikube profile); containerlab names its own clab-<lab>-<node>.
  return model.k8sNodes[node] ? node : `clab-${model.name}-${node}`;
}

/**
 * The docker IPAM range for a cluster network: the largest aligned block that holds the
 * node's address and none of the routers' addresses on that network, so docker never hands
 * out a leaf's address (the leaves' addresses are not known to docker).
 */
export function dockerIpRange(nodeCidr: string, reserved: string[]): string {
  const c = parseCidr(nodeCidr);
  const node = parseCidr(`${c.address}/32`).first;
  for (let len = c.prefixLength + 1; len <= 32; len++) {
    const size = 2 ** (32 - len);
    const first = Math.floor(node / size) * size;
    const block = { first, last: first + size - 1 };
    if (!reserved.some((r) => rangesOverlap(block, parseCidr(`${r}/32`)))) return `${intToIp(first)}/${len}`;
  }
  throw new Error(`no docker IP range around ${nodeCidr} avoids ${reserved.join(', ')}`);
}

function routerAddressesOn(model: LabModel, bridge: string): string[] {
  const out: string[] = [];
  for (const l of model.links) {
    for (const [me, other] of [
      [l.a, l.b],
      [l.b, l.a],
    ] as const) {
      if (other.node === bridge && model.routers[me.node])
        out.push(...(model.routers[me.node]!.interfaces[me.iface] ?? []).map((a) => a.split('/')[0]!));
    }
  }
  return out;
}

export function helmValues(cluster: string): string[] {
  return [
    'bgpControlPlane.enabled=true',
    'bgpControlPlane.secretsNamespace.name=kube-system',
    // Pod addresses from the node's podCIDR (minikube's 10.244.0.0/16), off the fabric's links.
    'ipam.mode=kubernetes',
    'operator.replicas=1',
    // kube-proxy serves the LoadBalancer IP; fewer moving parts with two Ciliums on one kernel.
    'kubeProxyReplacement=false',
    `cluster.name=${cluster}`,
  ];
}

// Indexed rather than imported: an import line would move NODE_RESOURCES off line 43, which docs/scale.md cites.
type ClusterModel = LabModel['clusters'][string];

/** Bring-up, in order: tools, each cluster's network and minikube node, Cilium, the fabric, then each cluster's config and readiness. */
export function upPlan(model: LabModel, v: Versions): PlanStep[] {
  const clusters = Object.values(model.clusters);
  return [
    ...hostPreflightSteps(clusters.length),
    ...clusters.flatMap((c) => c.nodes.flatMap((n) => minikubeNodeSteps(model, c.name, n, v))),
    ...clusters.map((c) => ciliumInstallStep(c, v)),
    fabricDeployStep(model, v),
    ...clusters.flatMap(clusterConfigSteps),
  ];
}

/** The tools' versions (recorded with the run), and inotify limits raised for the clusters' nodes. */
function hostPreflightSteps(clusterCount: number): PlanStep[] {
  return [
    { kind: 'command', title: 'docker engine version', argv: ['docker', 'version', '--format', '{{.Server.Version}}'] },
    { kind: 'command', title: 'containerlab version', argv: ['containerlab', 'version'] },
    { kind: 'command', title: 'minikube version', argv: ['minikube', 'version', '--short'] },
    { kind: 'command', title: 'helm version', argv: ['helm', 'version', '--short'] },
    {
      kind: 'command',
      title: `inotify limits for ${clusterCount} minikube cluster${clusterCount === 1 ? '' : 's'} (kubelet and systemd in each node watch files)`,
      argv: ['sudo', 'sysctl', '-w', 'fs.inotify.max_user_instances=512', 'fs.inotify.max_user_watches=524288'],
    },
  ];
}

/** One Kubernetes node: its docker network (the topology's bridge, an IP range clear of the routers), then minikube on it. */
function minikubeNodeSteps(model: LabModel, cluster: string, n: string, v: Versions): PlanStep[] {
  const node = model.k8sNodes[n]!;
  const net = parseCidr(node.cidr);
  const subnet = networkOf(net);
  const gateway = intToIp(net.first + 1);
  return [
    {
      kind: 'command',
      title: `docker network for ${cluster} (Linux bridge ${node.bridge}, as the topology's bridge node)`,
      argv: [
        'docker',
        'network',
        'create',
        '--driver',
        'bridge',
        '--subnet',
        subnet,
        '--gateway',
        gateway,
        '--ip-range',
        dockerIpRange(node.cidr, routerAddressesOn(model, node.bridge)),
        '-o',
        `com.docker.network.bridge.name=${node.bridge}`,
        '--label',
        'created_by.anycast-verify=true',
        n,
      ],
    },
    {
      kind: 'command',
      title: `minikube cluster ${cluster}, node ${n} at ${node.ip}, no CNI`,
      argv: [
        'minikube',
        'start',
        '-p',
        n,
        '--driver=docker',
        `--network=${n}`,
        `--static-ip=${node.ip}`,
        '--cni=false',
        `--kubernetes-version=${v.K8S_VERSION}`,
        `--cpus=${NODE_RESOURCES.cpus}`,
        `--memory=${NODE_RESOURCES.memory}`,
        '--wait=apiserver,system_pods',
      ],
    },
  ];
}

/** Cilium with the BGP control plane, by helm, in the cluster's kube context (its first node's profile). */
function ciliumInstallStep(c: ClusterModel, v: Versions): PlanStep {
  return {
    kind: 'command',
    title: `Cilium ${v.CILIUM_VERSION} with the BGP control plane in ${c.name}`,
    argv: [
      'helm',
      'upgrade',
      '--install',
      'cilium',
      'oci://quay.io/cilium/charts/cilium',
      '--version',
      v.CILIUM_VERSION,
      '--kube-context',
      c.nodes[0]!,
      '--namespace',
      'kube-system',
      ...helmValues(c.name).flatMap((x) => ['--set', x]),
      '--wait',
      '--timeout',
      '10m',
    ],
  };
}

/** The FRR routers and clients, by containerlab, at the pinned FRR version. */
function fabricDeployStep(model: LabModel, v: Versions): PlanStep {
  const topo = relative(model.root, model.topology.path);
  return {
    kind: 'command',
    title: `containerlab fabric (FRR ${v.FRR_VERSION})`,
    argv: ['sudo', '-E', 'containerlab', 'deploy', '-t', topo, '--reconfigure'],
    env: { FRR_VERSION: v.FRR_VERSION },
  };
}

/** One cluster once Cilium runs: its CRDs registered, the fixtures applied, then each VIP assigned and each node's BGP peers up. */
function clusterConfigSteps(c: ClusterModel): PlanStep[] {
  const ctx = c.nodes[0]!;
  const steps: PlanStep[] = [];
  steps.push({
    kind: 'wait',
    title: `Cilium CRDs registered in ${c.name}`,
    context: ctx,
    until: { what: 'crds-established', crds: CILIUM_CRDS },
    budgetSeconds: 120,
  });
  c.manifests.forEach((m) => {
    steps.push({
      kind: 'k8s',
      title: `apply ${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`,
      context: ctx,
      call: `server-side apply (field manager anycast-verify, force) ${m.apiVersion} ${m.kind} ${m.name}`,
      manifest: { file: m.doc.file, index: m.doc.index },
    });
  });
  for (const { key, namespace, name, vip } of c.services) {
    if (vip)
      steps.push({
        kind: 'wait',
        title: `LB-IPAM gives ${key} ${vip} in ${c.name}`,
        context: ctx,
        until: { what: 'service-ingress-ip', namespace, name, ip: vip },
        budgetSeconds: 120,
      });
  }
  for (const n of c.nodes) {
    steps.push({
      kind: 'wait',
      title: `node ${n}'s BGP peers established`,
      context: ctx,
      until: { what: 'bgp-peers-established', node: n },
      budgetSeconds: 180,
    });
  }
  return steps;
}

/** Teardown: containerlab first (its links sit on the minikube networks), then the clusters, then their networks. */
export function downPlan(model: LabModel): PlanStep[] {
  const topo = relative(model.root, model.topology.path);
  const nodes = Object.keys(model.k8sNodes);
  return [
    {
      kind: 'command',
      title: 'destroy the containerlab fabric',
      argv: ['sudo', '-E', 'containerlab', 'destroy', '-t', topo, '--cleanup'],
    },
    ...nodes.map((n): PlanStep => ({
      kind: 'command',
      title: `delete minikube cluster ${n}`,
      argv: ['minikube', 'delete', '-p', n],
    })),
    // minikube delete usually removes the network of the profile's name already; -f makes this a no-op then.
    ...nodes.map((n): PlanStep => ({
      kind: 'command',
      title: `remove docker network ${n}`,
      argv: ['docker', 'network', 'rm', '-f', n],
    })),
  ];
}

/** Problems a real lab would hit that the netns lab cannot show: checked before planning. */
export function realLabProblems(model: LabModel): string[] {
  const out: string[] = [];
  const pods = parseCidr(MINIKUBE_POD_CIDR);
  for (const r of Object.values(model.routers)) {
    for (const [iface, addrs] of Object.entries(r.interfaces)) {
      for (const a of addrs)
        if (rangesOverlap(pods, parseCidr(a)))
          out.push(`${r.frr.file}: interface ${iface} ${a} overlaps minikube's pod CIDR ${MINIKUBE_POD_CIDR}`);
    }
  }
  return out;
}

export function formatPlan(steps: PlanStep[]): string {
  const q = (a: string) => (/^[\w@%+=:,./{}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return steps
    .map((s, i) => {
      const n = String(i + 1).padStart(2, ' ');
      if (s.kind === 'command')
        return `${n}. ${s.title}\n      $ ${
          s.env
            ? `${Object.entries(s.env)
                .map(([k, val]) => `${k}=${q(val)}`)
                .join(' ')} `
            : ''
        }${s.argv.map(q).join(' ')}`;
      if (s.kind === 'k8s')
        return `${n}. ${s.title}\n      api[${s.context}]: ${s.call}${s.manifest ? ` from ${s.manifest.file}${s.manifest.index ? `#${s.manifest.index}` : ''}` : ''}`;
      return `${n}. ${s.title}\n      wait[${s.context}] ≤ ${s.budgetSeconds} s: ${describeWait(s.until)}`;
    })
    .join('\n');
}
