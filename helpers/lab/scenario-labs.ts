/**
 * How many scenario labs (copies of the run's lab, ./lab-pool.ts) a test run brings up beside
 * the run's own lab: ANYCAST_VERIFY_SCENARIO_LABS when set (0: none; the scenarios then run one
 * after another on the run's lab, as they must on a provider that cannot run a second lab),
 * else as many as the host's cores, the CPU others take on it, and its memory carry without
 * moving the timings (CORES_PER_LAB). The choice is made once per run (vitest.config.ts
 * `decideScenarioLabs`) and handed to the run's other processes in that variable.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import type { ProviderName } from '../providers/api/lab-handle.js';
import { hostCpuTicks } from '../os/host-cpu.mjs';

/**
 * Memory one netns lab copy holds, rounded up: 394 MiB resident for the seed lab's daemons,
 * echo pods and speakers (summed VmRSS of its processes, 2026-12-03, trixie; shared pages
 * counted once per process, so an over-estimate), plus its observers during a fault.
 */
export const LAB_COPY_MIB = 512;

/**
 * Cores one lab running fault scenarios needs for its timings to hold: two the host is not
 * spending elsewhere, so a host with two or three free cores runs one lab.
 * Measured on 2-core hosts (docs/scenario-labs.md): two labs side by side moved FRR's own work
 * per hop later (one withdrawal 82.6 ms against 77.35 ms, 2026-12-04) and left echo pods
 * answering 0.3-0.7 s late. With the emulated fabric scheduled ahead of the harness (nice -10,
 * helpers/providers/netns/processes.ts FABRIC_NICE) 24 of 25 two-lane loop runs were green
 * (2026-12-05, night), and two lanes were the default for a day; the project's own gate then
 * failed on it (clean-clone CI, 2026-12-05 19:13): an echo pod answering 327-446 ms late and, in
 * a drain, both clients' requests timing out for 650 ms, with the host's tasks waiting for a CPU
 * 2 443 of 2 911 ms. A gate that fails one run in fifteen (2 of 29) on its own CPU is not a
 * gate: two lanes on 2 cores are asked for (--scenario-labs 1), never chosen. Hosts past 4 cores
 * are an extrapolation from these, not measured: they keep two cores per lab.
 */
export const CORES_PER_LAB = 2;

/** Providers whose labs can run side by side under other names. */
const CAN_COPY: Record<ProviderName, boolean> = { netns: true, containerlab: false };

export interface HostCapacity {
  cores: number;
  freeMiB: number;
  /** Cores' worth of CPU other processes spent while it was sampled (this process's own excluded). */
  busyElsewhere: number;
}

/** The host now: cores, free memory, and the CPU others spend over `sampleMs`. */
export function hostCapacity(sampleMs = 300): HostCapacity {
  return {
    cores: availableParallelism(),
    freeMiB: Math.floor(freemem() / 2 ** 20),
    busyElsewhere: busyElsewhere(sampleMs),
  };
}

/** Clock ticks: the host's busy and total (/proc/stat), this process's own (/proc/self/stat). */
function ticks(): { busy: number; total: number; own: number } {
  // After the command's parenthesised name: utime and stime are the 12th and 13th fields.
  const self = readFileSync('/proc/self/stat', 'utf8');
  const f = self.slice(self.lastIndexOf(')') + 2).split(' ');
  return { ...hostCpuTicks(), own: Number(f[11]) + Number(f[12]) };
}

/**
 * Cores' worth of CPU the host spent outside this process over `ms` (blocking: the run is about
 * to start, and its choice must not count its own start-up). 0 where /proc cannot be read.
 */
export function busyElsewhere(ms: number): number {
  try {
    const a = ticks();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    const b = ticks();
    const total = b.total - a.total;
    if (total <= 0) return 0;
    return Math.max(0, ((b.busy - a.busy - (b.own - a.own)) / total) * availableParallelism());
  } catch {
    return 0;
  }
}

export function scenarioLabCount(
  provider: ProviderName,
  env = process.env,
  host: () => HostCapacity = hostCapacity,
): number {
  const raw = env.ANYCAST_VERIFY_SCENARIO_LABS;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`ANYCAST_VERIFY_SCENARIO_LABS: expected a whole number >= 0, got "${raw}"`);
    if (n > 0 && !CAN_COPY[provider])
      throw new Error(
        `ANYCAST_VERIFY_SCENARIO_LABS=${n}: the ${provider} provider cannot run a copy of its lab beside it; use 0`,
      );
    return n;
  }
  if (!CAN_COPY[provider]) return 0;
  const h = host();
  // Labs: one per CORES_PER_LAB cores the others leave free (rounded: a 0.1-core background is no core taken).
  const labs = Math.floor(Math.round(h.cores - h.busyElsewhere) / CORES_PER_LAB);
  return Math.max(0, Math.min(labs - 1, Math.floor(h.freeMiB / LAB_COPY_MIB) - 1));
}

/**
 * The run's choice, made once in the process that starts it (vitest.config.ts, then read by the
 * global setup and the sequencer through this same call): the variable as given, else the host's
 * capacity now, written into ANYCAST_VERIFY_SCENARIO_LABS so every later call and the workers
 * read the same number. Returns it and why.
 */
export function decideScenarioLabs(
  provider: ProviderName,
  env: NodeJS.ProcessEnv = process.env,
  host: () => HostCapacity = hostCapacity,
): { copies: number; why: string } {
  const decided = (copies: number, why: string) => {
    env.ANYCAST_VERIFY_SCENARIO_LABS = String(copies);
    env.ANYCAST_VERIFY_SCENARIO_LABS_WHY = why;
    return { copies, why };
  };
  // A reused lab is the user's: nothing else comes up (suites/setup/global-lab.ts), so one file at a time.
  if (env.ANYCAST_VERIFY_REUSE === '1') return decided(0, 'a reused lab runs its scenarios one after another');
  const given = env.ANYCAST_VERIFY_SCENARIO_LABS;
  if (given !== undefined && given !== '')
    return { copies: scenarioLabCount(provider, env), why: env.ANYCAST_VERIFY_SCENARIO_LABS_WHY ?? 'as asked' };
  if (!CAN_COPY[provider]) return decided(0, `the ${provider} provider cannot run a copy`);
  const h = host();
  return decided(
    scenarioLabCount(provider, env, () => h),
    `${h.cores} cores, ${h.busyElsewhere.toFixed(1)} of them busy elsewhere, ${(h.freeMiB / 1024).toFixed(1)} GiB free`,
  );
}
