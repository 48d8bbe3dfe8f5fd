/** The epoch clock every timeline stamp uses agrees with the wall clock the kernel stamps packets with. */
import { describe, expect, it } from 'vitest';
import { epochNow, makeEpochClock } from '../../helpers/os/epoch-clock.mjs';

describe('epochNow', () => {
  it('is within 1 ms of the wall clock (Date.now is truncated to the ms), and never runs backwards', () => {
    let last = epochNow();
    for (let i = 0; i < 1000; i++) {
      const before = Date.now();
      const t = epochNow();
      const after = Date.now();
      expect(t).toBeGreaterThanOrEqual(before - 1);
      expect(t).toBeLessThanOrEqual(after + 1);
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });
});

describe('a wall clock that moves under the process (makeEpochClock)', () => {
  /** A fake host: monotonic ms, and a wall clock that is monotonic + offset, truncated to the ms. */
  const host = () => {
    const h = { mono: 1000.25, offset: 1_700_000_000_000 };
    const clock = makeEpochClock(
      () => Math.floor(h.mono + h.offset),
      () => h.mono,
    );
    return { h, clock };
  };

  it('follows a step and records it, once', () => {
    const { h, clock } = host();
    h.mono += 100;
    clock.check();
    expect(clock.steps()).toEqual([]);
    h.offset += 2290;
    h.mono += 100;
    const t = clock.now();
    expect(Math.abs(t - (h.mono + h.offset))).toBeLessThanOrEqual(1);
    expect(clock.steps()).toHaveLength(1);
    expect(clock.steps()[0]!.byMs).toBeCloseTo(2290, 0);
    h.mono += 100;
    clock.check();
    expect(clock.steps()).toHaveLength(1);
    expect(clock.steps(t + 1)).toEqual([]);
  });

  it('a preemption between reading the wall clock and the monotonic one is not a step', () => {
    const h = { mono: 1000.25, offset: 1_700_000_000_000, late: 0 };
    const clock = makeEpochClock(
      () => Math.floor(h.mono + h.offset),
      () => {
        // The monotonic read comes `late` ms after the wall clock's, once.
        const t = h.mono + h.late;
        h.late = 0;
        return t;
      },
    );
    h.mono += 1;
    h.late = 5;
    clock.check();
    expect(clock.steps()).toEqual([]);
    expect(Math.abs(clock.now() - (h.mono + h.offset))).toBeLessThanOrEqual(1);
  });

  it('follows a backward step too', () => {
    const { h, clock } = host();
    h.offset -= 500;
    h.mono += 100;
    expect(Math.abs(clock.now() - (h.mono + h.offset))).toBeLessThanOrEqual(1);
    expect(clock.steps()[0]!.byMs).toBeCloseTo(-500, 0);
  });

  it('follows a slew (the fastest the kernel allows, 10 % + 500 ppm) without calling it a step', () => {
    const { h, clock } = host();
    for (let i = 0; i < 50; i++) {
      h.mono += 100;
      h.offset += 100 * 0.1;
      clock.check();
    }
    expect(Math.abs(clock.now() - (h.mono + h.offset))).toBeLessThanOrEqual(1);
    expect(clock.steps()).toEqual([]);
  });
});
