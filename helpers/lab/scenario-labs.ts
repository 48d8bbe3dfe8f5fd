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
 * Cores one lab running fault scenarios needs for its timings to hold: one. Measured on a 2-core
 * host (docs/scenario-labs.md): while budgets counted the tool's own command path, two labs side
 * by side pushed it tens to hundreds of ms later and failed budgets (2026-12-03/04), so each lab
 * had 2 cores. Since every move and fail-back is timed from the fault's own effect (the UPDATE on
 * the wire, the link's change: helpers/experiment/fault-effect.ts), the fabric's part is what is
 * judged, and two labs on 2 cores measure what one does (2026-12-05: vip-withdrawn moved
 * 0.112–0.119 s side by side, 0.112–0.121 s alone). So the run's lab and each copy get a core:
 * one copy on 2 cores (two lanes, the run's lab joining after the read-only suites), three on 4
 * (more than 2 cores is an extrapolation from that one host, not measured here).
 */
export const CORES_PER_LAB = 1;

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
