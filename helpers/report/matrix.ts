/**
 * The version matrix: the lab suites' results on several runtimes side by side (every check
 * pass/fail, every timing with its budget), and the `compare` rules applied between
 * neighbouring runtimes, so a behaviour that changes from one FRR/GoBGP version to the next
 * is flagged as such. With several runs per runtime, each side is first folded the way a
 * baseline is (passed only if passed in every run, each timing at its worst): fail-back
 * times carry GoBGP's randomised retry timer, and one run against one run flags that jitter
 * as a change.
 */
import {
  baselineFrom,
  compareRuns,
  type Regression,
  type RunResults,
  type Tolerance,
  DEFAULT_TOLERANCE,
} from './compare.js';
import { isTiming, type Metric } from './metrics.js';

/** Report entries the matrix owns; a suite run's global setup leaves them alone. */
export const MATRIX_REPORT_ENTRIES = ['matrix', 'matrix.md', 'matrix.json'];

export interface MatrixColumn {
  runtime: string;
  /** One results.json per run on this runtime. */
  runs: RunResults[];
}

export interface MatrixChange {
  from: string;
  to: string;
  /** What got worse going from `from` to `to` (compare's regression rules). */
  worse: Regression[];
  /** What got better (the same rules, the other way round). */
  better: Regression[];
}

export interface Matrix {
  runtimes: {
    runtime: string;
    runs: number;
    versions: Record<string, string>;
    passed: number;
    failed: number;
    bringUpSeconds?: { min: number; max: number };
  }[];
  /** Per runtime: "passed", or e.g. "failed 1/3" when any run did not pass. */
  tests: { name: string; states: Record<string, string> }[];
  /** One row per test and metric key; `metric` is the metric's name, for people. */
  timings: {
    test: string;
    key: string;
    metric: string;
    values: Record<string, { min: number; max: number; budget?: number; formula?: string } | undefined>;
  }[];
  changes: MatrixChange[];
}

const hasBudget = (m: Metric) => isTiming(m) && m.budget !== undefined;

export function buildMatrix(cols: MatrixColumn[], tol: Tolerance = DEFAULT_TOLERANCE): Matrix {
  const allTests = (c: MatrixColumn) => c.runs.flatMap((r) => r.tests);
  const names = [...new Set(cols.flatMap((c) => allTests(c).map((t) => t.name)))];
  const stateOf = (c: MatrixColumn, name: string) => {
    const states = c.runs.map((r) => r.tests.find((t) => t.name === name)?.state ?? 'missing');
    const bad = states.filter((x) => x !== 'passed');
    return bad.length === 0 ? 'passed' : `${bad[0]}${c.runs.length > 1 ? ` ${bad.length}/${c.runs.length}` : ''}`;
  };
  const tests = names.map((name) => ({
    name,
    states: Object.fromEntries(cols.map((c) => [c.runtime, stateOf(c, name)])),
  }));
  const timings: Matrix['timings'] = [];
  for (const name of names) {
    const timed = cols.flatMap((c) =>
      allTests(c)
        .filter((t) => t.name === name)
        .flatMap((t) => (t.metrics ?? []).filter(hasBudget)),
    );
    for (const key of new Set(timed.map((m) => m.key))) {
      const values = Object.fromEntries(
        cols.map((c) => {
          const ms = allTests(c)
            .filter((t) => t.name === name)
            .flatMap((t) => (t.metrics ?? []).filter((m) => m.key === key && typeof m.value === 'number'));
          if (ms.length === 0) return [c.runtime, undefined];
          const vs = ms.map((m) => m.value as number);
          return [
            c.runtime,
            { min: Math.min(...vs), max: Math.max(...vs), budget: ms[0]!.budget, formula: ms[0]!.formula },
          ];
        }),
      );
      timings.push({ test: name, key, metric: timed.find((m) => m.key === key)!.name, values });
    }
  }
  const folded = cols.map((c) => ({ runtime: c.runtime, results: baselineFrom(c.runs) }));
  const changes: MatrixChange[] = [];
  for (let i = 1; i < folded.length; i++) {
    const a = folded[i - 1]!;
    const b = folded[i]!;
    changes.push({
      from: a.runtime,
      to: b.runtime,
      worse: compareRuns(b.results, a.results, tol),
      better: compareRuns(a.results, b.results, tol),
    });
  }
  return {
    runtimes: cols.map((c) => {
      const bringUps = c.runs.map((r) => r.lab?.bringUpSeconds).filter((x): x is number => x !== undefined);
      return {
        runtime: c.runtime,
        runs: c.runs.length,
        versions: c.runs[0]?.lab?.versions ?? {},
        passed: tests.filter((t) => t.states[c.runtime] === 'passed').length,
        failed: tests.filter((t) => t.states[c.runtime] !== 'passed').length,
        bringUpSeconds: bringUps.length ? { min: Math.min(...bringUps), max: Math.max(...bringUps) } : undefined,
      };
    }),
    tests,
    timings,
    changes,
  };
}

