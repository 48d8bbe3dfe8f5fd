/**
 * vitest reporter that writes the run report, every run:
 *   reports/results.json   every test with state, duration and measured metrics, plus the
 *                          lab's versions, hash policy and timers (reports/lab.json)
 *   reports/summary.md     what a reader wants first: verdict, failures, one row per claim
 *                          and per failover fault ($GITHUB_STEP_SUMMARY-ready)
 *   reports/index.html     the same as a self-contained page, with the failover timelines
 * JUnit XML comes from vitest's own junit reporter (reports/junit.xml).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node';
import { reportsDir } from './reports-dir.js';
import { readLabInfo } from './lab-info.js';
import { buildSummary, claimOf, notRunAside, type TestRecord } from './run-summary.js';
import { renderSummaryMarkdown } from './summary-md.js';
import { renderSummaryHtml } from './summary-html.js';

export default class RunReporter implements Reporter {
  private root = process.cwd();
  private started = Date.now();

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.started = Date.now();
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError> = [],
    reason: TestRunEndReason = 'passed',
  ): void {
    const dir = reportsDir(this.root);
    mkdirSync(dir, { recursive: true });
    const tests: TestRecord[] = [];
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const r = t.result();
        const meta = t.meta();
        tests.push({
          project: t.project.name,
          file: m.relativeModuleId,
          name: t.fullName,
          state: r.state,
          durationMs: t.diagnostic()?.duration,
          error: r.errors?.[0]?.message?.split('\n')[0],
          note: r.state === 'skipped' ? r.note : undefined,
          metrics: meta.metrics ?? [],
          artefacts: meta.artefacts ?? [],
        });
      }
    }
    // Only this run's: a unit-only run, or one whose bring-up failed, must not report an older lab.
    const labRead = readLabInfo(dir, { since: this.started });
    const lab = labRead.status === 'ok' ? labRead.info : undefined;
    // A damaged file, or none from a run whose lab suites ran, is said; the report goes on without the lab line.
    if (labRead.status === 'malformed' || (labRead.status === 'missing' && tests.some((t) => t.project === 'lab')))
      process.stderr.write(`anycast-verify: ${labRead.problem}; the report has no lab versions\n`);
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 } as Record<string, number>;
    for (const t of tests) counts[t.state] = (counts[t.state] ?? 0) + 1;
    const results = {
      startedAt: new Date(this.started).toISOString(),
      wallSeconds: (Date.now() - this.started) / 1000,
      counts,
      lab,
      tests,
      runErrors: runErrorsOf(unhandledErrors, reason),
    };
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2));
    const doc = buildSummary(results);
    writeFileSync(join(dir, 'summary.md'), renderSummaryMarkdown(doc));
    const timelines = tests.flatMap((t) =>
      t.artefacts.filter((a) => a.endsWith('.svg')).map((href) => ({ title: claimOf(t.name), href })),
    );
    writeFileSync(join(dir, 'index.html'), renderSummaryHtml(doc, timelines));
    // The last lines of a run: the verdict and where to read why.
    const c = doc.counts;
    process.stdout.write(
      `\nanycast-verify: ${doc.verdict === 'pass' ? 'PASS' : 'FAIL'}: ${c.passed} passed, ${c.failed} failed${notRunAside(c) ? `, ${notRunAside(c)}` : ''}${doc.runErrors.length ? `; ${doc.runErrors.join('; ')}` : ''}\n` +
        `anycast-verify: report: ${relative(process.cwd(), join(dir, 'index.html')) || 'index.html'} (summary.md, results.json beside it)\n`,
    );
  }
}

/** The run's errors outside any test, one line each (the first line of each message). */
export function runErrorsOf(unhandled: ReadonlyArray<{ message?: string; name?: string }>, reason: string): string[] {
  return [
    ...unhandled.map((e) => `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${(e.message ?? '').split('\n')[0]}`),
    ...(reason === 'interrupted' ? ['the run was interrupted before every test ran'] : []),
  ];
}
