/**
 * The claim every timed scenario makes first: the host's wall clock held still through its run,
 * so the kernel's stamps (captures, `ip monitor`) and the tool's moments are one clock
 * (helpers/os/epoch-clock.mjs follows and records a step; a run spanning one is not verified).
 */
import { expect } from 'vitest';
import type { ClockStep } from '../helpers/os/epoch-clock.mjs';

export function expectOneClock(tl: { clockSteps: ClockStep[]; tFault: number }): void {
  expect(
    tl.clockSteps.map(
      (s) => `${((s.t - tl.tFault) / 1000).toFixed(3)} s: the wall clock stepped by ${(s.byMs / 1000).toFixed(3)} s`,
    ),
    "the host's wall clock did not step during the fault (its times would mix two clocks: not verified)",
  ).toEqual([]);
}
