/**
 * The regression gate between two runs: a check that passed in the baseline and fails (or
 * is gone) now, or a convergence/failover time that grew beyond the tolerance, is a
 * regression. Timings compare as: now > baseline × (1 + ratio) + slack seconds.
 */
import type { Metric } from './metrics.js';

export interface RunResults {
  lab?: { provider?: string; bringUpSeconds?: number; versions?: Record<string, string> };
  tests: { name: string; state: string; metrics?: Metric[] }[];
}

export interface Tolerance {
  /** Relative growth allowed (0.25 = 25 %). */
  ratio: number;
  /** Absolute slack in seconds, for tiny numbers whose relative noise is large. */
  slackSeconds: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { ratio: 0.25, slackSeconds: 0.5 };

/** Metrics that are timings of convergence or failover (seconds), the ones the gate guards. */
const TIMED = /fabric moved to survivors after|failed back after restore|outage window/;

export interface Regression {
  test: string;
  what: string;
}

export function compareRuns(now: RunResults, base: RunResults, tol: Tolerance = DEFAULT_TOLERANCE): Regression[] {
  const out: Regression[] = [];
  const byName = new Map(now.tests.map((t) => [t.name, t]));
  for (const b of base.tests) {
    const n = byName.get(b.name);
    if (b.state === 'passed' && (!n || n.state !== 'passed')) out.push({ test: b.name, what: n ? `passed in the baseline, ${n.state} now` : 'passed in the baseline, missing now' });
    if (!n) continue;
    for (const bm of b.metrics ?? []) {
      if (bm.unit !== 's' || typeof bm.value !== 'number' || !TIMED.test(bm.name)) continue;
      const nm = (n.metrics ?? []).find((m) => m.name === bm.name);
      if (!nm || typeof nm.value !== 'number') continue;
      // A random wait inside the timing (its jitter window) is no regression: allow its width.
      const jitter = Math.max(bm.jitterSeconds ?? 0, nm.jitterSeconds ?? 0);
      const limit = bm.value * (1 + tol.ratio) + tol.slackSeconds + jitter;
      if (nm.value > limit) out.push({ test: b.name, what: `${bm.name}: ${nm.value.toFixed(3)} s, baseline ${bm.value.toFixed(3)} s (limit ${limit.toFixed(3)} s = baseline × ${1 + tol.ratio} + ${tol.slackSeconds} s${jitter ? ` + jitter window ${jitter} s` : ''})` });
    }
  }
  const bu = base.lab?.bringUpSeconds;
  const nu = now.lab?.bringUpSeconds;
  if (bu !== undefined && nu !== undefined && nu > bu * (1 + tol.ratio) + tol.slackSeconds) {
    out.push({ test: '(lab bring-up)', what: `bring-up to converged ${nu.toFixed(2)} s, baseline ${bu.toFixed(2)} s` });
  }
  return out;
}

/**
 * A baseline from several runs: a test counts as passed only if it passed in every run, and
 * each timing keeps its worst (largest) value, so jitter the product really has (GoBGP's
 * randomised connect timer, for one) does not read as a regression later.
 */
export function baselineFrom(runs: RunResults[]): RunResults {
  if (runs.length === 0) throw new Error('a baseline needs at least one results file');
  const names = [...new Set(runs.flatMap((r) => r.tests.map((t) => t.name)))];
  const tests = names.map((name) => {
    const all = runs.map((r) => r.tests.find((t) => t.name === name));
    const state = all.every((t) => t?.state === 'passed') ? 'passed' : (all.find((t) => t && t.state !== 'passed')?.state ?? 'missing');
    const metrics: Metric[] = [];
    for (const t of all) {
      for (const m of t?.metrics ?? []) {
        if (m.unit !== 's' || typeof m.value !== 'number' || !TIMED.test(m.name)) continue;
        const prev = metrics.find((x) => x.name === m.name);
        if (!prev) metrics.push({ ...m });
        else {
          if ((prev.value as number) < m.value) prev.value = m.value;
          if (m.jitterSeconds !== undefined) prev.jitterSeconds = Math.max(prev.jitterSeconds ?? 0, m.jitterSeconds);
        }
      }
    }
    return { name, state, metrics };
  });
  const bringUps = runs.map((r) => r.lab?.bringUpSeconds).filter((x): x is number => x !== undefined);
  return { lab: { ...runs[0]!.lab, bringUpSeconds: bringUps.length ? Math.max(...bringUps) : undefined }, tests };
}
