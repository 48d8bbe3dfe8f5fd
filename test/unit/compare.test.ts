import { describe, expect, it } from 'vitest';
import { baselineFrom, compareRuns, type RunResults } from '../../helpers/report/compare.js';

const run = (state: string, moved: number, bringUp = 9): RunResults => ({
  lab: { bringUpSeconds: bringUp },
  tests: [
    { name: 'sessions ok', state },
    { name: 'failover silent-drop', state: 'passed', metrics: [{ name: 'fabric moved to survivors after', value: moved, unit: 's' }, { name: 'client: lost', value: 900 }] },
  ],
});

describe('compare (the regression gate)', () => {
  it('passes an equal run', () => expect(compareRuns(run('passed', 24), run('passed', 24))).toEqual([]));
  it('flags a check that passed in the baseline and fails now', () => expect(compareRuns(run('failed', 24), run('passed', 24))).toEqual([{ test: 'sessions ok', what: 'passed in the baseline, failed now' }]));
  it('flags a missing check', () => expect(compareRuns({ tests: [] }, run('passed', 24)).map((r) => r.what)).toContain('passed in the baseline, missing now'));
  it('tolerates timing noise within ratio and slack, flags growth beyond', () => {
    expect(compareRuns(run('passed', 30), run('passed', 24))).toEqual([]); // 30 <= 24 × 1.25 + 0.5
    expect(compareRuns(run('passed', 31), run('passed', 24))[0]!.what).toMatch(/fabric moved to survivors after: 31\.000 s, baseline 24\.000 s/);
  });
  it('allows a timing its own jitter window (a random wait inside it), and no more', () => {
    const jittered = (v: number): RunResults => ({ tests: [{ name: 'failover silent-drop', state: 'passed', metrics: [{ name: 'failed back after restore', value: v, unit: 's', jitterSeconds: 14 }] }] });
    expect(compareRuns(jittered(6.4), jittered(0.8))).toEqual([]); // 6.4 <= 0.8 × 1.25 + 0.5 + 14
    expect(compareRuns(jittered(16), jittered(0.8))[0]!.what).toMatch(/\+ jitter window 14 s/);
  });
  it('ignores counters and flags a slower bring-up', () => {
    expect(compareRuns(run('passed', 24, 20), run('passed', 24, 9)).map((r) => r.test)).toEqual(['(lab bring-up)']);
  });
});

describe('baseline from several runs', () => {
  it('keeps a test passed only if it passed everywhere, and each timing at its worst', () => {
    const b = baselineFrom([run('passed', 24, 9), run('failed', 26, 11), run('passed', 23, 10)]);
    expect(b.tests.find((t) => t.name === 'sessions ok')!.state).toBe('failed');
    expect(b.tests.find((t) => t.name === 'failover silent-drop')!.metrics).toEqual([{ name: 'fabric moved to survivors after', value: 26, unit: 's' }]);
    expect(b.lab?.bringUpSeconds).toBe(11);
  });
});
