import { describe, expect, it } from 'vitest';
import { buildMatrix, matrixMarkdown } from '../../helpers/report/matrix.js';

const run = (frr: string, crashBack: number, md5: string) => ({
  lab: { versions: { frr, gobgp: frr === '8.4.4' ? '3.10.0' : '3.36.0' }, bringUpSeconds: 3 },
  tests: [
    { name: 'failover > speaker-crash', state: 'passed', metrics: [{ name: 'failed back after restore', value: crashBack, unit: 's', budget: 12, formula: 'f' }] },
    { name: 'sessions > md5', state: md5, metrics: [] },
  ],
});

describe('the version matrix', () => {
  const m = buildMatrix([
    { runtime: 'bookworm', results: run('8.4.4', 8.3, 'passed') },
    { runtime: 'trixie', results: run('10.3', 1.9, 'failed') },
  ]);

  it('puts each check and each timing side by side per runtime', () => {
    expect(m.tests.find((t) => t.name === 'sessions > md5')?.states).toEqual({ bookworm: 'passed', trixie: 'failed' });
    expect(m.timings[0]?.values.trixie).toEqual({ value: 1.9, budget: 12, formula: 'f' });
    expect(m.runtimes.map((r) => [r.runtime, r.versions.frr, r.failed])).toEqual([['bookworm', '8.4.4', 0], ['trixie', '10.3', 1]]);
  });

  it('flags a check that stops passing as worse, and a timing that shrank as better, between neighbours', () => {
    expect(m.changes).toHaveLength(1);
    expect(m.changes[0]!.worse.map((w) => w.test)).toEqual(['sessions > md5']);
    expect(m.changes[0]!.better.map((b) => b.test)).toEqual(['failover > speaker-crash']);
    const md = matrixMarkdown(m);
    expect(md).toContain('bookworm → trixie **worse**: sessions > md5');
    expect(md).toContain('| sessions > md5 | pass | **FAIL** |');
  });
});
