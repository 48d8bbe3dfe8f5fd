/**
 * One upgrade step on a running netns lab: a router's FRR or a node's BGP speaker stops and
 * starts again from another runtime, with the same configuration, the way an operator upgrades
 * it. The namespaces, links, echo pods (the cluster's data plane) and every other process stay.
 *
 * - A router, `clean`: FRR's own service stop, `frrinit.sh stop` of the runtime it ran from
 *   (tools/frrinit.sh.in `stop)`: `daemon_stop watchfrr`, then `all_stop --reallyall`, which
 *   sends SIGINT to every daemon at once and waits for each, tools/frrcommon.sh.in daemon_stop
 *   and all_stop @frr-10.3), as `systemctl restart frr` or a container restart does. `crash`:
 *   SIGKILL to every FRR process of the router (a power cut of the router's control plane).
 * - A node, `clean`: SIGTERM to gobgpd; `crash`: SIGKILL (what each sends on the wire is in
 *   docs/upgrade-rehearsal.md). Either way the speaker starts again with the Restarting bit, as
 *   cilium-agent starts its BGP instances.
 * The run state follows: the new processes are recorded, the old ones dropped, the node's
 * runtime recorded (so a later attach and the report see the mixed versions).
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { addressOwner } from '../../model/expected-routes.js';
import type { LabModel } from '../../model/lab-model.js';
import { run } from '../../os/command.js';
import { readState, runDir, writeState, type LabRuntime, type ProcessRecord } from '../../os/run-state.js';
import { inRuntime } from '../../runtimes/in-runtime.js';
import type { StopMode, UpgradeTiming } from '../api/lab-handle.js';
import { startSpeaker } from './emulated-node.js';
import { frrPaths, startFrrRouter } from './frr-router.js';
import { frrPathspace, nsName } from './naming.js';
import { logTail, stopProcesses } from './processes.js';

/** Drops `gone` from the lab's process record and adds `fresh`. */
function replaceRecords(lab: string, gone: ProcessRecord[], fresh: ProcessRecord[]): void {
  const s = readState(lab);
  if (!s) throw new Error(`lab "${lab}" has no run state (was it removed?)`);
  const same = (a: ProcessRecord, b: ProcessRecord) => a.pid === b.pid && a.startTime === b.startTime;
  s.processes = [...s.processes.filter((p) => !gone.some((g) => same(p, g))), ...fresh];
  writeState(s);
}

/** Records that `node` now runs from `to` (dropped when that is the lab's own runtime) and the folders it uses. */
function recordRuntime(lab: string, node: string, to: LabRuntime, paths: string[]): void {
  const s = readState(lab)!;
  s.runtimeOf = { ...(s.runtimeOf ?? {}) };
  if (s.runtime?.suite === to.suite) delete s.runtimeOf[node];
  else s.runtimeOf[node] = to;
  for (const p of paths) if (!s.paths.includes(p)) s.paths.push(p);
  writeState(s);
}

async function restartRouter(
  model: LabModel,
  router: string,
  from: LabRuntime,
  to: LabRuntime,
  stop: StopMode,
): Promise<UpgradeTiming> {
  const lab = model.name;
  const ns = nsName(lab, router);
  const mine = (readState(lab)?.processes ?? []).filter((p) => p.node === router && p.what.startsWith('frr'));
  const stopAt = Date.now();
  if (stop === 'clean') {
    const r = await run(inRuntime(ns, from.root, ['/usr/lib/frr/frrinit.sh', 'stop', frrPathspace(lab, router)]), {
      reject: false,
      timeoutMs: 130_000,
    });
    if (r.exitCode !== 0)
      throw new Error(
        `${router}: frrinit.sh stop (FRR ${from.frr}) exited ${r.exitCode}: ${`${r.stdout}${r.stderr}`.trim()}`,
      );
  }
  // After a clean stop this finds nothing alive; after a crash it is the crash.
  await stopProcesses(mine, 'kill');
  const stoppedAt = Date.now();
  // The new watchfrr's "all daemons up" must not be read from the old one's log.
  const dir = join(runDir(lab), router);
  const log = join(dir, 'watchfrr.log');
  if (existsSync(log)) renameSync(log, join(dir, `watchfrr.${stoppedAt}.log`));
  const p = frrPaths(to.root, lab, router);
  recordRuntime(lab, router, to, [p.runtime, p.etc]);
  const fresh: ProcessRecord[] = [];
  const daemons = await startFrrRouter(lab, model.routers[router]!, to, runDir(lab), (watchfrr) => {
    fresh.push(watchfrr);
    replaceRecords(lab, mine, fresh);
  });
  replaceRecords(lab, mine, [...fresh, ...daemons]);
  return { stopAt, stoppedAt, startedAt: Date.now(), from: `FRR ${from.frr}`, to: `FRR ${to.frr}` };
}

async function restartSpeaker(
  model: LabModel,
  node: string,
  from: LabRuntime,
  to: LabRuntime,
  stop: StopMode,
): Promise<UpgradeTiming> {
  const lab = model.name;
  const intent = model.clusters[model.k8sNodes[node]!.cluster]?.speakers[node];
  if (!intent) throw new Error(`node ${node} runs no BGP speaker (no CiliumBGPClusterConfig selects it)`);
  const rec = readState(lab)?.processes.find((p) => p.node === node && p.what.startsWith('gobgpd'));
  if (!rec) throw new Error(`no running GoBGP recorded for ${node}`);
  const stopAt = Date.now();
  // clean: SIGTERM, and SIGKILL only if gobgpd is still there after its grace (then said in its log).
  await stopProcesses([rec], stop === 'crash' ? 'kill' : 5000);
  const stoppedAt = Date.now();
  recordRuntime(lab, node, to, []);
  const peers = intent.peers.map((p) => addressOwner(model, p.address)).filter(Boolean);
  const fresh = await startSpeaker(to, lab, intent, runDir(lab), { restarting: true }).catch((e: Error) => {
    throw new Error(
      `${node}: GoBGP ${to.gobgp} did not start (peers ${peers.join(', ')}): ${e.message}\n${logTail(rec.log, 5)}`,
    );
  });
  replaceRecords(lab, [rec], [fresh]);
  return { stopAt, stoppedAt, startedAt: Date.now(), from: `GoBGP ${from.gobgp}`, to: `GoBGP ${to.gobgp}` };
}

/** Restarts `node` (a router or a Kubernetes node with a speaker) from `to`; `from` is what it runs now. */
export function upgradeNetnsNode(
  model: LabModel,
  node: string,
  from: LabRuntime,
  to: LabRuntime,
  stop: StopMode,
): Promise<UpgradeTiming> {
  if (model.routers[node]) return restartRouter(model, node, from, to, stop);
  if (model.k8sNodes[node]) return restartSpeaker(model, node, from, to, stop);
  return Promise.reject(
    new Error(
      `upgrade: "${node}" is no router or Kubernetes node of lab "${model.name}" (${[...Object.keys(model.routers), ...Object.keys(model.k8sNodes)].join(', ')})`,
    ),
  );
}
