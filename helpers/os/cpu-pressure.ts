/**
 * The host's CPU contention while a fault runs, from the kernel's pressure stall information:
 * /proc/pressure/cpu's "some ... total=" is the wall time, in µs since boot, in which at least one
 * runnable task waited for a CPU (Documentation/accounting/psi.rst, Linux 4.20 and later). The
 * counter is read every SAMPLE_MS into (epoch ms, µs) pairs, so any window of the run (the fault
 * to the move, a stretch of lost requests) gets its figure afterwards. A timing claim that fails
 * says how contended the host was in its window: a move late by 4 ms on a host whose tasks waited
 * 90 % of that window is the emulated fabric's CPU queue as much as its protocols
 * (docs/scenario-labs.md, "Two labs on two cores"). It never changes a verdict.
 */
import { epochNow } from './epoch-clock.mjs';
import { someWaitedUs } from './pressure-stall.mjs';

const PSI_CPU = '/proc/pressure/cpu';
/** Fine enough for the shortest window judged (a withdrawal's ~110-160 ms); a read costs ~20 µs. */
const SAMPLE_MS = 50;

export type CpuPressure =
  | { samples: [t: number, waitedUs: number][] }
  /** Why there is no figure: a kernel without PSI (CONFIG_PSI off, or booted with psi=0). */
  | { absent: string };

/** Samples the counter until stopped; stop() returns what it read (or why it could not). */
export function watchCpuPressure(path = PSI_CPU): { stop(): CpuPressure } {
  const samples: [number, number][] = [];
  const sample = () => samples.push([epochNow(), someWaitedUs(path)]);
  try {
    sample();
  } catch (e) {
    const absent = `${path} unreadable (${(e as Error).message.split('\n')[0]})`;
    return { stop: () => ({ absent }) };
  }
  const timer = setInterval(sample, SAMPLE_MS);
  timer.unref();
  let stopped = false;
  return {
    /** Idempotent: a clean-up's second stop adds no sample to what the first returned. */
    stop() {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        sample();
      }
      return { samples };
    },
  };
}

/** The counter at `t`, interpolated between the samples around it (undefined outside them). */
function waitedAt(samples: [number, number][], t: number): number | undefined {
  const after = samples.findIndex(([ts]) => ts >= t);
  if (after < 0) return undefined;
  if (after === 0) return samples[0]![0] === t ? samples[0]![1] : undefined;
  const [t0, w0] = samples[after - 1]!;
  const [t1, w1] = samples[after]!;
  return w0 + ((w1 - w0) * (t - t0)) / (t1 - t0);
}

/** Milliseconds of [from, to] (epoch ms) in which some task waited for a CPU; undefined when not sampled. */
export function cpuWaitedMs(p: CpuPressure, from: number, to: number): number | undefined {
  if ('absent' in p || to <= from) return undefined;
  const a = waitedAt(p.samples, from);
  const b = waitedAt(p.samples, to);
  return a === undefined || b === undefined ? undefined : (b - a) / 1000;
}

/** For a claim's message: "; the host's tasks waited for a CPU 83 of these 158 ms (/proc/pressure/cpu)". */
export function contentionNote(p: CpuPressure, from: number, to: number): string {
  if ('absent' in p) return `; the host's CPU contention not measured: ${p.absent}`;
  const ms = cpuWaitedMs(p, from, to);
  if (ms === undefined) return "; the host's CPU contention not measured over this window";
  return `; the host's tasks waited for a CPU ${Math.round(ms)} of these ${Math.round(to - from)} ms (/proc/pressure/cpu)`;
}

/** Share of the whole sampled run in which some task waited for a CPU, in % (undefined when not measured). */
export function contendedPercent(p: CpuPressure): number | undefined {
  if ('absent' in p || p.samples.length < 2) return undefined;
  const [t0, w0] = p.samples[0]!;
  const [t1, w1] = p.samples.at(-1)!;
  return t1 > t0 ? Math.round((w1 - w0) / 10 / (t1 - t0)) : undefined;
}
