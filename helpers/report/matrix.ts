/**
 * The version matrix: the lab suites' results on several runtimes side by side (every check
 * pass/fail, every timing with its budget), and the `compare` rules applied between
 * neighbouring runtimes, so a behaviour that changes from one FRR/GoBGP version to the next
 * is flagged as such.
 */
import { compareRuns, type Regression, type RunResults, type Tolerance, DEFAULT_TOLERANCE } from './compare.js';
import type { Metric } from './metrics.js';

/** Report entries the matrix owns; a suite run's global setup leaves them alone. */
export const MATRIX_REPORT_ENTRIES = ['matrix', 'matrix.md', 'matrix.json'];

export interface MatrixColumn {
  runtime: string;
  results: RunResults & { counts?: Record<string, number> };
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
  runtimes: { runtime: string; versions: Record<string, string>; passed: number; failed: number; bringUpSeconds?: number }[];
  tests: { name: string; states: Record<string, string> }[];
  timings: { test: string; metric: string; values: Record<string, { value: number; budget?: number; formula?: string } | undefined> }[];
  changes: MatrixChange[];
}

const isTiming = (m: Metric) => m.unit === 's' && typeof m.value === 'number' && m.budget !== undefined;

export function buildMatrix(cols: MatrixColumn[], tol: Tolerance = DEFAULT_TOLERANCE): Matrix {
  const names = [...new Set(cols.flatMap((c) => c.results.tests.map((t) => t.name)))];
  const tests = names.map((name) => ({ name, states: Object.fromEntries(cols.map((c) => [c.runtime, c.results.tests.find((t) => t.name === name)?.state ?? 'missing'])) }));
  const timings: Matrix['timings'] = [];
  for (const name of names) {
    const metrics = [...new Set(cols.flatMap((c) => (c.results.tests.find((t) => t.name === name)?.metrics ?? []).filter(isTiming).map((m) => m.name)))];
    for (const metric of metrics) {
      const values = Object.fromEntries(
        cols.map((c) => {
          const m = c.results.tests.find((t) => t.name === name)?.metrics?.find((x) => x.name === metric);
          return [c.runtime, m && typeof m.value === 'number' ? { value: m.value, budget: m.budget, formula: m.formula } : undefined];
        }),
      );
      timings.push({ test: name, metric, values });
    }
  }
  const changes: MatrixChange[] = [];
  for (let i = 1; i < cols.length; i++) {
    const a = cols[i - 1]!;
    const b = cols[i]!;
    changes.push({ from: a.runtime, to: b.runtime, worse: compareRuns(b.results, a.results, tol), better: compareRuns(a.results, b.results, tol) });
  }
  return {
    runtimes: cols.map((c) => ({
      runtime: c.runtime,
      versions: c.results.lab?.versions ?? {},
      passed: c.results.tests.filter((t) => t.state === 'passed').length,
      failed: c.results.tests.filter((t) => t.state === 'failed').length,
      bringUpSeconds: c.results.lab?.bringUpSeconds,
    })),
    tests,
    timings,
    changes,
  };
}

const mark = (state: string) => (state === 'passed' ? 'pass' : state === 'failed' ? '**FAIL**' : state);
const cell = (s: string) => s.replace(/\|/g, '\\|');

export function matrixMarkdown(m: Matrix): string {
  const rts = m.runtimes.map((r) => r.runtime);
  const head = (first: string) => [`| ${first} | ${rts.join(' | ')} |`, `|---|${rts.map(() => '---').join('|')}|`];
  const lines = ['# anycast-verify version matrix', ''];
  lines.push(...head('runtime'));
  lines.push(`| FRR | ${m.runtimes.map((r) => r.versions.frr ?? '?').join(' | ')} |`);
  lines.push(`| GoBGP | ${m.runtimes.map((r) => r.versions.gobgp ?? '?').join(' | ')} |`);
  lines.push(`| result | ${m.runtimes.map((r) => `${r.passed} passed, ${r.failed} failed`).join(' | ')} |`);
  lines.push(`| bring-up to converged | ${m.runtimes.map((r) => (r.bringUpSeconds !== undefined ? `${r.bringUpSeconds.toFixed(2)} s` : '-')).join(' | ')} |`, '');
  lines.push('## Timings (value / budget)', '', ...head('test: metric'));
  for (const t of m.timings) {
    lines.push(`| ${cell(`${t.test}: ${t.metric}`)} | ${rts.map((r) => (t.values[r] ? `${t.values[r]!.value.toFixed(2)} / ${t.values[r]!.budget?.toFixed(1) ?? '-'} s` : '-')).join(' | ')} |`);
  }
  lines.push('', '## Behaviour changes between neighbouring runtimes', '');
  for (const c of m.changes) {
    if (c.worse.length === 0 && c.better.length === 0) lines.push(`- ${c.from} → ${c.to}: no change beyond the compare tolerance`);
    for (const w of c.worse) lines.push(`- ${c.from} → ${c.to} **worse**: ${w.test}: ${w.what.replace('baseline', c.from).replace('now', c.to)}`);
    for (const b of c.better) lines.push(`- ${c.from} → ${c.to} better: ${b.test}: ${b.what.replace('baseline', c.to).replace('now', c.from)}`);
  }
  const differing = m.tests.filter((t) => new Set(Object.values(t.states)).size > 1 || Object.values(t.states).some((s) => s !== 'passed'));
  lines.push('', `## Checks (${m.tests.length}; ${differing.length} not passing everywhere)`, '', ...head('check'));
  for (const t of [...differing, ...m.tests.filter((t) => !differing.includes(t))]) lines.push(`| ${cell(t.name)} | ${rts.map((r) => mark(t.states[r] ?? 'missing')).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
