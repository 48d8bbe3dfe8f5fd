/**
 * The regression gate between two runs: a check that passed in the baseline and fails (or
 * is gone) now, a convergence/failover time that grew beyond the tolerance, or more broken
 * connections than the baseline's band, is a regression. Timings compare as: now > baseline
 * × (1 + ratio) + slack seconds; counts as: now > the baseline's band (its budget).
 */
import { notVerifiedReason } from './not-verified.js';
import { readFileSync } from 'node:fs';
import { isTiming, type Metric } from './metrics.js';

export interface RunResults {
  lab?: { provider?: string; bringUpSeconds?: number; versions?: Record<string, string> };
  tests: { name: string; state: string; note?: string; metrics?: Metric[] }[];
}

export interface Tolerance {
  /** Relative growth allowed (0.25 = 25 %). */
  ratio: number;
  /** Absolute slack in seconds, for tiny numbers whose relative noise is large. */
  slackSeconds: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { ratio: 0.25, slackSeconds: 0.5 };

/**
 * The timings the gate guards, by metric key (a trailing `*` is any last part: one per
 * client). Why these: they are what a user of the fabric lives through in a failover, how
 * long until traffic left the failed cluster, how long until it came back after the restore,
 * and each client's outage; they are the ones the gate guarded when it still matched labels.
 * The other timings (the withdrawal transient, the speaker back after a crash) are held only
 * to their budgets, by the suites themselves.
 */
export const GUARDED_TIMINGS = ['failover.moved', 'failover.back', 'failover.outage.*'];

const matches = (patterns: string[], key?: string) =>
  patterns.some((p) => (p.endsWith('.*') ? key?.startsWith(p.slice(0, -1)) : key === p));

export const isGuardedTiming = (m: Metric): m is Metric & { value: number } =>
  isTiming(m) && matches(GUARDED_TIMINGS, m.key);

/**
 * The counts the gate guards: established connections a fault and its fail-back break
 * (suite 6). Each is binomial, so its run-to-run noise is its band: a count is a regression
 * when it exceeds the baseline's band (its budget, the band's upper end from the ECMP
 * algorithm and the next-hop sets), e.g. a fabric that stopped hashing resiliently.
 */
export const GUARDED_COUNTS = ['rehash.fault.broken', 'rehash.failBack.brokenAfterMove'];

export const isGuardedCount = (m: Metric): m is Metric & { value: number } =>
  typeof m.value === 'number' && m.unit === undefined && matches(GUARDED_COUNTS, m.key);
const isGuarded = (m: Metric): m is Metric & { value: number } => isGuardedTiming(m) || isGuardedCount(m);

/**
 * Refuses results written before metrics had keys: in them the gate would find none of the
 * timings it guards and pass whatever they hold. Any timing without a key marks such a file.
 */
export function requireKeys(r: RunResults, source: string): RunResults {
  const keyless = r.tests.flatMap((t) =>
    (t.metrics ?? []).filter((m) => isTiming(m) && !m.key).map((m) => `${t.name}: ${m.name}`),
  );
  if (keyless.length > 0) {
    throw new Error(
      `${source} was written before metrics had keys (${keyless.length} timing${keyless.length === 1 ? '' : 's'} without one, e.g. "${keyless[0]}"), so the gate cannot tell which timings it guards. ` +
        'Regenerate it with this version: a results file by running the suites again (sudo npm test), ' +
        'a baseline from fresh results files (npx anycast-verify baseline <results.json…> > <baseline>.json).',
    );
  }
  return r;
}

/** A results or baseline file, read and checked by requireKeys. */
export function readResults(file: string): RunResults {
  return requireKeys(JSON.parse(readFileSync(file, 'utf8')) as RunResults, file);
}

export interface Regression {
  test: string;
  what: string;
}

export function compareRuns(now: RunResults, base: RunResults, tol: Tolerance = DEFAULT_TOLERANCE): Regression[] {
  requireKeys(now, 'the current results file');
  requireKeys(base, 'the baseline');
  const out: Regression[] = [];
  const byName = new Map(now.tests.map((t) => [t.name, t]));
  for (const b of base.tests) {
    const n = byName.get(b.name);
    if (b.state === 'passed' && (!n || n.state !== 'passed'))
      out.push({
        test: b.name,
        // Evidence that went missing is a regression too: a claim not verified now is no pass.
        what: !n
          ? 'passed in the baseline, missing now'
          : notVerifiedReason(n.note) !== undefined
            ? `passed in the baseline, not verified now: ${notVerifiedReason(n.note)}`
            : `passed in the baseline, ${n.state} now`,
      });
    if (!n) continue;
    for (const bm of (b.metrics ?? []).filter(isGuardedCount)) {
      const nm = (n.metrics ?? []).find((m) => m.key === bm.key);
      const limit = Math.max(bm.budget ?? bm.value, bm.value);
      if (nm && typeof nm.value === 'number' && nm.value > limit)
        out.push({
          test: b.name,
          what: `${nm.name}: ${nm.value}, baseline ${bm.value} (limit ${limit}: the baseline's band${bm.formula ? `, ${bm.formula}` : ''})`,
        });
    }
    for (const bm of (b.metrics ?? []).filter(isGuardedTiming)) {
      const nm = (n.metrics ?? []).find((m) => m.key === bm.key);
      if (!nm || typeof nm.value !== 'number') continue;
      // A random wait inside the timing (its jitter window) is no regression: allow its width.
      const jitter = Math.max(bm.jitterSeconds ?? 0, nm.jitterSeconds ?? 0);
      const limit = bm.value * (1 + tol.ratio) + tol.slackSeconds + jitter;
      if (nm.value > limit)
        out.push({
          test: b.name,
          what: `${nm.name}: ${nm.value.toFixed(3)} s, baseline ${bm.value.toFixed(3)} s (limit ${limit.toFixed(3)} s = baseline × ${1 + tol.ratio} + ${tol.slackSeconds} s${jitter ? ` + jitter window ${jitter} s` : ''})`,
        });
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
  runs.forEach((r, i) => requireKeys(r, `results file ${i + 1} of ${runs.length}`));
  const names = [...new Set(runs.flatMap((r) => r.tests.map((t) => t.name)))];
  const tests = names.map((name) => {
    const all = runs.map((r) => r.tests.find((t) => t.name === name));
    const state = all.every((t) => t?.state === 'passed')
      ? 'passed'
      : (all.find((t) => t && t.state !== 'passed')?.state ?? 'missing');
    const metrics: Metric[] = [];
    for (const t of all) {
      for (const m of (t?.metrics ?? []).filter(isGuarded)) {
        const prev = metrics.find((x) => x.key === m.key);
        if (!prev) metrics.push({ ...m });
        else {
          if ((prev.value as number) < m.value) prev.value = m.value;
          if (m.budget !== undefined) prev.budget = Math.max(prev.budget ?? 0, m.budget);
          if (m.jitterSeconds !== undefined) prev.jitterSeconds = Math.max(prev.jitterSeconds ?? 0, m.jitterSeconds);
        }
      }
    }
    return { name, state, metrics };
  });
  const bringUps = runs.map((r) => r.lab?.bringUpSeconds).filter((x): x is number => x !== undefined);
  return { lab: { ...runs[0]!.lab, bringUpSeconds: bringUps.length ? Math.max(...bringUps) : undefined }, tests };
}
