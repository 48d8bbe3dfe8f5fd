/**
 * A banded baseline from N runs (`anycast-verify baseline`): per test, passed only if it passed
 * in every run; per guarded value (the totals failover.moved/back/outage.<client>, every
 * waterfall link, the guarded counts) the worst value as before and the sample of every run in
 * run order (null where a run had none), so `compare` can build each band (./bands.ts) and
 * take a total's random wait out run by run (./link-gate.ts); plus the runs' lab (runtime,
 * versions, timers), which must be one lab: bands across versions would band the bump itself.
 *
 * Fewer than MIN_BASELINE_RUNS runs give bands too narrow to trust (the max of few samples sits
 * low, the MAD is noisy): refused, unless the caller marks the baseline provisional, which
 * `compare` then says in its verdict.
 */
import { MIN_BASELINE_RUNS } from '../faults/bands.js';
import {
  BASELINE_FORMAT,
  isGuardedCount,
  isGuardedTiming,
  requireKeys,
  type Baseline,
  type RunResults,
} from './compare.js';
import type { BaselineMetric } from './link-gate.js';
import type { Metric } from './metrics.js';
import { WATERFALL_KEYS } from './metric-keys.js';

/** Results a banded baseline cannot be built from (too few runs, runs of different labs). */
export class BaselineRefusedError extends Error {
  override name = 'BaselineRefusedError';
}

export class TooFewRunsError extends BaselineRefusedError {
  constructor(runs: number) {
    super(
      `a baseline needs at least ${MIN_BASELINE_RUNS} runs to band the guarded timings, got ${runs}: run more ` +
        `(scripts/make-baseline.sh <runtime> ${MIN_BASELINE_RUNS}), or pass --provisional to build one marked provisional ` +
        '(compare then says so in its verdict)',
    );
  }
}

const isLink = (m: Metric): m is Metric & { value: number } =>
  m.key.startsWith(WATERFALL_KEYS.link.prefix) && m.unit === 'ms' && typeof m.value === 'number';
const isKept = (m: Metric): m is Metric & { value: number } => isGuardedTiming(m) || isGuardedCount(m) || isLink(m);

/** The versions that make two runs one lab (a baseline refuses to fold others). */
const LAB_VERSIONS = ['provider', 'runtime', 'frr', 'gobgp', 'cilium'] as const;

function sameLab(runs: RunResults[]): void {
  const id = (r: RunResults) => LAB_VERSIONS.map((v) => `${v} ${r.lab?.versions?.[v] ?? '?'}`).join(', ');
  const ids = [...new Set(runs.map(id))];
  if (ids.length > 1)
    throw new BaselineRefusedError(
      `the runs are of different labs, which one baseline cannot band: ${ids.join(' | ')}`,
    );
}

function foldTest(runs: RunResults[], name: string): Baseline['tests'][number] {
  const all = runs.map((r) => r.tests.find((t) => t.name === name));
  const state = all.every((t) => t?.state === 'passed')
    ? 'passed'
    : (all.find((t) => t && t.state !== 'passed')?.state ?? 'missing');
  const metrics: BaselineMetric[] = [];
  all.forEach((t, i) => {
    for (const m of (t?.metrics ?? []).filter(isKept)) {
      let prev = metrics.find((x) => x.key === m.key);
      if (!prev) metrics.push((prev = { ...m, samples: runs.map(() => null) }));
      else {
        if ((prev.value as number) < m.value) prev.value = m.value;
        if (m.budget !== undefined) prev.budget = Math.max(prev.budget ?? 0, m.budget);
        if (m.jitterSeconds !== undefined) prev.jitterSeconds = Math.max(prev.jitterSeconds ?? 0, m.jitterSeconds);
      }
      prev.samples![i] = m.value;
    }
  });
  return { name, state, metrics };
}

export function bandBaseline(runs: RunResults[], opts: { provisional?: boolean } = {}): Baseline {
  if (runs.length === 0) throw new Error('a baseline needs at least one results file');
  runs.forEach((r, i) => requireKeys(r, `results file ${i + 1} of ${runs.length}`));
  if (runs.length < MIN_BASELINE_RUNS && !opts.provisional) throw new TooFewRunsError(runs.length);
  sameLab(runs);
  const names = [...new Set(runs.flatMap((r) => r.tests.map((t) => t.name)))];
  const bringUps = runs.map((r) => r.lab?.bringUpSeconds).filter((x): x is number => x !== undefined);
  return {
    format: BASELINE_FORMAT,
    note: `bands from ${runs.length} runs: per guarded value the sample of every run (compare: max + 10·MAD per deterministic link, the GoBGP window per random wait)`,
    runs: runs.length,
    ...(runs.length < MIN_BASELINE_RUNS
      ? {
          provisional: `built from ${runs.length} run${runs.length === 1 ? '' : 's'} (fewer than ${MIN_BASELINE_RUNS}): its bands are too narrow to trust`,
        }
      : {}),
    lab: { ...runs[0]!.lab, bringUpSeconds: bringUps.length ? Math.max(...bringUps) : undefined },
    tests: names.map((n) => foldTest(runs, n)),
  };
}
