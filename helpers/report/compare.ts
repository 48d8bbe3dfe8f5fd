/**
 * The regression gate between two runs: a check that passed in the baseline and fails (or is
 * gone, or is not verified) now is a regression; so is, against a banded baseline (built from
 * ≥ 10 runs by ./band-baseline.ts), a waterfall link above its band or a random wait outside its
 * window, and a failover total above its band (./link-gate.ts, the rule in ./bands.ts and
 * docs/failover.md#the-regression-gate); and more broken connections than the baseline's
 * binomial band. A baseline built before bands keeps the old rule (now > baseline × (1 + ratio)
 * + slack + its jitter window) and the verdict calls it provisional.
 */
import { notVerifiedReason } from './not-verified.js';
import { readFileSync } from 'node:fs';
import { isTiming, type Metric } from './metrics.js';
import { FAILOVER_KEYS, REHASH_KEYS, type KeyFamily } from './metric-keys.js';
import type { LabInfo } from './lab-info.js';
import { checkBandedTest, kindExcursions, type BaselineTest, type GateCheck } from './link-gate.js';

export interface RunResults {
  /** The run's lab.json (./lab-info.ts); partial, as a baseline or an older results file may hold less. */
  lab?: Partial<LabInfo>;
  tests: { name: string; state: string; note?: string; metrics?: Metric[] }[];
}

