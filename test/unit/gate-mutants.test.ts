/**
 * The gate-mutant harness's judgement (test/gate-mutants/judge.ts) and the gate rules it leans
 * on for vip-withdrawn: the fault's own injection (the command reaching the speaker) is not a
 * guarded link and is taken out of the moved and back times, so its load-driven spread neither
 * flags a clean run nor hides a slower hop; a planted +50 ms at one router's FIB is flagged
 * there, in both phases, and nowhere else; every clean run passes against the others.
 */
import { describe, expect, it } from 'vitest';
import { bandBaseline } from '../../helpers/report/band-baseline.js';
import { gateRuns, type RunResults } from '../../helpers/report/compare.js';
import { chainMs, link, noise } from '../support/waterfall-metrics.js';
import { flagsOf, hits, judgeClean, judgePlant, verdictTables, allCaught } from '../gate-mutants/judge.js';
import { plantsFor } from '../gate-mutants/plants.js';

const TEST = 'failover: faults on cluster01 > vip-withdrawn: VIP withdrawn by the cluster (advertisement removed)';

/** Run i of vip-withdrawn on the seed's path; `slow` adds ms to links by key; the injection spreads 100-300 ms. */
function run(i: number, slow: Record<string, number> = {}): RunResults {
  const s = (k: string) => slow[k] ?? 0;
  const inject = (phase: number) => 100 + ((i * 613 + phase * 211) % 200);
  const links = ['fault', 'failBack'].flatMap((p, j) => [
    link(`${p}.cluster01.tx`, inject(j), 't0'),
    link(`${p}.leaf2.rx`, 0.02, 'cluster01.tx'),
    link(`${p}.leaf2.tx`, 50.8 + noise(i, 1 + j) / 4 + s(`${p}.leaf2.tx`), 'leaf2.rx'),
    link(`${p}.leaf2.fib`, 63.5 + noise(i, 3 + j) + s(`${p}.leaf2.fib`), 'leaf2.rx', false),
    link(`${p}.spine.rx`, 0.01, 'leaf2.tx'),
    link(`${p}.spine.fib`, 61.5 + noise(i, 5 + j) + s(`${p}.spine.fib`), 'spine.rx'),
  ]);
  const total = (p: string) => chainMs(links, p) / 1000;
  return {
    lab: { provider: 'netns', versions: { provider: 'netns', runtime: 'trixie', frr: '10.3', gobgp: '3.36.0' } },
    tests: [
      {
        name: TEST,
        state: 'passed',
        metrics: [
          {
            key: 'failover.moved',
            name: 'fabric moved to survivors after',
            value: total('fault'),
            unit: 's',
            budget: 1,
          },
          { key: 'failover.back', name: 'failed back after restore', value: total('failBack'), unit: 's', budget: 1 },
          ...links,
        ],
      },
    ],
  } as RunResults;
}
const runs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => run(i + from));
const plants = plantsFor({ ecmpRouter: 'spine', leaf: 'leaf2' });
const spine50 = plants.find((p) => p.name === 'fib+50ms@spine')!;

describe("vip-withdrawn: the fault's own injection", () => {
  it('is reported but not guarded, and its spread (100-300 ms) flags nothing, in the links or the totals', () => {
    const v = gateRuns(run(20), bandBaseline(runs(10)));
    expect(v.regressions).toEqual([]);
    const inj = v.checks.find((c) => c.key === 'waterfall.fault.cluster01.tx')!;
    expect(inj.rule).toMatch(/^not guarded: the fault's own injection/);
    expect(v.checks.find((c) => c.key === 'failover.moved')!.rule).toMatch(
      /^the rest without the fault's own injection/,
    );
  });

  it('does not hide a slower hop: +50 ms at the spine flags the link and the moved time', () => {
    const what = gateRuns(run(20, { 'fault.spine.fib': 50 }), bandBaseline(runs(10))).regressions.map((r) => r.what);
    expect(what.map((w) => w.split(':')[0])).toEqual([
      'vip-withdrawn move at spine',
      'vip-withdrawn fabric moved to survivors after',
    ]);
  });
});

describe('gate-mutant judgement', () => {
  it('every clean run, against a baseline of the others (leave one out), is flagged nowhere', () => {
    const clean = judgeClean(runs(11).map((results, i) => ({ label: `clean-${i + 1}`, results })));
    expect(clean.map((c) => c.baselineRuns)).toEqual(Array(11).fill(10));
    expect(clean.flatMap((c) => c.flags)).toEqual([]);
  });

  it('a planted +50 ms FIB at the spine is caught at spine fib, in both phases, and nowhere else', () => {
    const planted = [run(30, { 'fault.spine.fib': 50, 'failBack.spine.fib': 50 })];
    const v = judgePlant(spine50, [{ label: 'p-1', results: planted[0]! }], runs(11));
    expect(v.runs[0]!.caught).toBe(true);
    const links = v.runs[0]!.flags.filter((f) => f.link).map(
      (f) => `${f.link!.phase} ${f.link!.node} ${f.link!.event}`,
    );
    expect(links).toEqual(['fault spine fib', 'failBack spine fib']);
  });

  it('a plant flagged at another router is missed, and the table and verdict say so', () => {
    const leafSlow = run(31, { 'fault.leaf2.tx': 50 });
    expect(flagsOf(leafSlow, bandBaseline(runs(10))).some((f) => hits(spine50, f))).toBe(false);
    const v = judgePlant(spine50, [{ label: 'p-1', results: leafSlow }], runs(11));
    const clean = judgeClean(runs(11).map((results, i) => ({ label: `clean-${i + 1}`, results })));
    expect(v.runs[0]!.caught).toBe(false);
    expect(allCaught([v], clean)).toBe(false);
    expect(verdictTables([v], clean)).toMatch(/\| spine fib \| 0 of 1 \| — \| fault leaf2 tx \| failover\.moved ×1 \|/);
  });

  it('names the plants by router and size, from the lab sites', () => {
    expect(plants.map((p) => p.name)).toEqual(['fib+50ms@spine', 'fib+20ms@spine', 'fib+50ms@leaf2']);
    expect(spine50.config).toEqual(['zebra work-queue 60']);
  });
});
