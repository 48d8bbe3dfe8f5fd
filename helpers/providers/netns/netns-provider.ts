/**
 * The default provider: the whole lab in network namespaces on this host, real FRR per
 * router, an emulated Cilium node (GoBGP + echo) per Kubernetes node. Seconds to start,
 * no Docker. Every namespace, process and path it makes is recorded in the run state
 * before anything else happens, so `down` (or the next `up`) can always remove it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { LabModel } from '../../model/lab-model.js';
import { run, haveCommand } from '../../os/command.js';
import { AbortedError } from '../../os/poll.js';
import {
  isSameProcessAlive,
  readState,
  removeRunDir,
  runDir,
  writeState,
  type LabRuntime,
  type LabState,
} from '../../os/run-state.js';
import type { Progress } from '../../os/progress.js';
import { resolveLabRuntime, runtimeChoice } from '../../runtimes/resolve.js';
import { describeRuntimeOf, resolveRuntimeOf, runtimeFor, runtimeOfVersions } from '../../runtimes/runtime-of.js';
import { allRuntimes, builtRuntime, RuntimeMissingError } from '../../runtimes/store.js';
import { chrootArgv, inRuntime } from '../../runtimes/in-runtime.js';
import { spawn as spawnChild } from 'node:child_process';
import { stopIfOrphaned } from '../../os/orphaned-worker.js';
import {
  type SpeakerRestart,
  type FaultKind,
  type LabHandle,
  type SpawnedProcess,
  type SpawnOptions,
  type SpeakerPeerView,
  type StopMode,
  type UpgradeTiming,
} from '../api/lab-handle.js';
import {
  LabNotUpError,
  PreflightError,
  type DownOptions,
  type LabProvider,
  type UpOptions,
} from '../api/lab-provider.js';
import { injectNetnsFault } from './faults.js';
import { upgradeNetnsNode } from './upgrade.js';
import { HOST_TOOLS } from './host-tools.js';
import { createNamespaces, deleteNamespaces, labNamespaces, wireFabric } from './fabric.js';
import { frrPaths, netnsVtysh, startFrrRouter } from './frr-router.js';
import { vtyDaemonFor, vtySocketCommand, vtySocketPath } from './vty-socket.js';
import { addressOwner } from '../../model/expected-routes.js';
import { gobgp, reoriginate, startEchoPods, startSpeaker } from './emulated-node.js';
import { frrPathspace, nsName, withFrrPathspace } from './naming.js';
import { findLabProcesses, logTail, niceArgv, stopProcesses } from './processes.js';
import { parseGobgpNeighbors } from './gobgp-state.js';

export class NetnsProvider implements LabProvider {
  readonly name = 'netns' as const;
  constructor(readonly model: LabModel) {}

  async preflight(opts: { runtime?: string; runtimeOf?: string } = {}): Promise<void> {
    const missing: string[] = [];
    if (process.getuid?.() !== 0)
      missing.push('root is needed to create network namespaces: run as root (e.g. sudo -E npm test)');
    // The host only builds namespaces and enters them; FRR, GoBGP and the node tools come from the runtime.
    for (const { cmd, pkg } of HOST_TOOLS)
      if (!(await haveCommand(cmd))) missing.push(`${cmd} not found (apt-get install -y ${pkg})`);
    let runtimeRoot: string | undefined;
    try {
      const choice = runtimeChoice(this.model.root, opts.runtime);
      runtimeRoot = builtRuntime(choice.suite)?.root;
      if (!runtimeRoot) missing.push(new RuntimeMissingError(choice.suite).message);
    } catch (err) {
      missing.push((err as Error).message);
    }
    try {
      resolveRuntimeOf(this.model, opts.runtimeOf);
    } catch (err) {
      missing.push((err as Error).message);
    }
    if (missing.length === 0 && runtimeRoot) missing.push(...(await kernelProblems(runtimeRoot)));
    if (missing.length) throw new PreflightError(missing);
  }

  async up(opts: UpOptions): Promise<LabHandle> {
    const rt = resolveLabRuntime(this.model.root, opts.runtime);
    const of = resolveRuntimeOf(this.model, opts.runtimeOf);
    const bringUp = await claimBringUp(this.model, rt, of, opts);
    const handle = new NetnsHandle(this.model, rt, of);
    bringUp.checkAbort();
    await buildNetwork(bringUp);
    bringUp.checkAbort();
    recordFrrPaths(bringUp);
    await startLabProcesses(bringUp);
    bringUp.checkAbort();
    // On failure bring-up removes what was made; `ready` is its to set, after the convergence wait (helpers/lab/bring-up.ts).
    return handle;
  }

  async down(opts: DownOptions): Promise<void> {
    const lab = this.model.name;
    const state = readState(lab);
    // What the record lists, plus anything carrying this lab's markers that a killed run did not get to record.
    const recorded = state?.processes ?? [];
    const pathspaces = Object.keys(this.model.routers).map((r) => frrPathspace(lab, r));
    const stray = findLabProcesses(lab, runDir(lab), pathspaces).filter((p) => !recorded.some((r) => r.pid === p.pid));
    const all = [...recorded, ...stray];
    // watchfrr first: it would restart a daemon it sees die.
    const watchers = all.filter((p) => p.what === 'frr watchfrr');
    if (all.length)
      await opts.progress.step(`stop ${all.length} processes`, async () => {
        await stopProcesses(watchers);
        await stopProcesses(all.filter((p) => !watchers.includes(p)));
        // Anything a watcher restarted in the meantime carries the lab's markers too.
        await stopProcesses(findLabProcesses(lab, runDir(lab), pathspaces));
      });
    const namespaces = [
      ...new Set([...(state?.namespaces ?? []), ...(await existingNamespaces(labNamespaces(this.model)))]),
    ];
    if (namespaces.length)
      await opts.progress.step(`delete ${namespaces.length} namespaces`, () => deleteNamespaces(namespaces));
    const paths = new Set(state?.paths ?? []);
    // The pathspace folders in every built runtime (a lab killed before its record named one included).
    for (const root of new Set([state?.runtime?.root, ...allRuntimeRoots()].filter((r): r is string => !!r))) {
      for (const r of Object.keys(this.model.routers)) {
        const p = frrPaths(root, lab, r);
        paths.add(p.runtime);
        paths.add(p.etc);
      }
    }
    for (const p of paths) rmSync(p, { recursive: true, force: true });
    removeRunDir(lab);
  }

  async attach(): Promise<LabHandle> {
    const state = readState(this.model.name);
    if (!state?.ready)
      throw new LabNotUpError(
        `lab "${this.model.name}" is not up (no ready run state in ${runDir(this.model.name)}); run \`npx anycast-verify up\``,
      );
    if (!state.runtime)
      throw new Error(
        `lab "${this.model.name}" was started by an older anycast-verify without a runtime; run \`npx anycast-verify down\` and up again`,
      );
    return new NetnsHandle(this.model, state.runtime, state.runtimeOf);
  }
}

/** One netns bring-up under way: the lab's record (saved after everything made) and what its steps share. */
interface BringUp {
  model: LabModel;
  lab: string;
  rt: LabRuntime;
  /** The runtime a router or node runs from (its own under mixed versions, else the lab's). */
  rtOf: (node: string) => LabRuntime;
  state: LabState;
  /** Writes the record, so `down` (or the next `up`) finds whatever was made so far. */
  save: () => void;
  /** The run's folder: configs and logs of the processes. */
  work: string;
  progress: Progress;
  signal?: AbortSignal;
  /** Throws once the bring-up is aborted (Ctrl-C). */
  checkAbort: () => void;
}