export interface Tolerance {
  /** Relative growth allowed (0.25 = 25 %). */
  ratio: number;
  /** Absolute slack in seconds, for tiny numbers whose relative noise is large. */
  slackSeconds: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { ratio: 0.25, slackSeconds: 0.5 };

/** A guard pattern for every key of a family: `failover.outage.*`. */
function everyKeyOf(family: KeyFamily): string {
  return `${family.prefix}*`;
}

/**
 * The timings the gate guards, by metric key (a trailing `*` is any last part: one per
 * client). Why these: they are what a user of the fabric lives through in a failover, how
 * long until traffic left the failed cluster, how long until it came back after the restore,
 * and each client's outage; they are the ones the gate guarded when it still matched labels.
 * The other timings (the withdrawal transient, the speaker back after a crash) are held only
 * to their budgets, by the suites themselves.
 */
export const GUARDED_TIMINGS = [FAILOVER_KEYS.moved, FAILOVER_KEYS.back, everyKeyOf(FAILOVER_KEYS.outage)];

const matches = (patterns: string[], key?: string) =>
  patterns.some((p) => (p.endsWith('.*') ? key?.startsWith(p.slice(0, -1)) : key === p));

export const isGuardedTiming = (m: Metric): m is Metric & { value: number } =>
  isTiming(m) && matches(GUARDED_TIMINGS, m.key);

/**
 * The counts the gate guards: established connections a fault and its fail-back break
 * (suite 4's established connections). Each is binomial, so its run-to-run noise is its band: a count is a regression
 * when it exceeds the baseline's band (its budget, the band's upper end from the ECMP
 * algorithm and the next-hop sets), e.g. a fabric that stopped hashing resiliently.
 */
export const GUARDED_COUNTS = [REHASH_KEYS.faultBroken, REHASH_KEYS.failBackBrokenAfterMove];

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

/** What `compare` says: the regressions, what every guarded value was held to, and how far to trust the baseline. */
export interface GateVerdict {
  regressions: Regression[];
  /** Every guarded link and total with its limit and the suite's budget (banded baselines only). */
  checks: GateCheck[];
  /** Why the baseline is not a full one (built before bands, or from fewer than 10 runs), when it is not. */
  provisional?: string;
  /** What differs between the two labs' versions: the bands are the baseline's, the random waits' windows this run's. */
  versions?: string;
}

/** The versions whose change moves timings (a bump is what the gate is run for, so it is said, not refused). */
function versionChange(now: RunResults, base: RunResults): string | undefined {
  const diff = (['runtime', 'frr', 'gobgp'] as const).flatMap((v) => {
    const [b, n] = [base.lab?.versions?.[v], now.lab?.versions?.[v]];
    return b && n && b !== n ? [`${v} ${b} → ${n}`] : [];
  });
  return diff.length
    ? `versions: ${diff.join(', ')} since the baseline; links are held to the baseline's bands, random waits to this run's windows`
    : undefined;
}

/** A baseline with samples per run (`anycast-verify baseline`, format 2). */
export interface Baseline extends RunResults {
  format?: number;
  note?: string;
  /** How many results files it was built from. */
  runs?: number;
  /** Set when it was built from fewer than MIN_BASELINE_RUNS runs on purpose (--provisional). */
  provisional?: string;
  tests: BaselineTest[];
}

export const BASELINE_FORMAT = 2;
const isBanded = (b: Baseline) => b.format === BASELINE_FORMAT;

/** The gate's verdict on `now` against `base`: links and totals by their bands when the baseline has samples, by the old rule otherwise. */
export function gateRuns(now: RunResults, base: Baseline, tol: Tolerance = DEFAULT_TOLERANCE): GateVerdict {
  requireKeys(now, 'the current results file');
  requireKeys(base, 'the baseline');
  const out: Regression[] = [];
  const checks: GateCheck[] = [];
  const byName = new Map(now.tests.map((t) => [t.name, t]));
  const kinds = isBanded(base) ? kindExcursions(base.tests, now.lab ?? base.lab) : undefined;
  for (const b of base.tests) {
    const n = byName.get(b.name);
    if (b.state === 'passed' && (!n || n.state !== 'passed')) out.push({ test: b.name, what: stateChange(n) });
    if (!n) continue;
    out.push(...countRegressions(b, n));
    if (isBanded(base)) {
      const c = checkBandedTest({ base: b, now: n, lab: now.lab ?? base.lab, kinds });
      checks.push(...c);
      out.push(...c.filter((x) => x.regression).map((x) => ({ test: b.name, what: x.regression! })));
    } else out.push(...legacyTimingRegressions(b, n, tol));
  }
  out.push(...labRegressions(now, base, tol));
  const provisional = !isBanded(base)
    ? 'provisional: built before bands; regenerate (scripts/make-baseline.sh <runtime> 10): the links are not guarded, the totals by the old rule (baseline × 1.25 + 0.5 s + jitter window)'
    : base.provisional
      ? `provisional: ${base.provisional}`
      : undefined;
  const versions = versionChange(now, base);
  return { regressions: out, checks, ...(provisional ? { provisional } : {}), ...(versions ? { versions } : {}) };
}

export function compareRuns(now: RunResults, base: Baseline, tol: Tolerance = DEFAULT_TOLERANCE): Regression[] {
  return gateRuns(now, base, tol).regressions;
}

function stateChange(n: RunResults['tests'][number] | undefined): string {
  // Evidence that went missing is a regression too: a claim not verified now is no pass.
  return !n
    ? 'passed in the baseline, missing now'
    : notVerifiedReason(n.note) !== undefined
      ? `passed in the baseline, not verified now: ${notVerifiedReason(n.note)}`
      : `passed in the baseline, ${n.state} now`;
}

/** Counts (binomial): above the baseline's band (its budget, the band's upper end) is a regression. */
function countRegressions(b: RunResults['tests'][number], n: RunResults['tests'][number]): Regression[] {
  const out: Regression[] = [];
  for (const bm of (b.metrics ?? []).filter(isGuardedCount)) {
    const nm = (n.metrics ?? []).find((m) => m.key === bm.key);
    const limit = Math.max(bm.budget ?? bm.value, bm.value);
    if (nm && typeof nm.value === 'number' && nm.value > limit)
      out.push({
        test: b.name,
        what: `${nm.name}: ${nm.value}, baseline ${bm.value} (limit ${limit}: the baseline's band${bm.formula ? `, ${bm.formula}` : ''})`,
      });
  }
  return out;
}

/** The rule for a baseline built before bands (one worst value per timing): baseline × (1 + ratio) + slack + its jitter window. */
function legacyTimingRegressions(
  b: RunResults['tests'][number],
  n: RunResults['tests'][number],
  tol: Tolerance,
): Regression[] {
  const out: Regression[] = [];
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
  return out;
}

/** How many labs ran scenarios at once (1: one after another); older results say it by their copies. */
function lanesOf(lab: RunResults['lab']): number | undefined {
  if (lab?.scenarioLanes !== undefined) return lab.scenarioLanes;
  return lab?.scenarioLabs === undefined ? undefined : Math.max(1, lab.scenarioLabs);
}

const modeText = (lanes: number) => (lanes > 1 ? `on ${lanes} labs side by side` : 'one after another');

/** The run as a whole: the mode the scenarios ran in, and the bring-up. */
function labRegressions(now: RunResults, base: RunResults, tol: Tolerance): Regression[] {
  const out: Regression[] = [];
  // Scenarios side by side share the host's CPU: their timings are not comparable with runs one
  // after another (docs/scenario-labs.md, measured 2026-12-03). A run of another mode is named.
  const [bs, ns] = [lanesOf(base.lab), lanesOf(now.lab)];
  if (bs !== undefined && ns !== undefined && bs !== ns)
    out.push({
      test: '(run mode)',
      what: `not comparable: the baseline ran the fault scenarios ${modeText(bs)}, this run ${modeText(ns)}; compare runs of one mode (--scenario-labs)`,
    });
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
