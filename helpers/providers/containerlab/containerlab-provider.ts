/**
 * The real lab: containerlab (FRR containers) + one minikube cluster per Kubernetes node of
 * the topology + Cilium with its BGP control plane, the fixtures applied with server-side
 * apply. It executes exactly the plan `anycast-verify plan --provider containerlab` prints.
 * It needs Docker, containerlab, minikube and helm: it runs on GitHub-hosted runners (the
 * nightly workflow) and on a user's Ubuntu VM, not on our CI machines.
 */
import { cpus, totalmem } from 'node:os';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { LabModel } from '../../model/lab-model.js';
import { haveCommand, run, type RunOptions } from '../../os/command.js';
import { AbortedError, Deadline, waitUntil } from '../../os/poll.js';
import { readState, removeRunDir } from '../../os/run-state.js';
import {
  type Allowance,
  type SpeakerRestart,
  type FaultKind,
  type LabHandle,
  type SpawnedProcess,
  type SpawnOptions,
  type SpeakerPeerView,
} from '../api/lab-handle.js';
import { UnsupportedFaultError } from '../api/fault-kinds.js';
import {
  LabNotUpError,
  PreflightError,
  type DownOptions,
  type LabProvider,
  type UpOptions,
} from '../api/lab-provider.js';
import {
  deleteObject,
  KUBE_CALL_SECONDS,
  kubeClients,
  timeBoxed,
  nodeConfig,
  parseNodeConfigStatus,
  serverSideApply,
  type KubeClients,
} from './kube.js';
import { waitProblem } from './wait-checks.js';
import { containerName, downPlan, realLabProblems, upPlan, type PlanStep } from './plan.js';
import { spawnSidecar } from './probe-sidecar.js';
import { spawnInContainer } from './container-process.js';
import { loadVersions, type Versions } from '../../model/version-pins.js';
import { gobgpForCilium } from '../../runtimes/catalog.js';
import { gobgpBehaviour, type GobgpBehaviour } from '../../runtimes/gobgp-behaviour.js';
import {
  agentRestart,
  realLabDetectAllowance,
  realLabFailBackAllowance,
  type AgentRestartHistory,
} from './real-lab-timing.js';

/** Oldest tool versions known to work (Docker 28 networking needs containerlab ≥ 0.69; OCI charts need helm ≥ 3.8). */
export const MINIMUM = { docker: '27.0.0', containerlab: '0.69.0', minikube: '1.33.0', helm: '3.8.0' };
export const MINIMUM_CPUS = 4;
export const MINIMUM_MEMORY_GB = 12;

