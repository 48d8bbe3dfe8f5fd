/**
 * Suite 9 (the upgrade rehearsal) is a vitest project of its own: the run's summary still gives it
 * a section like a lab suite's (helpers/report/run-summary.ts), each strategy linked to its report.
 */
import { describe, expect, it } from 'vitest';
import { buildSummary } from '../../helpers/report/run-summary.js';
import { renderSummaryMarkdown } from '../../helpers/report/summary-md.js';

describe('the upgrade rehearsal (its own project) in the summary', () => {
  it('gets a section like a lab suite, each strategy linked to its report and picture', () => {
    const s = buildSummary({
      wallSeconds: 140,
      counts: { passed: 1 },
      tests: [
        {
          project: 'rehearsal',
          file: 'suites/9-rehearsal.test.ts',
          name: 'upgrade rehearsal > plain: every step keeps its bound',
          state: 'passed',
          metrics: [
            { key: 'rehearsal.lost.spine', name: 'spine: requests lost (every client)', value: 901, budget: 1450 },
          ],
          artefacts: ['plain/rehearsal.md', 'plain/rehearsal-plain.svg'],
        },
      ],
    });
    expect(s.projects).toEqual([]);
    expect(s.suites.map((x) => x.title)).toEqual(['9-rehearsal']);
    const md = renderSummaryMarkdown(s);
    expect(md).toContain('[report](plain/rehearsal.md) [picture](plain/rehearsal-plain.svg)');
    expect(md).toMatch(/spine: requests lost \(every client\) 901/);
  });
});
