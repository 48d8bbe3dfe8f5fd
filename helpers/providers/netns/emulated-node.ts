/**
 * One emulated Kubernetes node with Cilium: the echo pods scheduled on it (answering on
 * the VIP, which Cilium's datapath would capture), and a real GoBGP speaker configured
 * from the CRDs the way cilium-agent configures its embedded GoBGP. VIPs are originated
 * only after the local echo is answering, as externalTrafficPolicy Local would have it.
 */
import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterModel, EchoPod, SpeakerIntent } from '../../model/clusters.js';
import type { K8sNodeModel } from '../../model/lab-model.js';
import { run } from '../../os/command.js';
import { Deadline, waitUntil } from '../../os/poll.js';
import type { ProcessRecord } from '../../os/run-state.js';
import { originationMrt, type OriginatedPath } from './mrt-rib.js';
import { gobgpConfig, originatedPaths, originatedPrefixes } from './gobgp-config.js';
import { GOBGP_API, nsName } from './naming.js';
import { spawnDetached, logTail } from './processes.js';
import { inNetns, listeningSockets } from '../../os/listening.js';
import { inRuntime } from '../../runtimes/in-runtime.js';
import { gobgpBehaviour } from '../../runtimes/gobgp-behaviour.js';
import type { LabRuntime } from '../../os/run-state.js';

const ECHO_SERVER = join(dirname(fileURLToPath(import.meta.url)), 'echo-server.mjs');

/**
 * Starts the echo pods of `node`, one process per pod listening on the VIP of every Service
 * that selects it (a pod behind K Services answers on K VIPs, as Cilium's datapath would
 * steer each VIP to it); resolves when every listener answers. The VIPs go onto the node's
 * loopback in one `ip -batch` (stand-in for Cilium's capture of LB traffic), so a node with
 * a thousand VIPs costs one command, not a thousand; readiness is read from /proc, not `ss`.
 */
export async function startEchoPods(
  rt: LabRuntime,
  lab: string,
  node: K8sNodeModel,
  cluster: ClusterModel,
  workDir: string,
): Promise<ProcessRecord[]> {
  const ns = nsName(lab, node.name);
  const pods = echoListeners(node.name, cluster);
  const vips = [...new Set([...pods.values()].flatMap((p) => p.listen.map((l) => l.vip)))];
  if (vips.length)
    await run(['ip', '-n', ns, '-batch', '-'], { input: vips.map((v) => `addr replace ${v}/32 dev lo\n`).join('') });
  const records = [...pods.values()].map(({ pod, listen }) =>
    spawnDetached(
      node.name,
      `echo ${pod.namespace}/${pod.name} for ${listen.map((l) => l.service).join(', ')}`,
      [
        'ip',
        'netns',
        'exec',
        ns,
        process.execPath,
        ECHO_SERVER,
        '--lab',
        lab,
        ...listen.flatMap((l) => ['--listen', `${l.vip}:${l.port}`]),
        '--hostname',
        pod.name,
        '--name',
        pod.whoamiName,
      ],
      join(workDir, `${node.name}-${pod.name}.log`),
    ),
  );
  const want = [...pods.values()].flatMap((p) => p.listen.map((l) => `${l.vip}:${l.port}`));
  // The node's listening sockets, read from /proc of its pods (no process per poll): a pod
  // counts once `ip netns exec` has put it in the node's namespace.
  const nsPath = `/run/netns/${ns}`;
  await waitUntil(
    async () => {
      const listening = new Set(
        records.filter((r) => inNetns(r.pid, nsPath)).flatMap((r) => [...listeningSockets(r.pid)]),
      );
      const missing = want.filter((w) => !listening.has(w));
      return missing.length
        ? `${missing.length} of ${want.length} not listening yet, e.g. ${missing[0]} (${[...pods.keys()].map((p) => logTail(join(workDir, `${node.name}-${p}.log`), 2)).join('; ')})`
        : undefined;
    },
    {
      what: `the echo pods on ${node.name} to listen on ${want.length} VIP:port`,
      deadline: new Deadline(5000 + 5 * want.length),
      intervalMs: 10,
      graceMs: 0,
    },
  );
  return records;
}

interface EchoListener {
  vip: string;
  port: number;
  service: string;
}

/** The ready pods on `node`, each with the VIP:port of every Service that selects it. */
export function echoListeners(
  node: string,
  cluster: ClusterModel,
): Map<string, { pod: EchoPod; listen: EchoListener[] }> {
  const pods = new Map<string, { pod: EchoPod; listen: EchoListener[] }>();
  for (const svc of cluster.services) {
    if (!svc.vip) continue;
    // A pod whose readiness probe fails is no backend: nothing answers for it (the model says why).
    for (const pod of svc.pods.filter((p) => p.node === node && p.ready)) {
      const entry = pods.get(pod.name) ?? { pod, listen: [] };
      entry.listen.push({ vip: svc.vip, port: svc.port, service: svc.key });
      pods.set(pod.name, entry);
    }
  }
  return pods;
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
  const nsPath = `/run/netns/${ns}`;
  await waitUntil(
    async () => {
      // The gRPC port listening first, read from /proc (no process); then the API must answer.
      if (!(inNetns(rec.pid, nsPath) && listeningSockets(rec.pid).has(GOBGP_API)))
        return `API not listening yet (${logTail(log, 3)})`;
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
      intervalMs: 10,
      graceMs: 0,
    },
  );
  await advertise(rt, lab, intent);
  return rec;
}

