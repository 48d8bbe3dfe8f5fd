/** The epoch clock every timeline stamp uses agrees with the wall clock the kernel stamps packets with. */
import { describe, expect, it } from 'vitest';
import { epochNow } from '../../helpers/os/epoch-clock.mjs';

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
