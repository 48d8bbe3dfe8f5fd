/**
 * The kernel's pressure stall information (/proc/pressure/<resource>, Linux 4.20 and later;
 * Documentation/accounting/psi.rst): the "some" line's total is the wall time, in µs since boot,
 * in which at least one task waited for the resource (a CPU, io, memory). Plain JavaScript (types
 * in pressure-stall.d.mts): scripts/host-pressure.mjs runs it without a loader, and
 * cpu-pressure.ts samples it through a fault run.
 */
import { readFileSync } from 'node:fs';

/** µs some task waited since boot, from the file at `path` (throws, naming it, when it holds no "some" total). */
export function someWaitedUs(path) {
  const m = /^some .*total=(\d+)/m.exec(readFileSync(path, 'utf8'));
  if (!m) throw new Error(`${path}: no "some … total=" line`);
  return Number(m[1]);
}
