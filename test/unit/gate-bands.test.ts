/**
 * The gate against a banded baseline: each deterministic waterfall link against max + 10·MAD of
 * its samples, each random wait (GoBGP's dial, the keepalive phase) against its version's window,
 * the totals by the band of what is left without their random wait; `baseline` refuses fewer than
 * 10 runs unless told to build a provisional one, which `compare` then names.
 */
import { describe, expect, it } from 'vitest';
import { bandBaseline, TooFewRunsError } from '../../helpers/report/band-baseline.js';
import { BAND_K, bandOf, LINK_RESOLUTION_MS, median } from '../../helpers/faults/bands.js';
import { gateRuns, type RunResults } from '../../helpers/report/compare.js';
import { limitsTable, verdictText } from '../../helpers/report/gate-text.js';
import { chainMs, link, noise } from '../support/waterfall-metrics.js';

const TEST = "failover: faults on cluster01 > node-link-down: node's link down";

interface Shift {
  /** ms added to a waterfall link, by key. */
  links?: Record<string, number>;
  dialMs?: number;
}

/** Run i of a node-link-down fault on the seed's path cluster01 → leaf2 → spine (trixie: GoBGP 3.36, hold 9, keepalive 3, GR 15). */
function run(i: number, shift: Shift = {}): RunResults {
  const s = (k: string) => shift.links?.[k] ?? 0;
  const holdPhase = 21_500 + ((i * 337) % 2_400); // the keepalive phase: anywhere in [21, 24) s
  const dial = shift.dialMs ?? 300 + ((i * 1_291) % 13_000); // anywhere in [0, 14) s
  const links = [
    link('fault.leaf2.tx', holdPhase, 't0'),
    link('fault.leaf2.fib', holdPhase + 11 + noise(i, 1), 't0', false),
    link('fault.spine.rx', 0.01, 'leaf2.tx'),
    link('fault.spine.fib', 62 + noise(i, 2) + s('fault.spine.fib'), 'spine.rx'),
    link('failBack.cluster01.dial', dial, 't0'),
    link('failBack.cluster01.tx', 2.5 + noise(i, 3) / 2, 'cluster01.dial'),
    link('failBack.leaf2.rx', 0.01, 'cluster01.tx'),
    link('failBack.leaf2.tx', 51 + noise(i, 4) + s('failBack.leaf2.tx'), 'leaf2.rx'),
    link('failBack.leaf2.fib', 62 + noise(i, 5) + s('failBack.leaf2.fib'), 'leaf2.rx', false),
    link('failBack.spine.rx', 0.01, 'leaf2.tx'),
    link('failBack.spine.fib', 61 + noise(i, 6), 'spine.rx'),
  ];
  const sum = (phase: string) => chainMs(links, phase);
  return {
    lab: {
      provider: 'netns',
      versions: { provider: 'netns', runtime: 'trixie', frr: '10.3', gobgp: '3.36.0' },
      timers: [
        {
          node: 'cluster01',
          peer: '192.168.49.101',
          hold: 9,
          keepalive: 3,
          connectRetry: 5,
          gracefulRestart: { restartTimeSeconds: 15 },
        },
      ],
    },
    tests: [
      {
        name: TEST,
        state: 'passed',
        metrics: [
          {
            key: 'failover.moved',
            name: 'fabric moved to survivors after',
            value: sum('fault') / 1000,
            unit: 's',
            budget: 25,
            formula: 'hold 9 s + GR restart time 15 s (N-bit: hold expiry keeps stale routes) + 2 hops × 0.5 s',
            jitterSeconds: 3,
          },
          {
            key: 'failover.back',
            name: 'failed back after restore',
            value: sum('failBack') / 1000,
            unit: 's',
            budget: 15,
            jitterSeconds: 14,
          },
          ...links,
        ],
      },
    ],
  };
}

const runs = (n: number) => Array.from({ length: n }, (_, i) => run(i));

