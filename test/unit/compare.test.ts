import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  baselineFrom,
  compareRuns,
  GUARDED_COUNTS,
  GUARDED_TIMINGS,
  isGuardedTiming,
  readResults,
  type RunResults,
} from '../../helpers/report/compare.js';
import { isTiming } from '../../helpers/report/metrics.js';
import { FAILOVER_KEYS, REHASH_KEYS } from '../../helpers/report/metric-keys.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const run = (state: string, moved: number, bringUp = 9, movedName = 'fabric moved to survivors after'): RunResults => ({
  lab: { bringUpSeconds: bringUp },
  tests: [
    { name: 'sessions ok', state },
    {
      name: 'failover silent-drop',
      state: 'passed',
      metrics: [
        { key: 'failover.moved', name: movedName, value: moved, unit: 's' },
        { key: 'failover.lost.client', name: 'client: lost', value: 900 },
      ],
    },
  ],
});

/** The same run as a file written before metrics had keys. */
const keyless = (r: RunResults): RunResults =>
  JSON.parse(JSON.stringify(r, (k, v: unknown) => (k === 'key' ? undefined : v))) as RunResults;

describe('compare (the regression gate)', () => {
  it('passes an equal run', () => expect(compareRuns(run('passed', 24), run('passed', 24))).toEqual([]));
  it('flags a check that passed in the baseline and fails now', () =>
    expect(compareRuns(run('failed', 24), run('passed', 24))).toEqual([
      { test: 'sessions ok', what: 'passed in the baseline, failed now' },
    ]));
  it('flags a check that passed in the baseline and is not verified now (missing evidence is no pass)', () => {
    const now = run('skipped', 24);
    now.tests[0]!.note = 'not verified: no intent.yaml';
    expect(compareRuns(now, run('passed', 24))).toEqual([
      { test: 'sessions ok', what: 'passed in the baseline, not verified now: no intent.yaml' },
    ]);
  });
  it('flags a missing check', () =>
    expect(compareRuns({ tests: [] }, run('passed', 24)).map((r) => r.what)).toContain(
      'passed in the baseline, missing now',
    ));
  it('tolerates timing noise within ratio and slack, flags growth beyond', () => {
    expect(compareRuns(run('passed', 30), run('passed', 24))).toEqual([]); // 30 <= 24 × 1.25 + 0.5
    expect(compareRuns(run('passed', 31), run('passed', 24))[0]!.what).toMatch(
      /fabric moved to survivors after: 31\.000 s, baseline 24\.000 s/,
    );
  });
  it('guards a timing by its key: a reworded name still meets its baseline, under its new name', () => {
    expect(
      compareRuns(run('passed', 31, 9, 'traffic left the failed cluster after'), run('passed', 24))[0]!.what,
    ).toMatch(/^traffic left the failed cluster after: 31\.000 s, baseline 24\.000 s/);
  });
  it('allows a timing its own jitter window (a random wait inside it), and no more', () => {
    const jittered = (v: number): RunResults => ({
      tests: [
        {
          name: 'failover silent-drop',
          state: 'passed',
          metrics: [
            { key: 'failover.back', name: 'failed back after restore', value: v, unit: 's', jitterSeconds: 14 },
          ],
        },
      ],
    });
    expect(compareRuns(jittered(6.4), jittered(0.8))).toEqual([]); // 6.4 <= 0.8 × 1.25 + 0.5 + 14
    expect(compareRuns(jittered(16), jittered(0.8))[0]!.what).toMatch(/\+ jitter window 14 s/);
  });
  it('guards each client outage window, and no timing outside the guarded keys', () => {
    const timed = (key: string, v: number): RunResults => ({
      tests: [{ name: 'failover silent-drop', state: 'passed', metrics: [{ key, name: key, value: v, unit: 's' }] }],
    });
    expect(compareRuns(timed('failover.outage.client02', 40), timed('failover.outage.client02', 24))).toHaveLength(1);
    expect(compareRuns(timed('failover.speakerBack', 40), timed('failover.speakerBack', 24))).toEqual([]);
  });
  it('ignores counters and flags a slower bring-up', () => {
    expect(compareRuns(run('passed', 24, 20), run('passed', 24, 9)).map((r) => r.test)).toEqual(['(lab bring-up)']);
  });
  it('names a run whose scenarios ran in another mode than the baseline (how many labs at once)', () => {
    const mode = (copies: number | undefined, lanes?: number): RunResults => ({
      ...run('passed', 24),
      lab: { bringUpSeconds: 9, scenarioLabs: copies, scenarioLanes: lanes },
    });
    const notComparable = (base: string, now: string) => [
      {
        test: '(run mode)',
        what: `not comparable: the baseline ran the fault scenarios ${base}, this run ${now}; compare runs of one mode (--scenario-labs)`,
      },
    ];
    expect(compareRuns(mode(2), mode(0))).toEqual(notComparable('one after another', 'on 2 labs side by side'));
    // One copy used to be one lane; since the run's lab joins the pool it is two: not the same mode.
    expect(compareRuns(mode(1, 2), mode(1))).toEqual(notComparable('one after another', 'on 2 labs side by side'));
    expect(compareRuns(mode(2, 3), mode(2))).toEqual(notComparable('on 2 labs side by side', 'on 3 labs side by side'));
    // The same lanes, either way it is written; a baseline from before the field: not judged.
    expect(compareRuns(mode(2, 3), mode(2, 3))).toEqual([]);
    expect(compareRuns(mode(0, 1), mode(0))).toEqual([]);
    expect(compareRuns(mode(2), mode(undefined))).toEqual([]);
  });
  it('rejects a baseline from before metrics had keys, saying how to regenerate it, instead of passing', () => {
    expect(() => compareRuns(run('passed', 31), keyless(run('passed', 24)))).toThrow(
      /^the baseline was written before metrics had keys .*"failover silent-drop: fabric moved to survivors after".*Regenerate it/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'anycast-verify-compare-'));
    try {
      const file = join(dir, 'netns-trixie.json');
      writeFileSync(file, JSON.stringify(keyless(run('passed', 24))));
      expect(() => readResults(file)).toThrow(`${file} was written before metrics had keys (1 timing without one`);
      expect(() => readResults(file)).toThrow('npx anycast-verify baseline <results.json…> > <baseline>.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('baseline from several runs', () => {
  it('keeps a test passed only if it passed everywhere, and each timing at its worst', () => {
    const b = baselineFrom([run('passed', 24, 9), run('failed', 26, 11), run('passed', 23, 10)]);
    expect(b.tests.find((t) => t.name === 'sessions ok')!.state).toBe('failed');
    expect(b.tests.find((t) => t.name === 'failover silent-drop')!.metrics).toEqual([
      { key: 'failover.moved', name: 'fabric moved to survivors after', value: 26, unit: 's' },
    ]);
    expect(b.lab?.bringUpSeconds).toBe(11);
  });
  it('folds a timing by its key, whatever its name in each run', () => {
    const b = baselineFrom([run('passed', 24), run('passed', 26, 9, 'traffic left the failed cluster after')]);
    expect(b.tests.find((t) => t.name === 'failover silent-drop')!.metrics!.map((m) => [m.key, m.value])).toEqual([
      ['failover.moved', 26],
    ]);
  });
  it('refuses results from before metrics had keys', () => {
    expect(() => baselineFrom([run('passed', 24), keyless(run('passed', 26))])).toThrow(
      /^results file 2 of 2 was written before metrics had keys/,
    );
  });
});

describe('the committed baselines', () => {
  const dir = join(PROJECT_ROOT, 'baselines');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it.each(files)('%s: every timing has a key, a guarded one, once per test', (f) => {
    const b = readResults(join(dir, f));
    const timings = b.tests.flatMap((t) => (t.metrics ?? []).filter(isTiming).map((m) => ({ test: t.name, m })));
    expect(timings.length, 'timings the gate guards in this baseline').toBeGreaterThan(0);
    expect(
      timings.filter(({ m }) => !isGuardedTiming(m)).map(({ test, m }) => `${test}: ${m.key} (${m.name})`),
      'timings without a guarded key',
    ).toEqual([]);
    for (const t of b.tests)
      expect(new Set(t.metrics?.map((m) => m.key)).size, `keys of ${t.name}`).toBe(t.metrics?.length ?? 0);
    expect(compareRuns(b, b)).toEqual([]);
  });

  // The writers are type-checked against the keys (metric-keys.ts); this checks they still
  // write the guarded ones at all (suites 4 and 6 record through these two files).
  it.each([
    ['failover-report', 'FAILOVER_KEYS', FAILOVER_KEYS, GUARDED_TIMINGS],
    ['rehash-report', 'REHASH_KEYS', REHASH_KEYS, GUARDED_COUNTS],
  ] as const)('every guarded key is one %s records', (file, group, keys, guarded) => {
    const suite = readFileSync(join(PROJECT_ROOT, 'helpers', 'report', `${file}.ts`), 'utf8');
    for (const p of guarded) {
      const family = p.endsWith('.*') ? p.slice(0, -1) : undefined;
      const name = Object.entries(keys).find(([, k]) => (typeof k === 'string' ? k === p : k.prefix === family))?.[0];
      expect(name, `${p} is one of ${group}`).toBeDefined();
      const written = family
        ? [`key: \`${family}\${`, `key: ${group}.${name}(`]
        : [`key: '${p}'`, `key: ${group}.${name},`, `(${group}.${name},`];
      expect(
        written.some((w) => suite.includes(w)),
        `${file} writes ${p} as one of: ${written.join(' / ')}`,
      ).toBe(true);
    }
  });
});

describe('the gate on broken connections (suite 4, established connections)', () => {
  const withBroken = (value: number, budget: number): RunResults => ({
    tests: [
      {
        name: 'conns',
        state: 'passed',
        metrics: [
          {
            key: 'rehash.failBack.brokenAfterMove',
            name: 'of them, broken by the fail-back',
            value,
            budget,
            formula: '58 × 0.500 ± 3.89·σ',
          },
        ],
      },
    ],
  });
  it("a count inside the baseline's band passes, above it is a regression naming the band", () => {
    expect(compareRuns(withBroken(40, 44), withBroken(30, 44))).toEqual([]);
    // A baseline that broke nothing on fail-back (resilient hashing: band 0..0) and a run that breaks 30.
    expect(compareRuns(withBroken(30, 44), withBroken(0, 0))).toEqual([
      { test: 'conns', what: expect.stringContaining('of them, broken by the fail-back: 30, baseline 0 (limit 0') },
    ]);
  });
  it("a baseline keeps each count's worst value and widest band", () => {
    const b = baselineFrom([withBroken(30, 44), withBroken(35, 40)]);
    expect(b.tests[0]!.metrics).toEqual([expect.objectContaining({ value: 35, budget: 44 })]);
  });
});
