/**
 * Custom matchers that make the suites read like the claims they prove.
 *   expect(hops).toHaveNextHops(['10.0.2.11', '10.0.3.11'])   set equality, order-free,
 *     with a message naming what is missing and what is extra.
 */
import { expect } from 'vitest';

interface NextHopLike {
  gateway: string;
}

expect.extend({
  toHaveNextHops(received: (NextHopLike | string)[], expected: string[]) {
    const got = received.map((h) => (typeof h === 'string' ? h : h.gateway)).sort();
    const want = [...expected].sort();
    const missing = want.filter((w) => !got.includes(w));
    const extra = got.filter((g) => !want.includes(g));
    const dupes = got.filter((g, i) => got.indexOf(g) !== i);
    const pass = missing.length === 0 && extra.length === 0 && dupes.length === 0;
    return {
      pass,
      message: () =>
        pass
          ? `expected next hops other than [${want.join(', ')}]`
          : `expected exactly the next hops [${want.join(', ')}], got [${got.join(', ') || 'none'}]` +
            (missing.length ? `; missing ${missing.join(', ')}` : '') +
            (extra.length ? `; unexpected ${extra.join(', ')}` : '') +
            (dupes.length ? `; duplicated ${dupes.join(', ')}` : ''),
      actual: got,
      expected: want,
    };
  },
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare module 'vitest' {
  interface Matchers<T = any> {
    toHaveNextHops(expected: string[]): T;
  }
}