const mark = (state: string) =>
  state === 'passed' ? 'pass' : state.startsWith('failed') ? `**${state.toUpperCase()}**` : state;
const range = (v: { min: number; max: number }) =>
  v.min === v.max ? v.min.toFixed(2) : `${v.min.toFixed(2)}–${v.max.toFixed(2)}`;
const cell = (s: string) => s.replace(/\|/g, '\\|');

export function matrixMarkdown(m: Matrix): string {
  const rts = m.runtimes.map((r) => r.runtime);
  const head = (first: string) => [`| ${first} | ${rts.join(' | ')} |`, `|---|${rts.map(() => '---').join('|')}|`];
  const lines = ['# anycast-verify version matrix', ''];
  lines.push(...head('runtime'));
  lines.push(`| FRR | ${m.runtimes.map((r) => r.versions.frr ?? '?').join(' | ')} |`);
  lines.push(`| GoBGP | ${m.runtimes.map((r) => r.versions.gobgp ?? '?').join(' | ')} |`);
  lines.push(`| runs | ${m.runtimes.map((r) => r.runs).join(' | ')} |`);
  lines.push(`| checks | ${m.runtimes.map((r) => `${r.passed} passed in every run, ${r.failed} not`).join(' | ')} |`);
  lines.push(
    `| bring-up to converged | ${m.runtimes.map((r) => (r.bringUpSeconds ? `${range(r.bringUpSeconds)} s` : '-')).join(' | ')} |`,
    '',
  );
  lines.push(
    `## Timings (${m.runtimes.some((r) => r.runs > 1) ? 'min–max over the runs' : 'value'} / budget)`,
    '',
    ...head('test: metric'),
  );
  for (const t of m.timings) {
    lines.push(
      `| ${cell(`${t.test}: ${t.metric}`)} | ${rts.map((r) => (t.values[r] ? `${range(t.values[r]!)} / ${t.values[r]!.budget?.toFixed(1) ?? '-'} s` : '-')).join(' | ')} |`,
    );
  }
  lines.push(
    '',
    '## Behaviour changes between neighbouring runtimes',
    '',
    'Each side folded as a baseline (passed in every run, timings at their worst), then the `compare` rules.',
    '',
  );
  for (const c of m.changes) {
    if (c.worse.length === 0 && c.better.length === 0)
      lines.push(`- ${c.from} → ${c.to}: no change beyond the compare tolerance`);
    for (const w of c.worse)
      lines.push(
        `- ${c.from} → ${c.to} **worse**: ${w.test}: ${w.what.replace('baseline', c.from).replace('now', c.to)}`,
      );
    for (const b of c.better)
      lines.push(`- ${c.from} → ${c.to} better: ${b.test}: ${b.what.replace('baseline', c.to).replace('now', c.from)}`);
  }
  const differing = m.tests.filter((t) => Object.values(t.states).some((s) => s !== 'passed'));
  lines.push('', `## Checks (${m.tests.length}; ${differing.length} not passing everywhere)`, '', ...head('check'));
  for (const t of [...differing, ...m.tests.filter((t) => !differing.includes(t))])
    lines.push(`| ${cell(t.name)} | ${rts.map((r) => mark(t.states[r] ?? 'missing')).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
