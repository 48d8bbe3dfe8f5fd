/**
 * scripts/gate.sh, the regression gate as CI runs it whatever the tests' outcome: its verdict
 * goes to stdout, reports/compare.txt and the end of reports/summary.md; a slower failover is
 * a regression (exit 1); a run that left no results.json is "not verified" (exit 2), never a pass.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/lab-copy.js';
import { bandBaseline } from '../../helpers/report/band-baseline.js';
import type { RunResults } from '../../helpers/report/compare.js';

const dir = mkdtempSync(join(tmpdir(), 'av-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const baseline = join(PROJECT_ROOT, 'baselines', 'netns-trixie.json');
const gate = (results: string) =>
  spawnSync('bash', [join(PROJECT_ROOT, 'scripts', 'gate.sh'), results, baseline], { encoding: 'utf8' });

describe('scripts/gate.sh', () => {
  it('passes the baseline against itself and appends the verdict to the summary', () => {
    writeFileSync(join(dir, 'results.json'), readFileSync(baseline));
    writeFileSync(join(dir, 'summary.md'), '# run\n');
    const r = gate(join(dir, 'results.json'));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(
      /## Regression gate \(against netns-trixie.json\)[\s\S]*no regression/,
    );
    expect(readFileSync(join(dir, 'compare.txt'), 'utf8')).toMatch(/no regression/);
    // The committed baselines predate bands: the verdict says so until they are regenerated.
    expect(r.stdout).toMatch(/provisional: built before bands; regenerate/);
  });

  it('fails a run whose failover got three times slower, naming the timing', () => {
    const run = JSON.parse(readFileSync(baseline, 'utf8')) as {
      tests: { metrics?: { key: string; value: unknown }[] }[];
    };
    for (const t of run.tests)
      for (const m of t.metrics ?? []) if (m.key === 'failover.moved') m.value = Number(m.value) * 3;
    writeFileSync(join(dir, 'results.json'), JSON.stringify(run));
    const r = gate(join(dir, 'results.json'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/failover\.moved|moved/);
  });

  it("folds the table of every guarded link under the verdict: the gate's limit next to the suite's budget", () => {
    const results = {
      tests: [
        {
          name: 'failover > vip-withdrawn: VIP withdrawn by the cluster (advertisement removed)',
          state: 'passed',
          metrics: [
            { key: 'failover.moved', name: 'moved after', value: 0.2, unit: 's', budget: 1 },
            {
              key: 'waterfall.fault.spine.rx',
              name: 'move: spine rx after t0',
              value: 138,
              unit: 'ms',
              link: { after: 't0', critical: true },
            },
            {
              key: 'waterfall.fault.spine.fib',
              name: 'move: spine fib after spine.rx',
              value: 62,
              unit: 'ms',
              link: { after: 'spine.rx', critical: true },
            },
          ],
        },
      ],
    };
    const banded = join(dir, 'banded.json');
    writeFileSync(banded, JSON.stringify(bandBaseline([results as RunResults], { provisional: true })));
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
    writeFileSync(join(dir, 'summary.md'), '# run\n');
    const r = spawnSync('bash', [join(PROJECT_ROOT, 'scripts', 'gate.sh'), join(dir, 'results.json'), banded], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/```\nno regression against .*\nprovisional: built from 1 run [^`]*```\n\n<details>/);
    expect(summary).toMatch(
      /\| vip-withdrawn \| waterfall\.fault\.spine\.fib \| 62\.00 ms \| ≤ 62\.01 ms \| \d+\.\d\d ms \(per-hop allowance/,
    );
    expect(readFileSync(join(dir, 'compare.txt'), 'utf8')).not.toMatch(/\| fault/);
    // The fault's waterfall drawn with its bands, linked from the summary.
    expect(summary).toMatch(/waterfall against its bands: \[gate\/vip-withdrawn\.svg\]\(gate\/vip-withdrawn\.svg\)/);
    expect(readFileSync(join(dir, 'gate', 'vip-withdrawn.svg'), 'utf8')).toContain('62.0 ms (band ≤ 62.0 ms)');
  });

  it('says "not verified" and fails when the suites left no results', () => {
    const r = gate(join(dir, 'none', 'results.json'));
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^not verified: .*does not exist/);
    expect(readFileSync(join(dir, 'none', 'summary.md'), 'utf8')).toMatch(/not verified/);
    rmSync(join(dir, 'none'), { recursive: true, force: true });
  });
});
