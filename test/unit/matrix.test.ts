import { describe, expect, it } from 'vitest';
import { buildMatrix, matrixMarkdown } from '../../helpers/report/matrix.js';

const run = (frr: string, crashBack: number, md5: string, backName = 'failed back after restore') => ({
  lab: { versions: { frr, gobgp: frr === '8.4.4' ? '3.10.0' : '3.36.0' }, bringUpSeconds: 3 },
  tests: [
    {
      name: 'failover > speaker-crash',
      state: 'passed',
      metrics: [{ key: 'failover.back', name: backName, value: crashBack, unit: 's', budget: 12, formula: 'f' }],
    },
    { name: 'sessions > md5', state: md5, metrics: [] },
  ],
});

describe('the version matrix', () => {
  const m = buildMatrix([
    { runtime: 'bookworm', runs: [run('8.4.4', 8.3, 'passed'), run('8.4.4', 5.1, 'passed')] },
    { runtime: 'trixie', runs: [run('10.3', 1.9, 'failed'), run('10.3', 1.2, 'passed')] },
  ]);

  it('puts each check and each timing side by side per runtime, over every run', () => {
    expect(m.tests.find((t) => t.name === 'sessions > md5')?.states).toEqual({
      bookworm: 'passed',
      trixie: 'failed 1/2',
    });
    expect(m.timings[0]?.values.trixie).toEqual({ min: 1.2, max: 1.9, budget: 12, formula: 'f' });
    expect(m.runtimes.map((r) => [r.runtime, r.versions.frr, r.runs, r.failed])).toEqual([
      ['bookworm', '8.4.4', 2, 0],
      ['trixie', '10.3', 2, 1],
    ]);
  });

  it('flags a check that stops passing as worse, and a timing whose worst shrank as better, between neighbours', () => {
    expect(m.changes).toHaveLength(1);
    expect(m.changes[0]!.worse.map((w) => w.test)).toEqual(['sessions > md5']);
    expect(m.changes[0]!.better.map((b) => b.test)).toEqual(['failover > speaker-crash']);
    const md = matrixMarkdown(m);
    expect(md).toContain('bookworm → trixie **worse**: sessions > md5');
    expect(md).toContain('| sessions > md5 | pass | **FAILED 1/2** |');
    expect(md).toContain(
      '| failover > speaker-crash: failed back after restore | 5.10–8.30 / 12.0 s | 1.20–1.90 / 12.0 s |',
    );
  });

  it('lines a timing up by its key when its name was reworded between versions', () => {
    const r = buildMatrix([
      { runtime: 'a', runs: [run('8.4.4', 8.3, 'passed')] },
      { runtime: 'b', runs: [run('10.3', 1.2, 'passed', 'traffic back after the restore')] },
    ]);
    expect(r.timings.map((t) => [t.key, t.metric, t.values.a?.max, t.values.b?.max])).toEqual([
      ['failover.back', 'failed back after restore', 8.3, 1.2],
    ]);
    expect(r.changes[0]!.better.map((b) => b.what)).toEqual([
      expect.stringMatching(/^failed back after restore: 8\.300 s, baseline 1\.200 s/),
    ]);
  });

  it('does not call jitter a change: timings compare at their worst over the runs', () => {
    // One run of 0.7 s against one of 5.3 s is GoBGP's retry timer, not a version change.
    const j = buildMatrix([
      { runtime: 'a', runs: [run('8.4.4', 0.7, 'passed'), run('8.4.4', 6.0, 'passed')] },
      { runtime: 'b', runs: [run('10.3', 5.3, 'passed'), run('10.3', 2.0, 'passed')] },
    ]);
    expect(j.changes[0]!.worse).toEqual([]);
  });
});
