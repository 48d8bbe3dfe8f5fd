/**
 * The default provider: the whole lab in network namespaces on this host, real FRR per
 * router, an emulated Cilium node (GoBGP + echo) per Kubernetes node. Seconds to start,
 * no Docker. Every namespace, process and path it makes is recorded in the run state
 * before anything else happens, so `down` (or the next `up`) can always remove it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LabModel } from '../../model/lab-model.js';
import { run, haveCommand } from '../../runtime/command.js';
import { AbortedError, Deadline, StopWaiting, waitUntil } from '../../runtime/poll.js';
import { isSameProcessAlive, processStartTime, readState, removeRunDir, runDir, writeState } from '../../runtime/run-state.js';
import { convergenceProblem } from '../../lab/convergence.js';
import { startReaper } from '../../lab/reaper.js';
import { spawn as spawnChild } from 'node:child_process';
import { PreflightError, type DownOptions, type FaultKind, type LabHandle, type LabProvider, type SpawnedProcess, type SpeakerPeerView, type UpOptions } from '../provider.js';
import { injectNetnsFault } from './faults.js';
import { createNamespaces, deleteNamespaces, labNamespaces, wireFabric } from './fabric.js';
import { frrPaths, netnsVtysh, startFrrRouter, FRR_LIBEXEC } from './frr-router.js';
import { gobgp, startEchoPods, startSpeaker } from './emulated-node.js';
import { frrPathspace, nsName } from './naming.js';
import { findLabProcesses, logTail, stopProcesses } from './processes.js';
import { parseGobgpNeighbors } from './gobgp-state.js';

/** Budget for "every session Established and every FIB as expected" after the daemons start. */
export const CONVERGENCE_BUDGET_MS = 30_000;

export class LabBusyError extends Error {}

export class NetnsProvider implements LabProvider {
  readonly name = 'netns' as const;
  constructor(readonly model: LabModel) {}

  async preflight(): Promise<void> {
    const missing: string[] = [];
    if (process.getuid?.() !== 0) missing.push('root is needed to create network namespaces: run as root (e.g. sudo -E npm test)');
    const install = 'apt-get install -y frr gobgpd nftables iproute2';
    for (const [cmd, pkg] of [
      ['ip', 'iproute2'],
      ['ss', 'iproute2'],
      ['vtysh', 'frr'],
      [join(FRR_LIBEXEC, 'zebra'), 'frr'],
      [join(FRR_LIBEXEC, 'bgpd'), 'frr'],
      ['gobgpd', 'gobgpd'],
      ['gobgp', 'gobgpd'],
      ['nft', 'nftables'],
    ] as const) {
      if (!(await haveCommand(cmd))) missing.push(`${cmd} not found (package ${pkg}: ${install})`);
    }
    if (missing.length === 0 && process.getuid?.() === 0) missing.push(...(await kernelProblems()));
    if (missing.length) throw new PreflightError(missing);
  }

  isUp(): boolean {
    return readState(this.model.name)?.ready === true;
  }