/**
 * Takes over the lab's record, claimed by bring-up first: removes namespaces a killed run left
 * unrecorded, records the runtime, and says which one runs.
 */
async function claimBringUp(
  model: LabModel,
  rt: LabRuntime,
  of: Record<string, LabRuntime>,
  opts: UpOptions,
): Promise<BringUp> {
  const { progress, signal } = opts;
  const lab = model.name;
  const state = readState(lab);
  if (!state)
    throw new Error(
      `lab "${lab}" was not claimed: bring it up through helpers/lab/bring-up.ts, which records its owner first`,
    );
  const work = runDir(lab);
  mkdirSync(work, { recursive: true });
  // Namespaces of this lab's names without a record (a run killed before its first write).
  const stray = await existingNamespaces(labNamespaces(model));
  if (stray.length) {
    progress.info(`removing unrecorded namespaces of lab "${lab}": ${stray.join(', ')}`);
    await deleteNamespaces(stray);
  }
  state.runtime = rt;
  state.runtimeOf = of;
  const save = () => writeState(state);
  save();
  progress.info(
    `runtime ${rt.suite}: FRR ${rt.frr} ${rt.frrNote ?? `(pinned ${rt.requested.frr})`}, GoBGP ${rt.gobgp} (Cilium ${rt.requested.cilium} embeds ${rt.requested.gobgp})`,
  );
  for (const line of describeRuntimeOf(of)) progress.info(`mixed versions: ${line}`);
  const checkAbort = () => {
    if (signal?.aborted) throw new AbortedError(`bring-up of lab "${lab}"`);
  };
  const rtOf = (node: string) => runtimeFor(rt, of, node);
  return { model, lab, rt, rtOf, state, save, work, progress, signal, checkAbort };
}