describe('the band of a deterministic link: max + 10·MAD, floored at the resolution', () => {
  it('is the max plus K MADs, and one resolution step when every sample is equal', () => {
    const b = bandOf([62, 62.5, 63, 61.5, 62], LINK_RESOLUTION_MS);
    expect([b.n, b.median, b.mad, b.max]).toEqual([5, 62, 0.5, 63]);
    expect(b.upper).toBeCloseTo(63 + BAND_K * 0.5);
    expect(bandOf([0.01, 0.01, 0.01], LINK_RESOLUTION_MS).upper).toBeCloseTo(0.02);
    expect(median([3, 1, 2, 4])).toBe(2.5);
  });

  it("flags none of the baseline's own runs", () => {
    const base = bandBaseline(runs(12));
    for (const r of runs(12)) expect(gateRuns(r, base).regressions).toEqual([]);
  });

  it("flags a +50 ms slower hop at one router, naming fault, router, phase, value, band and the baseline's n", () => {
    const base = bandBaseline(runs(10));
    const v = gateRuns(run(3, { links: { 'failBack.leaf2.tx': 50 } }), base);
    // The link, and the fail-back total it is on the chain of (its rest without the dial grew by the same 50 ms).
    expect(v.regressions.map((r) => r.what.split(':')[0])).toEqual([
      'node-link-down fail-back at leaf2',
      'node-link-down failed back after restore',
    ]);
    expect(v.regressions[0]!.what).toMatch(
      /^node-link-down fail-back at leaf2: tx after leaf2\.rx: 10\d\.\d\d ms, above its band ≤ 5\d\.\d\d ms \(baseline n 10: median .*\[waterfall\.failBack\.leaf2\.tx\]$/,
    );
    // The same +50 ms at the spine's FIB of the move names the spine and the move.
    expect(gateRuns(run(3, { links: { 'fault.spine.fib': 50 } }), base).regressions[0]!.what).toMatch(
      /^node-link-down move at spine: fib after spine\.rx: 11\d\.\d\d ms, above its band/,
    );
  });

  it("flags a total whose rest, without this run's random wait, left the band of the rests (the old rule allowed × 1.25 + 0.5 s + 14 s)", () => {
    const base = bandBaseline(runs(10));
    // The dial late in its window (13.9 s, in it) and 0.5 s more fabric work: 14.5 s, against 13.9 s + the rests' band.
    const what = gateRuns(run(4, { dialMs: 13_900, links: { 'failBack.leaf2.tx': 500 } }), base).regressions.map(
      (r) => r.what,
    );
    expect(what).toContainEqual(
      expect.stringMatching(
        /^node-link-down failed back after restore: 14\.\d{3} s, limit 14\.0\d\d s: the rest without the random wait, judged against its window \(13\.900 s this run\)/,
      ),
    );
    // The same dial with the fabric as fast as ever passes: the dial is GoBGP's, not a regression.
    expect(gateRuns(run(4, { dialMs: 13_900 }), base).regressions).toEqual([]);
  });
});

describe("a link's band allows twice the largest excursion its kind showed in the baseline", () => {
  // Run 5 of the baseline had one FIB install 3 ms late (at leaf2, fail-back): E(fib) ≈ 2.5 ms above that link's median.
  const withExcursion = () => runs(10).map((r, i) => (i === 5 ? run(5, { links: { 'failBack.leaf2.fib': 3 } }) : r));

  it('passes another FIB link 4.5 ms late (within 2·E), naming E in the band; a +20 ms one is flagged', () => {
    const base = bandBaseline(withExcursion());
    const late = gateRuns(run(20, { links: { 'fault.spine.fib': 4.5 } }), base);
    expect(late.regressions).toEqual([]);
    expect(late.checks.find((c) => c.key === 'waterfall.fault.spine.fib')!.rule).toMatch(
      /, E 2\.\d\d; max \+ max\(10·MAD, 2·E of its kind, resolution\)\)$/,
    );
    const slow = gateRuns(run(20, { links: { 'fault.spine.fib': 20 } }), base).regressions.map((r) => r.what);
    expect(slow[0]).toMatch(/^node-link-down move at spine: fib after spine\.rx: 8\d\.\d\d ms, above its band/);
  });

  it('a kind that never strayed keeps the tight band: the same 4.5 ms is flagged against a calm baseline', () => {
    const what = gateRuns(run(20, { links: { 'fault.spine.fib': 4.5 } }), bandBaseline(runs(10))).regressions;
    expect(what.map((r) => r.what.split(':')[0])).toContain('node-link-down move at spine');
  });
});

