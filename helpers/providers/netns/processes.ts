/**
 * Starting and ending the lab's long-running processes. Every process is recorded with
 * its PID and kernel start time the moment it exists; ending one checks both, so only a
 * process this lab started is ever signalled.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { isSameProcessAlive, processStartTime, type ProcessRecord } from '../../os/run-state.js';
import { sleep } from '../../os/poll.js';

/**
 * The emulated fabric's scheduling priority: FRR (watchfrr and the daemons it starts), the
 * emulated Cilium speakers and the echo pods run at this nice value, and so do the instruments
 * that stamp times (route monitors, probes: SpawnOptions.stamps); the rest of the harness (test
 * worker, captures, CLI commands) at 0. A real lab's routers and nodes have CPUs of their own;
 * here they share the host's with the harness, whose work (parsing captures, 100 requests a
 * second, hundreds of commands) is most of a run's CPU. At -10 a runnable daemon weighs 9548
 * against a nice-0 task's 1024 (sched_prio_to_weight, kernel/sched/core.c), so FRR's reaction
 * and an echo pod's answer do not queue behind it. Measured 2026-12-05 with two labs on 2 cores
 * (docs/scenario-labs.md, "The emulated fabric first"): all-VIPs withdrawal 112-115 ms with it,
 * 116-141 ms without (3 runs each; one lane without it: 112-115 ms). Root may lower a nice
 * value; without CAP_SYS_NICE, nice(1) says so in the daemon's log and runs it at 0.
 */
export const FABRIC_NICE = -10;

/** The prefix that runs a command at the fabric's priority (nice execs it in place: same PID). */
export const niceArgv = (): string[] => ['nice', '-n', String(FABRIC_NICE)];

/**
 * Starts argv (an `ip netns exec …` line) detached (own process group, output to a log) at the
 * fabric's priority, and records it. Every wrapper on the way (nice, `ip netns exec`, unshare,
 * sh, chroot) execs the next in place, so the PID is the daemon's own; its threads and the
 * processes it starts inherit the priority.
 */
export function spawnDetached(node: string, what: string, argv: string[], log: string): ProcessRecord {
  const fd = openSync(log, 'a');
  try {
    const niced = [...niceArgv(), ...argv];
    const child = spawn(niced[0]!, niced.slice(1), { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${what} on ${node}`);
    return { pid: child.pid, startTime: processStartTime(child.pid) ?? '?', node, what, log };
  } finally {
    closeSync(fd);
  }
}

/** Reads a daemon's pid file (FRR daemonizes itself and writes one). */
export function recordFromPidFile(
  pidFile: string,
  node: string,
  what: string,
  log?: string,
): ProcessRecord | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const startTime = processStartTime(pid);
  return startTime ? { pid, startTime, node, what, log } : undefined;
}

/**
 * Processes of this lab found by their command line, for a cleanup that must also catch a
 * process started in the instant before a killed run could record it. Every process the
 * netns lab starts carries one of these lab-unique markers: FRR's pathspace (-N av-<lab>-…),
 * the lab's run folder (GoBGP's config path) or `--lab <lab>` (echo pods, probes).
 */
export function findLabProcesses(lab: string, runFolder: string, pathspaces: string[]): ProcessRecord[] {
  const out: ProcessRecord[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const ours =
      argv.some((a, i) => a === '-N' && pathspaces.includes(argv[i + 1] ?? '')) ||
      argv.some((a) => a.startsWith(`${runFolder}/`)) ||
      argv.some((a, i) => a === '--lab' && argv[i + 1] === lab);
    // The reaper of this lab also names it; it ends by itself and must not be killed here.
    if (!ours || argv.includes('reap')) continue;
    const startTime = processStartTime(pid);
    if (startTime) out.push({ pid, startTime, node: '?', what: argv.slice(0, 3).join(' ') });
  }
  return out;
}

/**
 * SIGTERM, then SIGKILL after `graceMs` for whatever is left; `graceMs: 'kill'` sends SIGKILL
 * alone (a crash: a SIGTERM first would let the process say goodbye on the wire). Only
 * processes that are still ours are signalled.
 */
export async function stopProcesses(records: ProcessRecord[], graceMs: number | 'kill' = 1500): Promise<void> {
  const ours = records.filter((r) => isSameProcessAlive(r));
  if (graceMs === 'kill') {
    for (const r of ours) signal(r.pid, 'SIGKILL');
    graceMs = 0;
  } else for (const r of ours) signal(r.pid, 'SIGTERM');
  const until = performance.now() + graceMs;
  while (performance.now() < until && ours.some((r) => isSameProcessAlive(r))) await sleep(20);
  for (const r of ours) if (isSameProcessAlive(r)) signal(r.pid, 'SIGKILL');
  // Wait until each is gone from the process table, not just dead: daemonized processes are
  // reaped by init, and a zombie still shows in `ps` (briefly; we do not wait forever).
  const gone = (r: ProcessRecord) => processStartTime(r.pid) !== r.startTime;
  const reapUntil = performance.now() + 3000;
  while (performance.now() < reapUntil && !ours.every(gone)) await sleep(20);
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The last lines of a log, for error messages about a daemon that died. */
export function logTail(log: string | undefined, lines = 15): string {
  if (!log || !existsSync(log)) return '(no log)';
  return readFileSync(log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