/** A namespace per node (each recorded as made), then the links, addresses and routes between them. */
async function buildNetwork(bringUp: BringUp): Promise<void> {
  const { model, state, save, progress } = bringUp;
  await progress.step(`namespaces for ${Object.keys(model.topology.nodes).length} nodes`, () =>
    createNamespaces(model, (ns) => {
      state.namespaces.push(ns);
      save();
    }),
  );
  bringUp.checkAbort();
  await progress.step(`links, addresses, routes (${model.links.length} links)`, () => wireFabric(model));
}

/** The FRR folders each router will use, recorded before any router starts. */
function recordFrrPaths(bringUp: BringUp): void {
  for (const r of Object.values(bringUp.model.routers)) {
    const p = frrPaths(bringUp.rtOf(r.name).root, bringUp.lab, r.name);
    bringUp.state.paths.push(p.runtime, p.etc);
  }
  bringUp.save();
}

/** FRR on every router, echo pods on every node, then each node's speaker; resolves once all have settled. */
async function startLabProcesses(bringUp: BringUp): Promise<void> {
  const { progress, rtOf } = bringUp;
  const routerUp = startRouters(bringUp);
  const frr = versionsOn([...routerUp.keys()], (r) => rtOf(r).frr, 'routers');
  const routers = progress.step(`FRR ${frr}`, () => Promise.all(routerUp.values()));
  const podsUp = startPods(bringUp);
  const pods = progress.step(`echo pods on ${[...podsUp.keys()].join(', ')}`, () => Promise.all(podsUp.values()));
  const nodes = startSpeakers(bringUp, routerUp, podsUp);
  // Both must have finished (settled) before anything is torn down, or a late start could outlive `down`.
  for (const r of await Promise.allSettled([routers, pods, nodes])) if (r.status === 'rejected') throw r.reason;
}

/** Starts every router's FRR at once: router name → ready. */
function startRouters(bringUp: BringUp): Map<string, Promise<void>> {
  const { model, lab, rtOf, state, save, work } = bringUp;
  // Each router is ready once watchfrr has every daemon up and `vtysh -b` has applied frr.conf
  // to each of them (bgpd included: it has answered every line of its config by then).
  return new Map(
    Object.values(model.routers).map((r) => [
      r.name,
      (async () => {
        const daemons = await startFrrRouter(lab, r, rtOf(r.name), work, (watchfrr) => {
          state.processes.push(watchfrr);
          save();
        });
        state.processes.push(...daemons);
        save();
      })(),
    ]),
  );
}