/**
 * Originates the node's VIPs (what Cilium does once LB-IPAM assigned them). All prefixes go
 * in one `gobgp mrt inject` (one gRPC stream, ./mrt-rib.ts) instead of one CLI process per
 * prefix (~8 ms of CPU each here: 16 nodes × 1000 VIPs would be two minutes of CPU).
 *
 * The MRT is fed on stdin, which stays open until GoBGP's RIB holds every prefix: the GoBGP
 * 3.x CLI returns right after its last Send without closing the stream (cmd/gobgp/mrt.go:204-212
 * at v3.37.0; v4.0.0 closes it, :213, commit d0992be3), so a process that reads a file to its
 * end exits with paths still unsent (measured here on 3.36: 570 of 1000 arrived).
 */
export async function advertise(rt: LabRuntime, lab: string, intent: SpeakerIntent): Promise<void> {
  const paths = originatedPaths(intent);
  if (!paths.length) return;
  const [, port] = GOBGP_API.split(':');
  // Through `cat |`: a child's stdin from Node is a socket, which /dev/stdin cannot open (ENXIO); cat's output is a pipe.
  const argv = inRuntime(nsName(lab, intent.node), rt.root, [
    'sh',
    '-c',
    'cat | exec gobgp -p "$1" mrt inject global /dev/stdin',
    'inject',
    port!,
  ]);
  const inject = execa(argv[0]!, argv.slice(1), { stdin: 'pipe', reject: false, timeout: 60_000 });
  inject.stdin.write(originationMrt(paths));
  const held = await waitUntil(
    async () => {
      if (inject.exitCode !== null) return `gobgp mrt inject exited early (${inject.exitCode})`;
      const wrong = ribMismatches(await globalRib(rt, lab, intent.node), paths);
      return wrong.length ? `${wrong.length} of ${paths.length} VIPs not as wanted yet, e.g. ${wrong[0]}` : undefined;
    },
    {
      what: `gobgpd on ${intent.node} to originate ${paths.length} VIPs`,
      deadline: new Deadline(10_000 + 10 * paths.length),
      intervalMs: 20,
      graceMs: 0,
    },
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  inject.stdin.end();
  const r = await inject;
  if (held) throw held;
  if (r.exitCode !== 0) throw new Error(`gobgp mrt inject on ${intent.node} failed (exit ${r.exitCode}): ${r.stderr}`);
}

/**
 * The speaker's global RIB (`gobgp global rib -j`: only its own VIPs, as its import policy rejects
 * the rest): per prefix, its standard communities as AA:NN (GoBGP prints them as 32-bit numbers).
 */
async function globalRib(rt: LabRuntime, lab: string, node: string): Promise<Map<string, string[]>> {
  const r = await gobgp(rt, lab, node, ['global', 'rib', '-a', 'ipv4', '-j']);
  const rib = JSON.parse(r.stdout || '{}') as Record<string, { attrs?: { type: number; communities?: number[] }[] }[]>;
  return new Map(
    Object.entries(rib).map(([prefix, paths]) => [
      prefix,
      (paths[0]?.attrs?.find((a) => a.type === 8)?.communities ?? []).map((c) => `${c >>> 16}:${c & 0xffff}`).sort(),
    ]),
  );
}

/** The paths the RIB does not hold yet as wanted (absent, or with other communities), as sentences. */
export function ribMismatches(rib: Map<string, string[]>, want: readonly OriginatedPath[]): string[] {
  return want.flatMap(({ prefix, attributes }) => {
    const got = rib.get(prefix);
    if (!got) return [`${prefix} not in its RIB`];
    const wanted = [...attributes.communities].sort();
    return got.join() === wanted.join()
      ? []
      : [`${prefix} with communities [${got.join(' ')}], not [${wanted.join(' ')}]`];
  });
}

/**
 * Withdraws the node's VIPs (its Services no longer selected): `rib del all` removes every
 * path this speaker originated (pkg/server/server.go:2396-2408 at v3.37.0: every local path
 * of the family), which are exactly its VIPs, in one API call, so a node with
 * a thousand VIPs withdraws them together as Cilium's reconcile of a removed advertisement would.
 */
export async function withdraw(rt: LabRuntime, lab: string, intent: SpeakerIntent): Promise<void> {
  if (!originatedPrefixes(intent).length) return;
  await gobgp(rt, lab, intent.node, ['global', 'rib', 'del', 'all', '-a', 'ipv4']);
}

/**
 * The node's speaker originates what `next` says instead of what `prev` said (its advertisements
 * changed, as Cilium reconciles a changed CiliumBGPAdvertisement): a kept prefix with other
 * attributes is added again, which replaces GoBGP's local path in place (one UPDATE, no
 * withdrawal: measured here, `gobgp global rib` then holds one path with the new communities);
 * a prefix no longer selected is deleted.
 */
export async function reoriginate(
  rt: LabRuntime,
  lab: string,
  prev: SpeakerIntent,
  next: SpeakerIntent,
): Promise<void> {
  const kept = new Set(originatedPrefixes(next));
  for (const gone of originatedPrefixes(prev).filter((p) => !kept.has(p)))
    await gobgp(rt, lab, next.node, ['global', 'rib', 'del', gone, '-a', 'ipv4']);
  await advertise(rt, lab, next);
}
