/** Types of host-cpu.mjs (plain JavaScript so scripts/cpu-by-process.mjs runs it without a loader). */
/** USER_HZ: 100 on Linux for every architecture the kernel exports /proc times in. */
export const USER_HZ: number;
export interface HostCpuTicks {
  /** Ticks some core was busy (user, nice, system, irq, softirq, steal). */
  busy: number;
  /** All ticks, idle and iowait included. */
  total: number;
}
/** /proc/stat's first line now (or the given text). */
export function hostCpuTicks(stat?: string): HostCpuTicks;
/** Core-seconds the host was busy between two readings. */
export function busyCoreSeconds(from: HostCpuTicks, to: HostCpuTicks): number;