/** Starts every Kubernetes node's echo pods at once, alongside FRR: node → started. */
function startPods(bringUp: BringUp): Map<string, Promise<void>> {
  const { model, lab, rtOf, state, save, work } = bringUp;
  return new Map(
    Object.values(model.clusters).flatMap((c) =>
      c.nodes.map((n) => [
        n,
        (async () => {
          state.processes.push(...(await startEchoPods(rtOf(n), lab, model.k8sNodes[n]!, c, work)));
          save();
        })(),
      ]),
    ),
  );
}

/**
 * Each speaker starts once its pods answer and the routers it peers with are up, as on a real
 * lab where the fabric is up before Cilium dials it: a first dial that finds no bgpd would push
 * the session to the next retry (helpers/runtimes/gobgp-behaviour.ts).
 */
function startSpeakers(
  bringUp: BringUp,
  routerUp: Map<string, Promise<void>>,
  podsUp: Map<string, Promise<void>>,
): Promise<void[]> {
  const { model, lab, rtOf, state, save, work, progress } = bringUp;
  const speakers = Object.values(model.clusters).flatMap((c) => Object.values(c.speakers));
  const nodes = speakers.map((i) => i.node);
  return progress.step(
    `emulated Cilium speakers (GoBGP ${versionsOn(nodes, (n) => rtOf(n).gobgp, '')}) on ${nodes.join(', ')}`,
    () =>
      Promise.all(
        speakers.map(async (intent) => {
          const peers = intent.peers
            .map((p) => addressOwner(model, p.address))
            .filter((r): r is string => !!r && routerUp.has(r));
          for (const r of await Promise.allSettled([podsUp.get(intent.node), ...peers.map((r) => routerUp.get(r))]))
            if (r.status === 'rejected') throw r.reason;
          bringUp.checkAbort();
          state.processes.push(await startSpeaker(rtOf(intent.node), lab, intent, work, { restarting: true }));
          save();
        }),
      ),
  );
}

/**
 * The versions a set of routers or nodes runs, for a progress line: `10.3 on 4 routers`, or under
 * mixed versions `10.3 on leaf1, leaf2, leaf3; 10.7.1 on spine`.
 */
function versionsOn(names: string[], version: (n: string) => string, noun: string): string {
  const by = new Map<string, string[]>();
  for (const n of names) by.set(version(n), [...(by.get(version(n)) ?? []), n]);
  if (by.size === 1) return noun ? `${[...by.keys()][0]} on ${names.length} ${noun}` : [...by.keys()][0]!;
  return [...by].map(([v, ns]) => `${v} on ${ns.join(', ')}`).join('; ');
}

/**
 * What the kernel must offer, each probed in a throw-away network namespace (`unshare --net`:
 * it vanishes with the probe, nothing touches the host's own). Each probe runs the tool the lab itself runs: `ip` from the host (iproute2, a
 * host requirement), `nft` from the runtime, as the silent-drop fault runs it. A probe whose
 * tool is missing names the tool, never a kernel feature.
 */
