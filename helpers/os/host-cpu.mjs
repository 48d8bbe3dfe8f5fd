/**
 * The host's CPU as the kernel counts it (/proc/stat's first line, in USER_HZ ticks): what a run
 * spends host-wide, its own processes, the lab's daemons, short-lived commands and the kernel's
 * interrupt work alike. A run that spends C core-seconds cannot end in less than C ÷ cores on
 * any schedule, however many labs run side by side (docs/scenario-labs.md, "The floor").
 * Plain JavaScript (types in host-cpu.d.mts): scripts/cpu-by-process.mjs runs it without a loader.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: 100 on Linux for every architecture the kernel exports /proc times in. */
export const USER_HZ = 100;

/** /proc/stat's first line now. */
export function hostCpuTicks(stat = readFileSync('/proc/stat', 'utf8')) {
  const cpu = stat.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy; guest time is in user already.
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3] - cpu[4], total };
}

/** Core-seconds the host was busy between two readings. */
export const busyCoreSeconds = (from, to) => (to.busy - from.busy) / USER_HZ;