  async up(opts: UpOptions): Promise<LabHandle> {
    const { progress } = opts;
    const lab = this.model.name;
    await this.claim(opts);
    const work = runDir(lab);
    const state = readState(lab)!;
    const save = () => writeState(state);
    const handle = new NetnsHandle(this.model);
    const signal = opts.signal;
    const checkAbort = () => {
      if (signal?.aborted) throw new AbortedError(`bring-up of lab "${lab}"`);
    };
    try {
      checkAbort();
      await progress.step(`namespaces for ${Object.keys(this.model.topology.nodes).length} nodes`, () =>
        createNamespaces(this.model, (ns) => {
          state.namespaces.push(ns);
          save();
        }),
      );
      checkAbort();
      await progress.step(`links, addresses, routes (${this.model.links.length} links)`, () => wireFabric(this.model, { hashPolicy: opts.hashPolicy }));
      checkAbort();
      // GoBGP waits 5-10 s before its first dial whatever connect-retry says (a fixed minimum in
      // its connect loop, shared by real Cilium), so the nodes start alongside FRR, not after it.
      const routers = progress.step(`FRR on ${Object.keys(this.model.routers).length} routers`, async () => {
        for (const r of Object.values(this.model.routers)) {
          const p = frrPaths(lab, r.name);
          state.paths.push(p.runtime, p.etc);
        }
        save();
        await Promise.all(
          Object.values(this.model.routers).map(async (r) => {
            const recs = await startFrrRouter(lab, r, work);
            state.processes.push(...recs);
            save();
          }),
        );
        // bgpd answering vtysh means its config is loaded.
        await waitUntil(
          async () => {
            const down: string[] = [];
            await Promise.all(Object.keys(this.model.routers).map(async (r) => (await netnsVtysh(lab, r, 'show bgp summary json').catch(() => undefined)) ?? down.push(r)));
            return down.length ? `no answer from ${down.join(', ')}` : undefined;
          },
          { what: 'every router to answer vtysh', deadline: new Deadline(10_000), intervalMs: 20, signal },
        );
      });
      const nodes = progress.step(`emulated Cilium nodes: ${Object.keys(this.model.k8sNodes).join(', ')}`, () =>
        Promise.all(
          Object.values(this.model.clusters).flatMap((c) =>
            c.nodes.map(async (n) => {
              const node = this.model.k8sNodes[n]!;
              state.processes.push(...(await startEchoPods(lab, node, c, work)));
              save();
              const intent = c.speakers[n];
              if (intent) {
                state.processes.push(await startSpeaker(lab, intent, work, { restarting: true }));
                save();
              }
            }),
          ),
        ),
      );
      // Both must have finished (settled) before anything is torn down, or a late start could outlive `down`.
      for (const r of await Promise.allSettled([routers, nodes])) if (r.status === 'rejected') throw r.reason;
      checkAbort();
      await progress.step('BGP converged (every session Established, every FIB as expected)', () =>
        waitUntil(async () => {
          const dead = await handle.health();
          if (dead) throw new StopWaiting(`a daemon died during bring-up:\n${dead}`);
          return convergenceProblem(handle);
        }, { what: 'the lab to converge', deadline: new Deadline(CONVERGENCE_BUDGET_MS), intervalMs: 50, signal }),
      );
      state.ready = true;
      save();
      return handle;
    } catch (err) {
      progress.info(err instanceof AbortedError ? 'interrupted; removing what was made' : 'bring-up failed; removing what was made');
      await this.down({ progress }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Takes ownership of the lab name. A lab already up is refused (with its owner); one left
   * behind by a run that died (SIGKILL) is removed first.
   */
  private async claim(opts: UpOptions): Promise<void> {
    const lab = this.model.name;
    const prev = readState(lab);
    if (prev) {
      const ownerAlive = isSameProcessAlive(prev.owner);
      if (ownerAlive || (prev.owner.persistent && prev.ready)) {
        throw new LabBusyError(`lab "${lab}" is already up (started by pid ${prev.owner.pid}: ${prev.owner.command}${ownerAlive ? ', still running' : ''}); run \`npx anycast-verify down\` first`);
      }
      opts.progress.info(`removing lab "${lab}" left behind by pid ${prev.owner.pid} (${prev.owner.command}), which is gone`);
      await this.down({ progress: opts.progress });
    } else {
      // No record, but namespaces of this lab's names may exist (e.g. a run killed before its first write).
      const stray = await existingNamespaces(labNamespaces(this.model));
      if (stray.length) {
        opts.progress.info(`removing unrecorded namespaces of lab "${lab}": ${stray.join(', ')}`);
        await deleteNamespaces(stray);
      }
    }
    mkdirSync(runDir(lab), { recursive: true });
    const owner = { pid: process.pid, startTime: processStartTime(process.pid) ?? '?' };
    writeState({
      lab,
      provider: this.name,
      owner: { ...owner, persistent: opts.persistent, command: process.argv.slice(1).join(' ') },
      createdAt: new Date().toISOString(),
      namespaces: [],
      processes: [],
      paths: [],
      ready: false,
    });
    startReaper(this.model, this.name, owner);
  }

  async down(opts: DownOptions): Promise<void> {
    const lab = this.model.name;
    const state = readState(lab);
    // What the record lists, plus anything carrying this lab's markers that a killed run did not get to record.
    const recorded = state?.processes ?? [];
    const stray = findLabProcesses(lab, runDir(lab), Object.keys(this.model.routers).map((r) => frrPathspace(lab, r))).filter((p) => !recorded.some((r) => r.pid === p.pid));
    const all = [...recorded, ...stray];
    if (all.length) await opts.progress.step(`stop ${all.length} processes`, () => stopProcesses(all));
    const namespaces = [...new Set([...(state?.namespaces ?? []), ...(await existingNamespaces(labNamespaces(this.model)))])];
    if (namespaces.length) await opts.progress.step(`delete ${namespaces.length} namespaces`, () => deleteNamespaces(namespaces));
    const paths = new Set(state?.paths ?? []);
    for (const r of Object.keys(this.model.routers)) {
      const p = frrPaths(lab, r);
      paths.add(p.runtime);
      paths.add(p.etc);
    }
    for (const p of paths) rmSync(p, { recursive: true, force: true });
    removeRunDir(lab);
  }

  async attach(): Promise<LabHandle> {
    const state = readState(this.model.name);
    if (!state?.ready) throw new Error(`lab "${this.model.name}" is not up (no ready run state in ${runDir(this.model.name)}); run \`npx anycast-verify up\``);
    return new NetnsHandle(this.model);
  }
}

/**
 * Probes the kernel features the lab needs inside a throw-away anonymous network namespace
 * (`unshare --net`: it vanishes with the probe, nothing touches the host's own namespace).
 */
async function kernelProblems(): Promise<string[]> {
  const probes: [string, string][] = [
    ['ip link add avp0 type veth peer name avp1', 'veth pairs (CONFIG_VETH)'],
    ['ip link add avbr0 type bridge', 'Linux bridges (CONFIG_BRIDGE)'],
    ['nft add table inet avprobe', 'nftables (CONFIG_NF_TABLES, CONFIG_NF_TABLES_INET)'],
    ['test -e /proc/sys/net/ipv4/fib_multipath_hash_policy', 'ECMP routing (CONFIG_IP_ROUTE_MULTIPATH)'],
    ['test -e /proc/sys/net/ipv4/fib_multipath_hash_fields', 'custom ECMP hash fields (Linux 5.12 or newer)'],
  ];
  const out: string[] = [];
  for (const [cmd, what] of probes) {
    const r = await run(['unshare', '--net', 'sh', '-c', cmd], { reject: false });
    if (r.exitCode !== 0) out.push(`the kernel lacks ${what}: \`${cmd}\` failed (${r.stderr.trim() || `exit ${r.exitCode}`})`);
  }
  return out;
}

async function existingNamespaces(names: string[]): Promise<string[]> {
  const out = (await run(['ip', 'netns', 'list'])).stdout;
  const existing = new Set(out.split('\n').map((l) => l.split(' ')[0]));
  return names.filter((n) => existing.has(n));
}

export class NetnsHandle implements LabHandle {
  readonly provider = 'netns' as const;
  readonly sharedKernel = true;
  constructor(readonly model: LabModel) {}

  exec(node: string, argv: string[], opts?: Parameters<LabHandle['exec']>[2]) {
    if (!this.model.topology.nodes[node]) return Promise.reject(new Error(`no node "${node}" in the lab (nodes: ${Object.keys(this.model.topology.nodes).join(', ')})`));
    return run(['ip', 'netns', 'exec', nsName(this.model.name, node), ...argv], opts);
  }

  async vtysh(router: string, command: string): Promise<string> {
    if (!this.model.routers[router]) throw new Error(`no FRR router "${router}" in the lab`);
    return (await netnsVtysh(this.model.name, router, command)).stdout;
  }

  async speakerPeers(node: string): Promise<SpeakerPeerView[]> {
    const n = this.model.k8sNodes[node];
    if (!n) throw new Error(`no Kubernetes node "${node}" in the lab`);
    const intent = this.model.clusters[n.cluster]?.speakers[node];
    const r = await gobgp(this.model.name, node, ['neighbor', '-j']);
    const peers = parseGobgpNeighbors(r.stdout, intent?.localASN ?? 0);
    // `neighbor -j` carries no sent-route count; the Adj-RIB-Out does (what `cilium bgp peers` calls Advertised).
    await Promise.all(
      peers.map(async (p) => {
        const out = await gobgp(this.model.name, node, ['neighbor', p.peerAddress, 'adj-out', '-a', 'ipv4', '-j']).catch(() => undefined);
        if (out) p.advertised = Object.keys(JSON.parse(out.stdout || '{}') as object).length;
      }),
    );
    return peers;
  }

  spawn(node: string, argv: string[]): SpawnedProcess {
    const child = spawnChild('ip', ['netns', 'exec', nsName(this.model.name, node), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<{ stdout: string; stderr: string; exitCode: number }>((resolve) => {
      child.on('close', (code) => resolve({ stdout, stderr, exitCode: code ?? 1 }));
      child.on('error', (err) => resolve({ stdout, stderr: `${stderr}${err.message}`, exitCode: 127 }));
    });
    return { done, output: () => stdout, stop: () => void child.kill('SIGTERM') };
  }

  async health(): Promise<string | undefined> {
    const state = readState(this.model.name);
    if (!state) return `lab "${this.model.name}" has no run state (was it removed?)`;
    const dead = state.processes.filter((p) => !isSameProcessAlive(p));
    return dead.length ? dead.map((p) => `${p.node}: ${p.what} (pid ${p.pid}) has died; last log lines:\n${logTail(p.log, 10)}`).join('\n') : undefined;
  }

  injectFault(kind: FaultKind, node: string) {
    return injectNetnsFault(this.model, kind, node);
  }

  async logs(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const p of readState(this.model.name)?.processes ?? []) {
      if (p.log && existsSync(p.log)) out[`${p.node}-${p.what.split(' ')[0]}${p.what.startsWith('frr') ? `-${p.what.split(' ')[1]}` : ''}`] = readFileSync(p.log, 'utf8');
    }
    return out;
  }

  async versions(): Promise<Record<string, string>> {
    const [frr, gobgpd, kernel] = await Promise.all([
      run([join(FRR_LIBEXEC, 'zebra'), '--version'], { reject: false }).then((r) => r.stdout.match(/version (\S+)/)?.[1] ?? 'unknown'),
      run(['gobgpd', '--version'], { reject: false }).then((r) => r.stdout.trim().replace(/^gobgpd version /, '')),
      run(['uname', '-r']).then((r) => r.stdout.trim()),
    ]);
    return { provider: 'netns', frr, gobgp: gobgpd, kernel, node: process.version };
  }
}