async function kernelProblems(runtimeRoot: string): Promise<string[]> {
  const probes: { argv: string[]; what: string }[] = [
    { argv: ['ip', 'link', 'add', 'avp0', 'type', 'veth', 'peer', 'name', 'avp1'], what: 'veth pairs (CONFIG_VETH)' },
    { argv: ['ip', 'link', 'add', 'avbr0', 'type', 'bridge'], what: 'Linux bridges (CONFIG_BRIDGE)' },
    {
      argv: chrootArgv(runtimeRoot, ['nft', 'add', 'table', 'inet', 'avprobe']),
      what: 'nftables (CONFIG_NF_TABLES, CONFIG_NF_TABLES_INET)',
    },
  ];
  const out: string[] = [];
  // Sysctls the routers set: their files exist in every namespace if the kernel has the feature.
  for (const [file, what] of [
    ['/proc/sys/net/ipv4/fib_multipath_hash_policy', 'ECMP routing (CONFIG_IP_ROUTE_MULTIPATH)'],
    ['/proc/sys/net/ipv4/fib_multipath_hash_fields', 'custom ECMP hash fields (Linux 5.12 or newer)'],
  ] as const)
    if (!existsSync(file)) out.push(`the kernel lacks ${what}: ${file} does not exist`);
  for (const { argv, what } of probes) {
    const r = await run(['unshare', '--net', '--', ...argv], { reject: false });
    if (r.exitCode === 0) continue;
    const cmd = argv.join(' ');
    // 127: exec found no such program (unshare, chroot and sh all say so with 127).
    if (r.exitCode === 127 || /No such file or directory|not found/.test(r.stderr))
      out.push(
        `a tool is missing, not a kernel feature: \`${cmd}\` could not run (${r.stderr.trim() || `exit ${r.exitCode}`})`,
      );
    else out.push(`the kernel lacks ${what}: \`${cmd}\` failed (${r.stderr.trim() || `exit ${r.exitCode}`})`);
  }
  return out;
}

function allRuntimeRoots(): string[] {
  return allRuntimes().flatMap((r) => (r.built ? [r.built.root] : []));
}

async function existingNamespaces(names: string[]): Promise<string[]> {
  const out = (await run(['ip', 'netns', 'list'])).stdout;
  const existing = new Set(out.split('\n').map((l) => l.split(' ')[0]));
  return names.filter((n) => existing.has(n));
}

/**
 * The host argv that runs `argv` inside a node of the netns lab: from the runtime, except the
 * host's own Node.js programs; on a router, an FRR tool reaches that router's daemons
 * (withFrrPathspace), as it does in the router's container on containerlab.
 */
export function netnsNodeArgv(model: LabModel, runtimeRoot: string, node: string, argv: readonly string[]): string[] {
  const ns = nsName(model.name, node);
  if (argv[0] === process.execPath) return ['ip', 'netns', 'exec', ns, ...argv];
  return inRuntime(ns, runtimeRoot, model.routers[node] ? withFrrPathspace(model.name, node, argv) : argv);
}

/**
 * The host argv the harness runs `argv` with inside a node: as netnsNodeArgv, except iproute2.
 * iproute2 speaks netlink to the node's namespace, so the host's `ip -n` reads and sets the same
 * kernel state as the runtime's `ip` inside the node (iproute2 is not a component under test;
 * the fault injection uses the host's too, faults.ts), without the runtime wrapper (ip netns
 * exec, a shell, two mounts, chroot): 6 ms of CPU a call instead of 19 (50 calls each way on an
 * idle 2-core host, 2026-12-05), and the suites read a node's routes ~370 times a run. The CLI's
 * `exec` keeps the node's own tools (netnsNodeArgv).
 */
export function netnsHarnessArgv(
  model: LabModel,
  runtimeRoot: string,
  node: string,
  argv: readonly string[],
): string[] {
  if (argv[0] === 'ip') return ['ip', '-n', nsName(model.name, node), ...argv.slice(1)];
  return netnsNodeArgv(model, runtimeRoot, node, argv);
}

/** What `reconfigure` changes on a running netns lab. */
const RECONFIGURABLE_KINDS = ['CiliumBGPAdvertisement'];

export class NetnsHandle implements LabHandle {
  readonly provider = 'netns' as const;
  readonly sharedKernel = true;
  /** Every name a lab makes derives from its lab name: a copy under another name runs beside it. */
  readonly canRunSecondLab = true;
  constructor(
    readonly model: LabModel,
    readonly runtime: LabRuntime,
    /** Routers and nodes that run from another runtime (mixed versions). */
    readonly runtimeOf: Record<string, LabRuntime> = {},
  ) {}

