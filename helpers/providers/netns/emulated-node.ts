/**
 * One emulated Kubernetes node with Cilium: the echo pods scheduled on it (answering on
 * the VIP, which Cilium's datapath would capture), and a real GoBGP speaker configured
 * from the CRDs the way cilium-agent configures its embedded GoBGP. VIPs are originated
 * only after the local echo is answering, as externalTrafficPolicy Local would have it.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterModel, SpeakerIntent } from '../../model/clusters.js';
import type { K8sNodeModel } from '../../model/lab-model.js';
import { run } from '../../runtime/command.js';
import { Deadline, waitUntil } from '../../runtime/poll.js';
import type { ProcessRecord } from '../../runtime/run-state.js';
import { gobgpConfig, originatedPrefixes } from './gobgp-config.js';
import { GOBGP_API, nsName } from './naming.js';
import { spawnDetached, logTail } from './processes.js';
import { inRuntime } from '../../runtimes/in-runtime.js';
import { gobgpBehaviour } from '../../runtimes/gobgp-behaviour.js';
import type { LabRuntime } from '../../runtime/run-state.js';

const ECHO_SERVER = join(dirname(fileURLToPath(import.meta.url)), 'echo-server.mjs');

/** Starts the echo pods of `node`; resolves when each answers on its VIP. */
export async function startEchoPods(
  rt: LabRuntime,
  lab: string,
  node: K8sNodeModel,
  cluster: ClusterModel,
  workDir: string,
): Promise<ProcessRecord[]> {
  const ns = nsName(lab, node.name);
  const records: ProcessRecord[] = [];
  for (const svc of cluster.services) {
    if (!svc.vip) continue;
    // A pod whose readiness probe fails is no backend: nothing answers for it (the model says why).
    for (const pod of svc.pods.filter((p) => p.node === node.name && p.ready)) {
      // The VIP on the node's loopback stands in for Cilium's (or kube-proxy's) capture of LB traffic.
      await run(['ip', '-n', ns, 'addr', 'replace', `${svc.vip}/32`, 'dev', 'lo']);
      const log = join(workDir, `${node.name}-${pod.name}.log`);
      const rec = spawnDetached(
        node.name,
        `echo ${pod.namespace}/${pod.name} for ${svc.key}`,
        [
          'ip',
          'netns',
          'exec',
          ns,
          process.execPath,
          ECHO_SERVER,
          '--lab',
          lab,
          '--listen',
          `${svc.vip}:${svc.port}`,
          '--hostname',
          pod.name,
          '--name',
          pod.whoamiName,
        ],
        log,
      );
      records.push(rec);
      await waitUntil(
        async () => {
          const r = await run(inRuntime(ns, rt.root, ['ss', '-Hltn', `src ${svc.vip}:${svc.port}`]), { reject: false });
          return r.stdout.trim() ? undefined : `not listening yet (${logTail(log, 3)})`;
        },
        {
          what: `echo pod ${pod.name} on ${node.name} to listen on ${svc.vip}:${svc.port}`,
          deadline: new Deadline(5000),
          intervalMs: 20,
          graceMs: 0,
        },
      );
    }
  }
  return records;
}

export function gobgp(rt: LabRuntime, lab: string, node: string, args: string[]) {
  const [, port] = GOBGP_API.split(':');
  return run(inRuntime(nsName(lab, node), rt.root, ['gobgp', '-p', port!, ...args]), { timeoutMs: 10_000 });
}

/** Starts gobgpd for one node and originates its VIPs; returns its process record. */
export async function startSpeaker(
  rt: LabRuntime,
  lab: string,
  intent: SpeakerIntent,
  workDir: string,
  opts: { restarting: boolean },
): Promise<ProcessRecord> {
  const ns = nsName(lab, intent.node);
  const conf = join(workDir, `${intent.node}-gobgpd.json`);
  writeFileSync(conf, JSON.stringify(gobgpConfig(intent, gobgpBehaviour(rt.gobgp)), null, 2));
  const log = join(workDir, `${intent.node}-gobgpd.log`);
  // -r: start with the Restarting bit (Cilium sets LocalRestarting on every agent start when GR is on).
  const gr = opts.restarting && intent.peers.some((p) => p.gracefulRestart) ? ['-r'] : [];
  // Own UTS namespace with the node's hostname: GoBGP sends it in its FQDN capability, as the
  // host-network cilium-agent sends the node name.
  const argv = inRuntime(
    ns,
    rt.root,
    ['gobgpd', '-f', conf, '-t', 'json', '--api-hosts', GOBGP_API, '--pprof-disable', '--log-plain', ...gr],
    { hostname: intent.node },
  );
  const rec = spawnDetached(intent.node, 'gobgpd (emulated cilium-agent BGP)', argv, log);
  await waitUntil(
    async () => {
      const r = await gobgp(rt, lab, intent.node, ['global']).catch((e: Error) => ({
        stdout: '',
        stderr: e.message,
        exitCode: 1,
      }));
      return r.exitCode === 0 ? undefined : `API not answering (${logTail(log, 3)})`;
    },
    {
      what: `gobgpd on ${intent.node} to answer on ${GOBGP_API}`,
      deadline: new Deadline(5000),
      intervalMs: 20,
      graceMs: 0,
    },
  );
  await advertise(rt, lab, intent);
  return rec;
}

/** Originates the node's VIPs (what Cilium does once LB-IPAM assigned them). */
export async function advertise(rt: LabRuntime, lab: string, intent: SpeakerIntent): Promise<void> {
  for (const prefix of originatedPrefixes(intent)) {
    await gobgp(rt, lab, intent.node, ['global', 'rib', 'add', '-a', 'ipv4', prefix, 'origin', 'igp']);
  }
}

/** Withdraws the node's VIPs (the Service is no longer selected). */
export async function withdraw(rt: LabRuntime, lab: string, intent: SpeakerIntent): Promise<void> {
  for (const prefix of originatedPrefixes(intent)) {
    await gobgp(rt, lab, intent.node, ['global', 'rib', 'del', '-a', 'ipv4', prefix]);
  }
}
