/**
 * How many scenario labs (copies of the run's lab, ./lab-pool.ts) a test run brings up beside
 * the run's own lab: ANYCAST_VERIFY_SCENARIO_LABS when set (0: none; the scenarios then run one
 * after another on the run's lab, as they must on a provider that cannot run a second lab),
 * else as many as the host's cores and memory carry without moving the timings (CORES_PER_LAB).
 */
import { availableParallelism, freemem } from 'node:os';
import type { ProviderName } from '../providers/api/lab-handle.js';

/**
 * Memory one netns lab copy holds, rounded up: 394 MiB resident for the seed lab's daemons,
 * echo pods and speakers (summed VmRSS of its processes, 2026-12-03, trixie; shared pages
 * counted once per process, so an over-estimate), plus its observers during a fault.
 */
export const LAB_COPY_MIB = 512;

/**
 * Cores one lab running a fault scenario needs for its timings to hold. Measured on a 2-core host
 * (2026-12-03, docs/scenario-labs.md): one lab at a time is green run after run; two copies side
 * by side (plus the run's lab) pushed the event chain tens of ms later and once failed a budget
 * (uplink-down fail-back 2.37 s against 1.65 s, ~1 s over every other run). So the run's own
 * lab and each copy get 2 cores: none on 2 cores, one on 4, three on 8 (the larger hosts are an
 * extrapolation from that one boundary, not measured here).
 */
export const CORES_PER_LAB = 2;

/** Providers whose labs can run side by side under other names. */
const CAN_COPY: Record<ProviderName, boolean> = { netns: true, containerlab: false };

export interface HostCapacity {
  cores: number;
  freeMiB: number;
}

export function hostCapacity(): HostCapacity {
  return { cores: availableParallelism(), freeMiB: Math.floor(freemem() / 2 ** 20) };
}

export function scenarioLabCount(provider: ProviderName, env = process.env, host = hostCapacity()): number {
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
  return Math.max(0, Math.min(Math.floor(host.cores / CORES_PER_LAB) - 1, Math.floor(host.freeMiB / LAB_COPY_MIB) - 1));
}