  /** The runtime `node` runs from: its own under mixed versions, else the lab's. */
  rt(node: string): LabRuntime {
    return runtimeFor(this.runtime, this.runtimeOf, node);
  }

  /**
   * argv inside a node: from the runtime (the node's tools at the emulated versions), except
   * anycast-verify's own Node.js programs (probe, echo), which run on the host's Node.js.
   */
  private nodeArgv(node: string, argv: string[]): string[] {
    return netnsHarnessArgv(this.model, this.rt(node).root, node, argv);
  }

  exec(node: string, argv: string[], opts?: Parameters<LabHandle['exec']>[2]) {
    if (!this.model.topology.nodes[node])
      return Promise.reject(
        new Error(`no node "${node}" in the lab (nodes: ${Object.keys(this.model.topology.nodes).join(', ')})`),
      );
    return run(this.nodeArgv(node, argv), opts);
  }

  async vtysh(router: string, command: string): Promise<string> {
    if (!this.model.routers[router]) throw new Error(`no FRR router "${router}" in the lab`);
    const root = this.rt(router).root;
    // A read one daemon answers goes straight to its vty socket (vty-socket.ts: no process at all).
    const daemon = vtyDaemonFor(command);
    if (daemon)
      return vtySocketCommand(vtySocketPath(frrPaths(root, this.model.name, router).runtime, daemon), command);
    return (await netnsVtysh(root, this.model.name, router, command)).stdout;
  }

  async speakerPeers(node: string): Promise<SpeakerPeerView[]> {
    const n = this.model.k8sNodes[node];
    if (!n) throw new Error(`no Kubernetes node "${node}" in the lab`);
    const intent = this.model.clusters[n.cluster]?.speakers[node];
    const r = await gobgp(this.rt(node), this.model.name, node, ['neighbor', '-j']);
    const peers = parseGobgpNeighbors(r.stdout, intent?.localASN ?? 0);
    // `neighbor -j` carries no sent-route count; the Adj-RIB-Out does (what `cilium bgp peers` calls Advertised).
    await Promise.all(
      peers.map(async (p) => {
        const out = await gobgp(this.rt(node), this.model.name, node, [
          'neighbor',
          p.peerAddress,
          'adj-out',
          '-a',
          'ipv4',
          '-j',
        ]).catch(() => undefined);
        if (out) p.advertised = Object.keys(JSON.parse(out.stdout || '{}') as object).length;
      }),
    );
    return peers;
  }

  spawn(node: string, argv: string[], opts: SpawnOptions = {}): SpawnedProcess {
    const inNode = this.nodeArgv(node, argv);
    const [file, ...args] = opts.stamps ? [...niceArgv(), ...inNode] : inNode;
    const child = spawnChild(file!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding(opts.encoding ?? 'utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<{ stdout: string; stderr: string; exitCode: number }>((resolve) => {
      child.on('close', (code) => resolve({ stdout, stderr, exitCode: code ?? 1 }));
      child.on('error', (err) => resolve({ stdout, stderr: `${stderr}${err.message}`, exitCode: 127 }));
    });
    return stopIfOrphaned({
      done,
      output: () => stdout,
      errorOutput: () => stderr,
      stop: () => void child.kill('SIGTERM'),
    });
  }

  async health(): Promise<string | undefined> {
    const state = readState(this.model.name);
    if (!state) return `lab "${this.model.name}" has no run state (was it removed?)`;
    const dead = state.processes.filter((p) => !isSameProcessAlive(p));
    return dead.length
      ? dead
          .map((p) => `${p.node}: ${p.what} (pid ${p.pid}) has died; last log lines:\n${logTail(p.log, 10)}`)
          .join('\n')
      : undefined;
  }

