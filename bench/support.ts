/** What the benchmarks share: the median, a progress that records each bring-up step's duration, the lab's CPU time. */
import { readFileSync } from 'node:fs';
import type { Progress } from '../helpers/os/progress.js';
import { readState } from '../helpers/os/run-state.js';
import { USER_HZ } from '../helpers/os/host-cpu.mjs';

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

/** CPU seconds (user + system, with reaped children) of the lab's recorded processes, by kind: where bring-up and convergence spend. */
export function labCpuSeconds(lab: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of readState(lab)?.processes ?? []) {
    const kind = p.what.startsWith('frr ')
      ? p.what.slice(4)
      : p.what.startsWith('gobgpd')
        ? 'gobgpd'
        : p.what.split(' ')[0]!;
    try {
      // Fields after the command's closing parenthesis: utime is the 12th, stime the 13th, cutime and cstime follow.
      const f = readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0);
      out[kind] = (out[kind] ?? 0) + ticks / USER_HZ;
    } catch {
      // gone: not counted
    }
  }
  return out;
}
