/**
 * The record of a running lab: who owns it, every namespace made and every process
 * started (PID with its kernel start time, so a recycled PID is never killed), and every
 * path to remove. `down`, the signal handlers and the next `up` all clean up from this
 * record alone, so a lab left by a killed run can always be removed.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSource } from '../model/lab-model.js';

export interface ProcessRecord {
  pid: number;
  /** Field 22 of /proc/PID/stat, to tell the process from a later one that reuses the PID. */
  startTime: string;
  node: string;
  what: string;
  log?: string;
}

/** The runtime a netns lab runs its daemons and node commands from (see helpers/runtimes/). */
export interface LabRuntime {
  suite: string;
  /** Root filesystem (chroot) of the runtime. */
  root: string;
  /** Upstream versions emulated (from the runtime's manifest). */
  frr: string;
  gobgp: string;
  /** How its FRR relates to the pin: exactly from FRR's repository, or Debian's and why (runtimes/store.ts frrNoteText). */
  frrNote?: string;
  /** The versions the real lab pins, which this runtime stands for, and why it was chosen. */
  requested: { frr: string; cilium: string; gobgp: string; gobgpSource: string };
  reason: string;
}

export interface LabState {
  lab: string;
  provider: string;
  owner: {
    pid: number;
    startTime: string;
    /** `up` from the CLI leaves the lab running after it exits; a test run's lab dies with its owner. */
    persistent: boolean;
    command: string;
  };
  createdAt: string;
  namespaces: string[];
  processes: ProcessRecord[];
  /** Files and folders outside the run folder (FRR pathspace folders). */
  paths: string[];
  ready: boolean;
  /** netns: the runtime this lab runs from. */
  runtime?: LabRuntime;
  /** netns: the routers and nodes that run from another runtime than the lab's (mixed versions). */
  runtimeOf?: Record<string, LabRuntime>;
  /**
   * The files (and hash-policy override) the lab was built from, so a test run that reuses it
   * loads the same model (suites/setup/global-lab.ts). Absent in a record from before it was kept.
   */
  model?: ModelSource;
}

export function runRoot(): string {
  return process.env.ANYCAST_VERIFY_RUN_DIR ?? join(tmpdir(), 'anycast-verify');
}

export function runDir(lab: string): string {
  return join(runRoot(), lab);
}

/** The lab's record (written by rename: never seen half-written). */
export function stateFile(lab: string): string {
  return join(runDir(lab), 'state.json');
}

export function readState(lab: string): LabState | undefined {
  const f = stateFile(lab);
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** Written atomically (rename), so a reader or a killed writer never sees half a record. */
export function writeState(state: LabState): void {
  mkdirSync(runDir(state.lab), { recursive: true });
  const f = stateFile(state.lab);
  writeFileSync(`${f}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${f}.tmp`, f);
}

/** Removes the lab's run folder, and the shared root too once no lab uses it. */
/**
 * Marks the lab's bring-up complete: called by helpers/lab/bring-up.ts once the convergence
 * wait is over, never by a provider, so a `up` killed while waiting for convergence leaves a
 * lab that the next `up` removes instead of one it refuses as "already up".
 */
export function markReady(lab: string): void {
  const s = readState(lab);
  if (!s) return;
  s.ready = true;
  writeState(s);
}

export function removeRunDir(lab: string): void {
  rmSync(runDir(lab), { recursive: true, force: true });
  try {
    if (readdirSync(runRoot()).length === 0) rmdirSync(runRoot());
  } catch {
    // absent already, or another lab still uses it
  }
}

/** The kernel start time of a process, or undefined if it does not exist. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after the closing paren are plain.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

/** True when the recorded process is still the one we started (same PID and start time, not a zombie). */
export function isSameProcessAlive(rec: { pid: number; startTime: string }): boolean {
  const st = processStartTime(rec.pid);
  if (st === undefined || st !== rec.startTime) return false;
  try {
    const state = readFileSync(`/proc/${rec.pid}/stat`, 'utf8');
    return state.slice(state.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
