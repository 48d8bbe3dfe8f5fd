/** `compare` exits 1 on a regression, 0 without, 64 on a bad tolerance or a missing results file. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResults } from '../../helpers/report/compare.js';
import { cli, resetCliTest, tempDir } from '../support/cli-run.js';

afterEach(resetCliTest);

/** A results file whose failover took `moved` seconds. */
function results(dir: string, name: string, moved: number): string {
  const r: RunResults = {
    tests: [
      { name: 'sessions ok', state: 'passed' },
      {
        name: 'failover silent-drop',
        state: 'passed',
        metrics: [{ key: 'failover.moved', name: 'fabric moved to survivors after', value: moved, unit: 's' }],
      },
    ],
  };
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(r));
  return file;
}

describe('compare: 1 on a regression, 0 without, 64 on a bad tolerance', () => {
  it('a typo in --ratio no longer silences the gate', async () => {
    const d = tempDir();
    const base = results(d, 'base.json', 10);
    const now = results(d, 'now.json', 20);
    // The regression as the gate sees it with its default tolerance…
    const gate = await cli('compare', now, base);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/^1 regression against /);
    // …is not turned into "no regression, exit 0" by a value that is not a number.
    const typo = await cli('compare', now, base, '--ratio', 'abc');
    expect(typo.code).toBe(64);
    expect(typo.stdout).not.toMatch(/no regression/);
    expect(typo.stderr).toMatch(/option '--ratio <r>' argument 'abc' is invalid/);
    // A real ratio is read: doubling is within 150 %.
    const loose = await cli('compare', now, base, '--ratio', '1.5');
    expect(loose.code).toBe(0);
    expect(loose.stdout).toMatch(/^no regression against /);
  });

  it('--json: the regressions on stdout, the exit code unchanged', async () => {
    const d = tempDir();
    const base = results(d, 'base.json', 10);
    const now = results(d, 'now.json', 20);
    const r = await cli('compare', now, base, '--json', '--slack', '0');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { regressions: { test: string; what: string }[]; tolerance: object };
    expect(doc.tolerance).toEqual({ ratio: 0.25, slackSeconds: 0 });
    expect(doc.regressions).toEqual([{ test: 'failover silent-drop', what: expect.stringContaining('20') as string }]);
    const same = await cli('compare', base, base, '--json');
    expect(same.code).toBe(0);
    expect((JSON.parse(same.stdout) as { regressions: unknown[] }).regressions).toEqual([]);
  });

  it('a results file that is not there is a usage error naming it (not a crash)', async () => {
    const d = tempDir();
    const r = await cli('compare', join(d, 'missing.json'), results(d, 'base.json', 10));
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`results ${join(d, 'missing.json')}: ENOENT`);
  });

  it('baseline: exit 2 below 10 runs, naming the way out; --provisional builds one that compare names', async () => {
    const d = tempDir();
    const files = [10, 11, 12].map((v, i) => results(d, `run${i}.json`, v));
    const refused = await cli('baseline', ...files);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^baseline: a baseline needs at least 10 runs .* got 3: .*--provisional/);
    const provisional = await cli('baseline', '--provisional', ...files);
    expect(provisional.code).toBe(0);
    const base = join(d, 'baseline.json');
    writeFileSync(base, provisional.stdout);
    const gate = await cli('compare', files[0]!, base);
    expect(gate.code).toBe(0);
    expect(gate.stdout).toMatch(/^no regression against .*\nprovisional: built from 3 runs \(fewer than 10\)/);
  });

  it('a baseline built before bands: the old rule, and the verdict says to regenerate it', async () => {
    const d = tempDir();
    const r = await cli('compare', results(d, 'now.json', 10), results(d, 'base.json', 10));
    expect(r.stdout).toMatch(
      /\nprovisional: built before bands; regenerate \(scripts\/make-baseline\.sh <runtime> 10\)/,
    );
  });
});