describe('a random wait is held to its window, not a band', () => {
  it("a dial anywhere in GoBGP 3.36's [0, 14) s after a hold-timer fault passes, however far from the baseline's", () => {
    const base = bandBaseline(runs(10));
    expect(gateRuns(run(1, { dialMs: 13_900 }), base).regressions).toEqual([]);
    expect(gateRuns(run(1, { dialMs: 5 }), base).regressions).toEqual([]);
  });

  it('a dial past the window (the retry cycle changed) is flagged with the window and its source', () => {
    const what = gateRuns(run(1, { dialMs: 16_000 }), bandBaseline(runs(10))).regressions.map((r) => r.what);
    expect(what[0]).toMatch(
      /^node-link-down fail-back at cluster01: dial after t0: 16000\.00 ms, outside its window \[0\.00, 140\d\d\.\d\d\] ms: random wait in \[0, 14\) s \(a hanging dial ≤ 4 s \+ the next retry ≤ 10 s \(GoBGP 3\.36\.0 retry/,
    );
  });

  it("the window follows the run's GoBGP version (v4.8.0: dial timeout 4 s + retry ≤ 5 s)", () => {
    const v4 = run(1, { dialMs: 12_000 });
    v4.lab!.versions!.gobgp = '4.8.0';
    const base = bandBaseline(runs(10));
    expect(gateRuns(v4, base).versions).toBe(
      "versions: gobgp 3.36.0 → 4.8.0 since the baseline; links are held to the baseline's bands, random waits to this run's windows",
    );
    expect(gateRuns(v4, base).regressions.map((r) => r.what)[0]).toMatch(
      /outside its window \[0\.00, 90\d\d\.\d\d\] ms/,
    );
  });

  it('every limit the gate prints is below the suite budget, and the table shows both', () => {
    const v = gateRuns(run(2), bandBaseline(runs(10)));
    expect(v.checks.filter((c) => c.budget !== undefined && c.limit >= c.budget)).toEqual([]);
    expect(verdictText(v, 'netns-trixie.json')).toMatch(
      /^no regression against netns-trixie\.json\nguarded: 11 waterfall links \(3 random waits in their windows\), 2 totals; every limit below the suite's budget\n$/,
    );
    expect(limitsTable(v.checks)).toMatch(
      /\| node-link-down \| failover\.back \| .* \| ≤ 3\.\d{3} s \| 15\.000 s \(the suite budget\) \|/,
    );
  });
});

describe('baseline: at least 10 runs, or marked provisional', () => {
  it('refuses fewer than 10 runs, saying how to get more', () => {
    expect(() => bandBaseline(runs(9))).toThrow(TooFewRunsError);
    expect(() => bandBaseline(runs(9))).toThrow(
      /at least 10 runs .* got 9: .*scripts\/make-baseline\.sh .*--provisional/,
    );
  });

  it('builds a provisional one when asked, and compare says so in its verdict', () => {
    const base = bandBaseline(runs(3), { provisional: true });
    expect(base.provisional).toBe('built from 3 runs (fewer than 10): its bands are too narrow to trust');
    const v = gateRuns(run(1), base);
    expect(v.provisional).toMatch(/^provisional: built from 3 runs/);
    expect(verdictText(v, 'b.json').split('\n')[1]).toMatch(/^provisional: built from 3 runs/);
  });

  it("keeps every run's sample per guarded value, in run order, and the lab", () => {
    const base = bandBaseline(runs(10));
    const m = base.tests[0]!.metrics!.find((x) => x.key === 'waterfall.failBack.leaf2.tx')!;
    expect(m.samples).toHaveLength(10);
    expect(m.samples![3]).toBe(run(3).tests[0]!.metrics!.find((x) => x.key === m.key)!.value);
    expect(base.lab?.versions?.gobgp).toBe('3.36.0');
    expect([base.format, base.runs]).toEqual([2, 10]);
  });

  it('refuses runs of different labs (a band across versions would band the bump)', () => {
    const other = run(9);
    other.lab!.versions!.gobgp = '4.8.0';
    expect(() => bandBaseline([...runs(9), other])).toThrow(/different labs.*gobgp 3\.36\.0.*gobgp 4\.8\.0/);
  });
});

describe('a baseline built before bands (the committed ones until regenerated)', () => {
  it('is named provisional with how to regenerate it, and its totals keep the old rule', () => {
    const legacy: RunResults = { tests: [{ ...run(0).tests[0]!, metrics: run(0).tests[0]!.metrics!.slice(0, 2) }] };
    const v = gateRuns(run(1), legacy);
    expect(v.provisional).toMatch(/^provisional: built before bands; regenerate \(scripts\/make-baseline\.sh/);
    expect(v.checks).toEqual([]);
  });
});
