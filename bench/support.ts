/** What the benchmarks share: the median, and a progress that records each bring-up step's duration. */
import type { Progress } from '../helpers/runtime/progress.js';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Records each step's duration in seconds under its title, shortened to the words before any "(" or ":" (as `up` prints them). */
export function timingProgress(into: Record<string, number>): Progress {
  return {
    async step(title, fn) {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        into[title.replace(/\s*\(.*$/, '').replace(/:.*$/, '')] = (performance.now() - t0) / 1000;
      }
    },
    info: () => {},
  };
}