  /**
   * Another model's CiliumBGPAdvertisements on the running lab, as Cilium reconciles a changed
   * one: every node's speaker re-originates what the changed model says (emulated-node.ts
   * reoriginate). Other kinds are refused by name: the netns lab runs a second lab for those.
   */
  async reconfigure(changed: LabModel, kinds: string[]): Promise<{ lab: LabHandle; restore: () => Promise<void> }> {
    const other = kinds.filter((k) => !RECONFIGURABLE_KINDS.includes(k));
    if (other.length)
      throw new Error(
        `reconfigure: the netns provider changes ${RECONFIGURABLE_KINDS.join(', ')} on a running lab, not ${other.join(', ')} (it runs a second lab for those)`,
      );
    if (changed.name !== this.model.name)
      throw new Error(`reconfigure: the changed model names lab "${changed.name}", this lab is "${this.model.name}"`);
    const speakers = (m: LabModel) => Object.values(m.clusters).flatMap((c) => Object.values(c.speakers));
    const apply = async (from: LabModel, to: LabModel) => {
      for (const next of speakers(to)) {
        const prev = speakers(from).find((s) => s.node === next.node);
        if (prev) await reoriginate(this.rt(next.node), this.model.name, prev, next);
      }
    };
    await apply(this.model, changed);
    return { lab: new NetnsHandle(changed, this.runtime, this.runtimeOf), restore: () => apply(changed, this.model) };
  }

  /** An upgrade step (./upgrade.ts); this handle then reads the node from its new runtime. */
  async upgrade(node: string, runtime: string, stop: StopMode): Promise<UpgradeTiming> {
    const to = resolveLabRuntime(this.model.root, runtime);
    const timing = await upgradeNetnsNode(this.model, node, this.rt(node), to, stop);
    if (to.suite === this.runtime.suite) delete this.runtimeOf[node];
    else this.runtimeOf[node] = to;
    return timing;
  }

  injectFault(kind: FaultKind, node: string) {
    return injectNetnsFault(this.model, this.rt(node), kind, node);
  }

  /** Nothing supervises the emulated speaker: the fault's restore starts it again (./faults.ts). */
  async speakerRestart(): Promise<SpeakerRestart> {
    return {
      formula: 'nothing restarts the emulated speaker until the fault is restored (helpers/providers/netns/faults.ts)',
    };
  }

  async logs(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const p of readState(this.model.name)?.processes ?? []) {
      if (p.log && existsSync(p.log))
        out[`${p.node}-${p.what.split(' ')[0]}${p.what.startsWith('frr') ? `-${p.what.split(' ')[1]}` : ''}`] =
          readFileSync(p.log, 'utf8');
    }
    return out;
  }

  speakerGobgpVersion(node?: string): string {
    return node ? this.rt(node).gobgp : this.runtime.gobgp;
  }

  async versions(): Promise<Record<string, string>> {
    const rt = this.runtime;
    const kernel = (await run(['uname', '-r'])).stdout.trim();
    // Requested (the real lab's pins) and emulated side by side: one never stands for the other.
    return {
      provider: 'netns',
      runtime: rt.suite,
      frr: rt.frr,
      'frr pinned': rt.requested.frr,
      // Where the runtime's FRR came from, when it was built to the pin: exactly, or why not.
      ...(rt.frrNote ? { 'frr source': rt.frrNote.replace(/^\(|\)$/g, '') } : {}),
      gobgp: rt.gobgp,
      'gobgp pinned': `${rt.requested.gobgp} (embedded by Cilium ${rt.requested.cilium})`,
      cilium: `emulated from the CRDs (pinned ${rt.requested.cilium})`,
      kernel,
      node: process.version,
      // Mixed versions: every router and node that runs from another runtime, by name.
      ...runtimeOfVersions(this.runtimeOf),
    };
  }
}
