/**
 * Runs one router's FRR inside its namespace, from the lab's runtime, the way the official
 * FRR image does (docker/debian/docker-start: source frrcommon.sh, then watchfrr in the
 * foreground with `daemon_list`): watchfrr starts zebra, mgmtd (FRR ≥ 9), staticd and what
 * the router's `daemons` file enables, and applies the integrated frr.conf to every daemon
 * with `vtysh -b` (frrcommon.sh `all_start` → `vtysh_b`). So every line of frr.conf reaches
 * the daemon that owns it (a static route included), as on the real lab.
 *
 * The pathspace (-N) isolates this router's files: /etc/frr/<pathspace>/ (daemons, frr.conf,
 * vtysh.conf) and /run/frr/<pathspace>/ (sockets, pid files) inside the runtime.
 */
import { chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouterModel } from '../../model/lab-model.js';
import { inRuntime } from '../../runtimes/in-runtime.js';
import { run } from '../../runtime/command.js';
import { Deadline, StopWaiting, waitUntil } from '../../runtime/poll.js';
import { isSameProcessAlive, type ProcessRecord } from '../../runtime/run-state.js';
import { frrPathspace, nsName } from './naming.js';
import { logTail, recordFromPidFile, spawnDetached } from './processes.js';

/** Daemons that may run on a router; each gets its own log file. */
const LOGGED_DAEMONS = [
  'zebra',
  'mgmtd',
  'staticd',
  'bgpd',
  'bfdd',
  'ospfd',
  'ospf6d',
  'isisd',
  'ripd',
  'ripngd',
  'pimd',
  'ldpd',
  'nhrpd',
  'eigrpd',
  'babeld',
  'pbrd',
  'fabricd',
  'vrrpd',
  'pathd',
  'sharpd',
];

export interface FrrRouterPaths {
  /** <runtime>/run/frr/<pathspace>: sockets and pid files */
  runtime: string;
  /** <runtime>/etc/frr/<pathspace>: daemons, frr.conf, vtysh.conf */
  etc: string;
}

export function frrPaths(runtimeRoot: string, lab: string, router: string): FrrRouterPaths {
  const ps = frrPathspace(lab, router);
  return { runtime: join(runtimeRoot, 'run/frr', ps), etc: join(runtimeRoot, 'etc/frr', ps) };
}

/** The frr user and group of the runtime (daemons drop privileges to it, inside the chroot). */
function frrIds(runtimeRoot: string): { uid: number; gid: number } {
  const line = readFileSync(join(runtimeRoot, 'etc/passwd'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('frr:'));
  if (!line)
    throw new Error(
      `the runtime at ${runtimeRoot} has no "frr" user: rebuild it (npx anycast-verify runtimes build --force)`,
    );
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/**
 * The router's daemons file as FRR reads it: the topology's file unchanged, then one log
 * file per daemon in the run folder (the image logs to syslog, which a namespace lacks).
 */
export function daemonsFileFor(original: string, logDir: string): string {
  const logs = LOGGED_DAEMONS.map((d) => `${d}_options="$${d}_options --log file:${join(logDir, `${d}.log`)}"`);
  return `${original.trimEnd()}\n\n# added by anycast-verify: one log file per daemon in the lab's run folder\n${logs.join('\n')}\n`;
}

/** Starts the router's FRR; resolves once watchfrr reports every daemon up, with the records (watchfrr first). */
export async function startFrrRouter(
  lab: string,
  router: RouterModel,
  runtimeRoot: string,
  workDir: string,
): Promise<ProcessRecord[]> {
  const ns = nsName(lab, router.name);
  const ps = frrPathspace(lab, router.name);
  const paths = frrPaths(runtimeRoot, lab, router.name);
  const ids = frrIds(runtimeRoot);
  const dir = join(workDir, router.name);
  for (const d of [dir, paths.runtime, paths.etc]) {
    mkdirSync(d, { recursive: true });
    chownSync(d, ids.uid, ids.gid);
  }
  const files: Record<string, string> = {
    'frr.conf': readFileSync(router.frrConfPath, 'utf8'),
    daemons: daemonsFileFor(readFileSync(router.daemonsPath, 'utf8'), dir),
    'vtysh.conf':
      router.vtyshConfPath && existsSync(router.vtyshConfPath)
        ? readFileSync(router.vtyshConfPath, 'utf8')
        : 'service integrated-vtysh-config\n',
  };
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(paths.etc, name), text);
    chownSync(join(paths.etc, name), ids.uid, ids.gid);
  }
  // Kept beside the logs so a state dump shows exactly what FRR was given.
  copyFileSync(join(paths.etc, 'daemons'), join(dir, 'daemons'));

  const log = join(dir, 'watchfrr.log');
  // As docker-start, plus -N: watchfrr passes FRR_PATHSPACE on to watchfrr.sh, frrcommon.sh and vtysh -b.
  const watchfrr = spawnDetached(
    router.name,
    'frr watchfrr',
    inRuntime(ns, runtimeRoot, [
      'env',
      `FRR_PATHSPACE=${ps}`,
      'bash',
      '-c',
      '. /usr/lib/frr/frrcommon.sh && exec /usr/lib/frr/watchfrr -N "$FRR_PATHSPACE" $(daemon_list)',
    ]),
    log,
  );
  await waitUntil(
    async () => {
      if (!isSameProcessAlive(watchfrr))
        throw new StopWaiting(`${router.name}: watchfrr exited during start; last log lines:\n${logTail(log, 12)}`);
      return /all daemons up/.test(readFileSync(log, 'utf8'))
        ? undefined
        : `not all daemons up yet (${logTail(log, 2)})`;
    },
    {
      what: `FRR on ${router.name} to start every daemon and load frr.conf`,
      deadline: new Deadline(30_000),
      intervalMs: 25,
      graceMs: 0,
    },
  );
  const records: ProcessRecord[] = [watchfrr];
  for (const f of readdirSync(paths.runtime)
    .filter((f) => f.endsWith('.pid') && f !== 'watchfrr.pid')
    .sort()) {
    const daemon = f.slice(0, -'.pid'.length);
    const rec = recordFromPidFile(join(paths.runtime, f), router.name, `frr ${daemon}`, join(dir, `${daemon}.log`));
    if (rec) records.push(rec);
  }
  return records;
}

/** Runs vtysh against one router of the netns lab, from the runtime. */
export function netnsVtysh(runtimeRoot: string, lab: string, router: string, command: string) {
  return run(inRuntime(nsName(lab, router), runtimeRoot, ['vtysh', '-N', frrPathspace(lab, router), '-c', command]), {
    timeoutMs: 15_000,
  });
}
