/** A step of the wall clock against the monotonic clock: when (epoch ms, after it) and by how much. */
export interface ClockStep {
  t: number;
  byMs: number;
}

/** Epoch ms now, on the wall clock the kernel stamps packets and routes with (see epoch-clock.mjs). */
export function epochNow(): number;

/** The wall clock's steps this process saw at or after epoch ms `since` (see epoch-clock.mjs). */
export function clockSteps(since?: number): ClockStep[];

/** A clock over `wall` and `mono`, for tests (see epoch-clock.mjs). */
export function makeEpochClock(
  wall?: () => number,
  mono?: () => number,
): { now(): number; check(): void; steps(since?: number): ClockStep[] };
