/**
 * Runs one router's FRR inside its namespace, from the lab's runtime, with the official FRR
 * image's pieces (docker/debian/docker-start: source frrcommon.sh, watchfrr with
 * `daemon_list`): zebra, mgmtd (FRR ≥ 9), staticd and what the router's `daemons` file
 * enables, each started by frrcommon.sh's own `daemon_start`, then watchfrr, then the
 * integrated frr.conf applied to every daemon (watchfrr included) by one `vtysh -b`. So every
 * line of frr.conf reaches the daemon that owns it (a static route included), as on the real lab.
 *
 * The image lets watchfrr start the daemons: it finds none up and runs `watchfrr.sh restart
 * all` (frrcommon.sh `all_stop`, then `all_start`: `daemon_start --all` per daemon, then
 * `vtysh -b`), and says "all daemons up" only once that job has exited and it reconnects
 * (watchfrr.c:396-466, 893-913, 740-760 @frr-10.3). Here the same `daemon_start --all` runs
 * first, in the shell that then becomes watchfrr: each `daemon -d` returns only once the
 * daemon's vty socket listens (libfrr.c:870-990, 1078-1101, 1188-1240), so watchfrr connects
 * to every daemon at once and restarts none (its `wakeup_init`, watchfrr.c:575-587, 1297-1307).
 * Then `vtysh -b --no-fork` sends frr.conf through one vtysh instead of one forked child per
 * daemon: each line goes to exactly the daemons that own it either way
 * (vtysh.c:858-960, vtysh_config.c:666-760 @frr-10.3), and the forks cost ~0.2 s of CPU per
 * router here. One difference only on a broken config: without forks, a line one daemon
 * rejects is not sent on to the daemons after it in vtysh's list (vtysh.c:921-940).
 *
 * The pathspace (-N) isolates this router's files: /etc/frr/<pathspace>/ (daemons, frr.conf,
 * vtysh.conf) and /run/frr/<pathspace>/ (sockets, pid files) inside the runtime.
 */
import { compareVersions } from '../../runtimes/versions.js';
import {
  appendFileSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { RouterModel } from '../../model/lab-model.js';
import { inRuntime } from '../../runtimes/in-runtime.js';
import { run } from '../../os/command.js';
import { Deadline, StopWaiting, waitUntil } from '../../os/poll.js';
import { isSameProcessAlive, type ProcessRecord } from '../../os/run-state.js';
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

/** The router's folders, and frr.conf, daemons and vtysh.conf as FRR reads them (owned by the runtime's frr user). */
function writeRouterFiles(router: RouterModel, runtimeRoot: string, paths: FrrRouterPaths, dir: string): void {
  const ids = frrIds(runtimeRoot);
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
}

/**
 * The shell that starts a router's FRR and then becomes its watchfrr (the PID stays the same):
 * the router's sysctls (set before zebra starts, as the container's are), frrcommon.sh's
 * `daemon_start --all` for each daemon of `daemon_list` (what watchfrr's `restart all` job
 * runs, without the `vtysh -b` it ends with), then watchfrr on that list as docker-start runs
 * it. `-N <pathspace>` is in its argv from the start, so a cleanup finds it by its marker.
 */
const START_SCRIPT = [
  // frrcommon.sh's callers define its log functions; these are watchfrr.sh's (tools/watchfrr.sh.in:10-24 @frr-10.3).
  'log_success_msg() { :; }',
  'log_warning_msg() { echo "$@" >&2; [ -x /usr/bin/logger ] && echo "$@" | /usr/bin/logger -t watchfrr.sh -p daemon.warn; }',
  'log_failure_msg() { echo "$@" >&2; [ -x /usr/bin/logger ] && echo "$@" | /usr/bin/logger -t watchfrr.sh -p daemon.err; }',
  '[ $# -le 2 ] || sysctl -q -w "${@:3}" || exit 1',
  '. /usr/lib/frr/frrcommon.sh || exit 1',
  'daemon_list daemons',
  'for d in $daemons; do daemon_start --all "$d"; done',
  'exec /usr/lib/frr/watchfrr -N "$FRR_PATHSPACE" $daemons',
].join('\n');

/**
 * Starts the router's FRR: `record` gets watchfrr the moment it is spawned; resolves once
 * watchfrr reports every daemon up and `vtysh -b` has applied frr.conf, with the daemons'
 * records.
 */
/**
 * Whether this FRR's vtysh takes `--no-fork`: added in 9.0 (vtysh/vtysh_main.c long option
 * "no-fork", absent at frr-8.4.4 and frr-8.5, present from frr-9.0 on, :218 at frr-10.3). Older
 * ones refuse the whole command ("unrecognized option") and no line of frr.conf is sent.
 */
export function vtyshHasNoFork(frrVersion: string): boolean {
  return compareVersions(frrVersion, '9.0', 2) >= 0;
}

export async function startFrrRouter(
  lab: string,
  router: RouterModel,
  runtime: { root: string; frr: string },
  workDir: string,
  record: (watchfrr: ProcessRecord) => void = () => {},
): Promise<ProcessRecord[]> {
  const runtimeRoot = runtime.root;
  const ns = nsName(lab, router.name);
  const ps = frrPathspace(lab, router.name);
  const paths = frrPaths(runtimeRoot, lab, router.name);
  const dir = join(workDir, router.name);
  writeRouterFiles(router, runtimeRoot, paths, dir);
  const log = join(dir, 'watchfrr.log');
  const sysctls = Object.entries(router.sysctls).map(([k, v]) => `${k}=${v}`);
  // FRR_PATHSPACE: frrcommon.sh derives the pathspace's folders and `-N` from it, as under watchfrr.
  const watchfrr = spawnDetached(
    router.name,
    'frr watchfrr',
    inRuntime(ns, runtimeRoot, [
      'env',
      `FRR_PATHSPACE=${ps}`,
      'bash',
      '-c',
      START_SCRIPT,
      'frr-start',
      '-N',
      ps,
      ...sysctls,
    ]),
    log,
  );
  record(watchfrr);
  await waitUntil(
    async () => {
      if (!isSameProcessAlive(watchfrr))
        throw new StopWaiting(`${router.name}: watchfrr exited during start; last log lines:\n${logTail(log, 12)}`);
      return /all daemons up/.test(readFileSync(log, 'utf8'))
        ? undefined
        : `not all daemons up yet (${logTail(log, 2)})`;
    },
    {
      what: `FRR on ${router.name} to start every daemon`,
      deadline: new Deadline(30_000),
      intervalMs: 10,
      graceMs: 0,
    },
  );
  // frr.conf to every daemon and watchfrr, as `vtysh_b` in frrcommon.sh (its output in watchfrr's
  // log as there, and its exit status ignored as there: a line a daemon rejects is for the
  // claims to find, not a failed start).
  const noFork = vtyshHasNoFork(runtime.frr) ? ['--no-fork'] : [];
  const applied = await run(inRuntime(ns, runtimeRoot, ['vtysh', '-N', ps, '-b', ...noFork]), {
    reject: false,
    timeoutMs: 30_000,
  });
  appendFileSync(log, `${applied.stdout}${applied.stderr}`);
  // A refused command line sent nothing at all: that is a failed start, not a config for the claims to judge.
  if (/unrecognized option|invalid option|Try `vtysh --help'/.test(applied.stderr))
    throw new Error(
      `${router.name}: vtysh -b did not run, so FRR ${runtime.frr} got no configuration: ${applied.stderr.trim()}`,
    );
  const records: ProcessRecord[] = [];
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
