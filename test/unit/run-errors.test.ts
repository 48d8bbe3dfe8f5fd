/**
 * A run is judged by its tests and by what went wrong outside them: vitest's unhandled errors (a
 * config it refused, a crashed worker), an interrupted run, or a run that ran no test at all. Found
 * 2026-12-05: a config vitest refused ("Projects … have different 'maxWorkers' but same
 * 'sequence.groupOrder'") ran no test and the run's last line said PASS.
 */
import { describe, expect, it } from 'vitest';
import { buildSummary, type TestRecord } from '../../helpers/report/run-summary.js';
import { runErrorsOf } from '../../helpers/report/run-reporter.js';
import { verdictOf } from '../../helpers/cli/commands/test.js';
import { renderSummaryMarkdown } from '../../helpers/report/summary-md.js';
import { renderSummaryHtml } from '../../helpers/report/summary-html.js';

const passed: TestRecord = {
  project: 'unit',
  file: 'test/unit/x.test.ts',
  name: 'x > holds',
  state: 'passed',
  metrics: [],
  artefacts: [],
};

describe('errors outside the tests', () => {
  it('a run that ran no test fails, by name', () => {
    const s = buildSummary({ wallSeconds: 5, counts: {}, tests: [] });
    expect(s.verdict).toBe('fail');
    expect(s.runErrors).toEqual(['no test ran: nothing was verified']);
    expect(renderSummaryMarkdown(s)).toMatch(/❌ FAIL[\s\S]*## Errors outside the tests\n\n- ❌ no test ran/);
  });

  it("vitest's unhandled errors and an interruption fail a run whose tests passed", () => {
    const runErrors = runErrorsOf(
      [{ name: 'Error', message: 'Projects "unit" and "lab" have different \'maxWorkers\'\nProvide unique …' }],
      'interrupted',
    );
    expect(runErrors).toEqual([
      `Projects "unit" and "lab" have different 'maxWorkers'`,
      'the run was interrupted before every test ran',
    ]);
    const s = buildSummary({ wallSeconds: 5, counts: { passed: 1 }, tests: [passed], runErrors });
    expect(s.verdict).toBe('fail');
    expect(renderSummaryHtml(s, [])).toMatch(/<h2>Errors outside the tests<\/h2>[\s\S]*maxWorkers/);
    expect(buildSummary({ wallSeconds: 5, counts: { passed: 1 }, tests: [passed] }).verdict).toBe('pass');
    expect(runErrorsOf([{ name: 'TypeError', message: 'x is undefined' }], 'failed')).toEqual([
      'TypeError: x is undefined',
    ]);
  });

  it("`anycast-verify test` says the report's verdict: errors outside the tests by name, even when vitest exited 0", () => {
    expect(verdictOf({ wallSeconds: 5, counts: {}, tests: [] }, 0)).toEqual({
      ok: false,
      verdict: 'FAILED: no test ran: nothing was verified',
    });
    expect(verdictOf({ wallSeconds: 5, counts: { passed: 1 }, tests: [passed] }, 0)).toEqual({
      ok: true,
      verdict: 'passed: 1 of 1 tests',
    });
    expect(verdictOf({ wallSeconds: 5, counts: { passed: 1 }, tests: [passed] }, 1).verdict).toBe(
      'FAILED: vitest exited 1 (an error outside the tests; see the output above)',
    );
  });
});