export function versionAtLeast(have: string, want: string): boolean {
  const p = (v: string) => (v.match(/\d+(\.\d+)*/)?.[0] ?? '0').split('.').map(Number);
  const [a, b] = [p(have), p(want)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** `containerlab version` prints a banner and a `version: X.Y.Z` line; older releases print `containerlab X.Y.Z`. */
export function parseContainerlabVersion(out: string): string {
  return /version:\s*v?(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? out.trim();
}

/** Every IPv4 route of every table, as JSON. */
const ROUTE_DUMP = ['ip', '-j', 'route', 'show', 'table', 'all'];

/** One entry of `ip -j route show` (iproute2's JSON names). */
export interface IpRoute {
  dst: string;
  type?: string;
  gateway?: string;
  dev?: string;
  table?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags?: string[];
}

export function parseIpRoutes(json: string): IpRoute[] {
  const v = JSON.parse(json || '[]') as IpRoute[];
  if (!Array.isArray(v)) throw new Error('ip -j route: expected a JSON array');
  return v;
}

const routeKey = (r: IpRoute) => `${r.table ?? 'main'} ${r.dst} ${r.metric ?? 0}`;

/**
 * The `ip route replace` commands that put back every unicast route of `before` that `now`
 * lacks: directly connected ones first, then those through a gateway (which need them).
 * Routes the kernel keeps itself (local, broadcast: from the addresses) and routes still
 * present (e.g. Cilium's own, with attributes this would not reproduce) are left alone.
 */
export function missingRouteArgv(before: IpRoute[], now: IpRoute[]): string[][] {
  const have = new Set(now.map(routeKey));
  const missing = before.filter((r) => (r.type ?? 'unicast') === 'unicast' && !have.has(routeKey(r)));
  missing.sort((a, b) => Number(!!a.gateway) - Number(!!b.gateway));
  return missing.map((r) => [
    'ip',
    'route',
    'replace',
    r.dst,
    ...(r.gateway ? ['via', r.gateway] : []),
    ...(r.dev ? ['dev', r.dev] : []),
    ...(r.table && r.table !== 'main' ? ['table', r.table] : []),
    ...(r.protocol ? ['proto', r.protocol] : []),
    ...(r.scope ? ['scope', r.scope] : []),
    ...(r.prefsrc ? ['src', r.prefsrc] : []),
    ...(r.metric !== undefined ? ['metric', String(r.metric)] : []),
    ...(r.flags?.includes('onlink') ? ['onlink'] : []),
  ]);
}

export class ContainerlabProvider implements LabProvider {
  readonly name = 'containerlab' as const;
  readonly versions: Versions;
  constructor(readonly model: LabModel) {
    this.versions = loadVersions(model.root);
  }

  async preflight(opts: { runtimeOf?: string } = {}): Promise<void> {
    const missing: string[] = [];
    // Mixed versions are the netns runtimes' (one Debian suite per router or node); said, not ignored.
    if (opts.runtimeOf ?? process.env.ANYCAST_VERIFY_RUNTIME_OF)
      missing.push(
        '--runtime-of (ANYCAST_VERIFY_RUNTIME_OF) is for the netns provider: on containerlab every router runs the FRR image of versions.env and every cluster the pinned Cilium',
      );
    const tools: [keyof typeof MINIMUM, string[], string][] = [
      [
        'docker',
        ['docker', 'version', '--format', '{{.Server.Version}}'],
        'Docker Engine (https://docs.docker.com/engine/install/)',
      ],
      [
        'containerlab',
        ['containerlab', 'version'],
        `containerlab ${this.versions.CONTAINERLAB_VERSION} (bash -c "$(curl -sL https://get.containerlab.dev)" -- -v ${this.versions.CONTAINERLAB_VERSION})`,
      ],
      ['minikube', ['minikube', 'version', '--short'], `minikube ${this.versions.MINIKUBE_VERSION}`],
      ['helm', ['helm', 'version', '--short'], `helm ${this.versions.HELM_VERSION}`],
    ];
    for (const [tool, argv, how] of tools) {
      if (!(await haveCommand(argv[0]!))) {
        missing.push(`${tool} not found: install ${how}`);
        continue;
      }
      const r = await run(argv, { reject: false });
      const version = tool === 'containerlab' ? parseContainerlabVersion(r.stdout) : r.stdout.trim();
      if (r.exitCode !== 0)
        missing.push(
          `${argv.join(' ')} failed (${r.stderr.trim().split('\n')[0]}): is the ${tool === 'docker' ? 'Docker daemon running and your user in the docker group' : `${tool} install complete`}?`,
        );
      else if (!versionAtLeast(version, MINIMUM[tool]))
        missing.push(`${tool} ${version.trim()} is older than ${MINIMUM[tool]}: install ${how}`);
    }
    if (process.getuid?.() === 0)
      missing.push(
        'run as a normal user in the docker group: minikube refuses root (containerlab is called through sudo)',
      );
    if (cpus().length < MINIMUM_CPUS)
      missing.push(`${cpus().length} CPUs: two clusters and the fabric need at least ${MINIMUM_CPUS}`);
    if (totalmem() / 2 ** 30 < MINIMUM_MEMORY_GB)
      missing.push(
        `${(totalmem() / 2 ** 30).toFixed(1)} GiB of memory: two clusters and the fabric need at least ${MINIMUM_MEMORY_GB} GiB`,
      );
    missing.push(...realLabProblems(this.model));
    if (missing.length) throw new PreflightError(missing);
  }

  async up(opts: UpOptions): Promise<LabHandle> {
    const lab = this.model.name;
    if (!readState(lab))
      throw new Error(
        `lab "${lab}" was not claimed: bring it up through helpers/lab/bring-up.ts, which records its owner first`,
      );
    const handle = new ContainerlabHandle(this.model);
    for (const step of upPlan(this.model, this.versions)) {
      if (opts.signal?.aborted) throw new AbortedError(`bring-up of lab "${lab}"`);
      await opts.progress.step(step.title, () => this.execute(step, handle, opts.signal));
    }
    // On failure bring-up removes what was made; `ready` is its to set, after the convergence wait (helpers/lab/bring-up.ts).
    return handle;
  }

  private async execute(step: PlanStep, handle: ContainerlabHandle, signal?: AbortSignal): Promise<void> {
    if (step.kind === 'command') {
      await run(step.argv, {
        env: step.env ? ({ ...process.env, ...step.env } as Record<string, string>) : undefined,
        timeoutMs: 20 * 60_000,
      });
      return;
    }
    if (step.kind === 'k8s') {
      const doc = this.model.clusters[this.model.k8sNodes[step.context]!.cluster]!.manifests.find(
        (m) => m.doc.file === step.manifest?.file && m.doc.index === step.manifest?.index,
      )!;
      await serverSideApply(handle.kube(step.context), doc.doc.data as KubernetesObject);
      return;
    }
    // BGP convergence is not a plan step: bring-up (helpers/lab/bring-up.ts) waits for it on every provider.
    const deadline = new Deadline(step.budgetSeconds * 1000);
    const k = handle.kube(step.context);
    await waitUntil(() => waitProblem(step.until, k), { what: step.title, deadline, intervalMs: 1000, signal });
  }

  async down(opts: DownOptions): Promise<void> {
    // Idempotent: each step may find its part already gone.
    for (const step of downPlan(this.model)) {
      if (step.kind === 'command')
        await opts.progress.step(step.title, () => run(step.argv, { reject: false, timeoutMs: 10 * 60_000 }));
    }
    removeRunDir(this.model.name);
  }

  async attach(): Promise<LabHandle> {
    if (readState(this.model.name)?.ready !== true)
      throw new LabNotUpError(
        `lab "${this.model.name}" is not up on the containerlab provider; run \`npx anycast-verify --provider containerlab up\``,
      );
    return new ContainerlabHandle(this.model);
  }
}

/** How the handle reaches the host and the clusters; replaceable in tests. */
export interface HandleDeps {
  run: typeof run;
  kubeConfig?: KubeConfig;
}

export class ContainerlabHandle implements LabHandle {
  readonly provider = 'containerlab' as const;
  /** All containers share the host's kernel: the same ECMP-hash caveat as the netns lab. */
  readonly sharedKernel = true;
  /** minikube profiles, docker networks and bridges are named after the topology's nodes: a second lab would collide with this one. */
  readonly canRunSecondLab = false;
  private clients = new Map<string, KubeClients>();
  private readonly run: typeof run;
  constructor(
    readonly model: LabModel,
    private readonly deps: HandleDeps = { run },
  ) {
    this.run = deps.run;
  }

  kube(context: string): KubeClients {
    let k = this.clients.get(context);
    if (!k) this.clients.set(context, (k = kubeClients(context, this.deps.kubeConfig)));
    return k;
  }

  exec(node: string, argv: string[], opts?: RunOptions) {
    if (!this.model.topology.nodes[node]) return Promise.reject(new Error(`no node "${node}" in the lab`));
    return this.run(
      ['docker', 'exec', ...(opts?.input !== undefined ? ['-i'] : []), containerName(this.model, node), ...argv],
      opts,
    );
  }

  async vtysh(router: string, command: string): Promise<string> {
    return (await this.exec(router, ['vtysh', '-c', command], { timeoutMs: 15_000 })).stdout;
  }

  async speakerPeers(node: string): Promise<SpeakerPeerView[]> {
    const n = this.model.k8sNodes[node];
    if (!n) throw new Error(`no Kubernetes node "${node}"`);
    const peers = parseNodeConfigStatus(await nodeConfig(this.kube(node), node));
    // MD5 and GR are not in the status: report what the applied PeerConfig asks for (FRR's side shows what was negotiated).
    const intent = this.model.clusters[n.cluster]?.speakers[node];
    return peers.map((p) => {
      const want = intent?.peers.find((x) => x.address === p.peerAddress);
      return {
        ...p,
        tcpPasswordEnabled: !!want?.password,
        gracefulRestart: {
          enabled: !!want?.gracefulRestart,
          restartTimeSeconds: want?.gracefulRestart?.restartTimeSeconds,
        },
      };
    });
  }

  /** Real Cilium: the GoBGP its release line embeds (helpers/runtimes/catalog.ts cites Cilium's go.mod). */
  speakerGobgpVersion(): string {
    return gobgpForCilium(loadVersions(this.model.root).CILIUM_VERSION).gobgp;
  }

  async versions(): Promise<Record<string, string>> {
    const first = Object.keys(this.model.routers)[0]!;
    const frr = (await this.vtysh(first, 'show version').catch(() => '')).match(/FRRouting (\S+)/)?.[1] ?? 'unknown';
    const v = loadVersions(this.model.root);
    const kernel = (await this.run(['uname', '-r'])).stdout.trim();
    return {
      provider: 'containerlab',
      frr,
      'frr pinned': v.FRR_VERSION,
      cilium: v.CILIUM_VERSION,
      gobgp: `${this.speakerGobgpVersion()} (embedded by Cilium ${v.CILIUM_VERSION})`,
      kubernetes: v.K8S_VERSION,
      containerlab: v.CONTAINERLAB_VERSION,
      minikube: v.MINIKUBE_VERSION,
      kernel,
      node: process.version,
    };
  }

  spawn(node: string, argv: string[], opts: SpawnOptions = {}): SpawnedProcess {
    // A Node.js program of ours (the traffic probe) needs Node, which the node's image lacks: it
    // runs in a sidecar beside the node, in its network namespace.
    if (argv[0] === process.execPath && argv[1]?.endsWith('.mjs'))
      return spawnSidecar(containerName(this.model, node), argv[1], argv.slice(2));
    // Observers (ip monitor, tcpdump) run inside the node's own container, with its tools.
    return spawnInContainer(containerName(this.model, node), argv, opts.encoding);
  }

  async injectFault(kind: FaultKind, node: string): Promise<{ restore: () => Promise<void> }> {
    const n = this.model.k8sNodes[node];
    if (!n) throw new Error(`faults are injected on Kubernetes nodes; "${node}" is not one`);
    const cluster = this.model.clusters[n.cluster]!;
    switch (kind) {
      case 'vip-withdrawn': {
        // Remove the cluster's BGP advertisements: Cilium withdraws the VIP, the Service keeps serving it.
        const adverts = cluster.manifests
          .filter((m) => m.kind === 'CiliumBGPAdvertisement')
          .map((m) => m.doc.data as KubernetesObject);
        for (const a of adverts) await deleteObject(this.kube(node), a);
        return {
          restore: async () => void (await Promise.all(adverts.map((a) => serverSideApply(this.kube(node), a)))),
        };
      }
      case 'node-link-down': {
        // Everything the node routes by, before the kernel drops what went through the interface
        // (the default route with it: image pulls, DNS). The restore puts back what is missing.
        const before = parseIpRoutes((await this.exec(node, ROUTE_DUMP)).stdout);
        await this.exec(node, ['ip', 'link', 'set', n.iface, 'down']);
        return {
          restore: async () => {
            await this.exec(node, ['ip', 'link', 'set', n.iface, 'up']);
            const now = parseIpRoutes((await this.exec(node, ROUTE_DUMP)).stdout);
            for (const argv of missingRouteArgv(before, now)) await this.exec(node, argv);
          },
        };
      }
      case 'speaker-crash':
        // A crashed cilium-agent: SIGKILL, no NOTIFICATION; kubelet restarts the container (the restore is waiting for that).
        await this.exec(node, ['pkill', '-KILL', '-x', 'cilium-agent']);
        return { restore: async () => {} };
      case 'silent-drop':
        // Only the node's interface on the cluster network: the node's own loopback keeps Kubernetes alive.
        await this.exec(node, ['iptables', '-t', 'raw', '-I', 'PREROUTING', '1', '-i', n.iface, '-j', 'DROP']);
        await this.exec(node, ['iptables', '-t', 'raw', '-I', 'OUTPUT', '1', '-o', n.iface, '-j', 'DROP']);
        return {
          restore: async () => {
            await this.exec(node, ['iptables', '-t', 'raw', '-D', 'PREROUTING', '-i', n.iface, '-j', 'DROP']);
            await this.exec(node, ['iptables', '-t', 'raw', '-D', 'OUTPUT', '-o', n.iface, '-j', 'DROP']);
          },
        };
      default:
        throw new UnsupportedFaultError('containerlab', kind);
    }
  }

  /** What restarted the agent last time this handle asked (the crash's fail-back allowance uses the same figure). */
  private lastRestart?: SpeakerRestart;

  /** kubelet restarts a killed cilium-agent; how soon depends on the container's restart history (helpers/providers/containerlab/real-lab-timing.ts). */
  async speakerRestart(node: string, gobgp: GobgpBehaviour): Promise<SpeakerRestart> {
    const history = await this.agentHistory(node).catch(() => undefined);
    this.lastRestart = agentRestart(history, new Date(), gobgp);
    return this.lastRestart;
  }

  /** The cilium-agent container's restart count and last exit on a node (its pod status). */
  async agentHistory(node: string): Promise<AgentRestartHistory | undefined> {
    const k = this.kube(node);
    const pods = await timeBoxed(k, `list cilium pods on ${node}`, () =>
      k.core.listNamespacedPod({
        namespace: 'kube-system',
        labelSelector: 'k8s-app=cilium',
        fieldSelector: `spec.nodeName=${node}`,
      }),
    );
    const st = pods.items.flatMap((p) => p.status?.containerStatuses ?? []).find((c) => c.name === 'cilium-agent');
    if (!st) return undefined;
    const finished = st.lastState?.terminated?.finishedAt;
    return { restartCount: st.restartCount, lastFinishedAt: finished ? new Date(finished) : undefined };
  }

  detectAllowance(kind: FaultKind): Allowance | undefined {
    return realLabDetectAllowance(kind);
  }

  failBackAllowance(kind: FaultKind): Allowance | undefined {
    return realLabFailBackAllowance(
      kind,
      kind === 'speaker-crash'
        ? (this.lastRestart ?? agentRestart(undefined, new Date(), gobgpBehaviour(this.speakerGobgpVersion())))
        : undefined,
    );
  }

  /** Server-side apply of the changed model's objects of these kinds in every cluster; the restore applies the lab's own again. Creates nothing else. */
  async reconfigure(changed: LabModel, kinds: string[]): Promise<{ lab: LabHandle; restore: () => Promise<void> }> {
    if (changed.name !== this.model.name)
      throw new Error(`reconfigure: the changed model names lab "${changed.name}", this lab is "${this.model.name}"`);
    const apply = async (m: LabModel) => {
      for (const c of Object.values(m.clusters)) {
        for (const doc of c.manifests.filter((x) => kinds.includes(x.kind)))
          await serverSideApply(this.kube(c.nodes[0]!), doc.doc.data as KubernetesObject);
      }
    };
    await apply(changed);
    // Restoring re-applies the lab's own objects and deletes those only the changed model has
    // (an advertisement added to drain a cluster would otherwise stay).
    const id = (d: { kind: string; doc: { data: unknown } }) => {
      const meta = (d.doc.data as KubernetesObject).metadata;
      return `${d.kind}/${meta?.namespace ?? ''}/${meta?.name ?? ''}`;
    };
    const restore = async () => {
      await apply(this.model);
      for (const c of Object.values(changed.clusters)) {
        const own = new Set((this.model.clusters[c.name]?.manifests ?? []).map(id));
        for (const doc of c.manifests.filter((x) => kinds.includes(x.kind) && !own.has(id(x))))
          await deleteObject(this.kube(c.nodes[0]!), doc.doc.data as KubernetesObject);
      }
    };
    return { lab: new ContainerlabHandle(changed, this.deps), restore };
  }

  async logs(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const r of Object.keys(this.model.routers))
      out[`${r}-frr`] = (
        await this.run(['docker', 'logs', '--tail', '500', containerName(this.model, r)], { reject: false })
      ).stderr;
    for (const n of Object.keys(this.model.k8sNodes)) {
      // Time-boxed: with the node's link down the apiserver (reached through it) does not answer.
      out[`${n}-cilium-agent`] = (
        await this.run(
          [
            'kubectl',
            '--context',
            n,
            '--request-timeout',
            `${KUBE_CALL_SECONDS}s`,
            '-n',
            'kube-system',
            'logs',
            '-l',
            'k8s-app=cilium',
            '--tail',
            '500',
          ],
          { reject: false, timeoutMs: (KUBE_CALL_SECONDS + 5) * 1000 },
        )
      ).stdout;
    }
    return out;
  }

  async health(): Promise<string | undefined> {
    const dead: string[] = [];
    for (const node of [
      ...Object.keys(this.model.routers),
      ...Object.keys(this.model.hosts),
      ...Object.keys(this.model.k8sNodes),
    ]) {
      const r = await this.run(['docker', 'inspect', '-f', '{{.State.Running}}', containerName(this.model, node)], {
        reject: false,
      });
      if (r.stdout.trim() !== 'true') dead.push(`${node}: container ${containerName(this.model, node)} is not running`);
    }
    return dead.length ? dead.join('\n') : undefined;
  }
}
