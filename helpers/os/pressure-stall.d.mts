/** Types of pressure-stall.mjs (plain JavaScript so scripts/host-pressure.mjs runs it without a loader). */
/** µs some task waited since boot, from the file at `path` (throws, naming it, when it holds no "some" total). */
export function someWaitedUs(path: string): number;
