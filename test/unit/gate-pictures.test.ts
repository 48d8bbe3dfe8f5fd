/**
 * The gate's waterfall pictures (helpers/report/gate-pictures.ts): the chains rebuilt from the
 * link metrics of results.json, each link drawn with what the gate held it to, red when it left
 * it; no picture where the gate banded nothing.
 */
import { describe, expect, it } from 'vitest';
import { bandsOfTest, gatePictures, waterfallsOfTest } from '../../helpers/report/gate-pictures.js';
import type { GateCheck } from '../../helpers/report/link-gate.js';

const TEST = 'failover > vip-withdrawn: VIP withdrawn by the cluster (advertisement removed)';
const link = (key: string, value: number, after: string, critical = true) => ({
  key: `waterfall.${key}`,
  name: key,
  value,
  unit: 'ms',
  link: { after, critical },
});
const test = {
  name: TEST,
  state: 'passed',
  metrics: [
    link('fault.cluster01.tx', 70, 't0'),
    link('fault.leaf2.rx', 0.1, 'cluster01.tx'),
    link('fault.leaf2.fib', 3, 'leaf2.rx', false),
    link('fault.leaf2.tx', 60, 'leaf2.rx'),
    link('fault.spine.rx', 0.1, 'leaf2.tx'),
    link('fault.orphan.fib', 5, 'nowhere.tx'),
    link('failBack.cluster01.dial', 1200, 't0'),
  ],
};
const check = (key: string, limit: number, extra: Partial<GateCheck> = {}): GateCheck => ({
  test: TEST,
  key: `waterfall.${key}`,
  what: key,
  unit: 'ms',
  limit,
  rule: 'band',
  ...extra,
});

describe("the gate's waterfall pictures", () => {
  it('places each link after the event it follows; a link whose predecessor is not recorded is left out', () => {
    const [fault, back] = waterfallsOfTest(test);
    expect(fault!.links.map((l) => `${l.node}.${l.event}@${l.t.toFixed(1)}`)).toEqual([
      'cluster01.tx@70.0',
      'leaf2.rx@70.1',
      'leaf2.fib@73.1',
      'leaf2.tx@130.1',
      'spine.rx@130.2',
    ]);
    expect(back!.phase).toBe('failBack');
  });

  it('labels every banded link with its band or window, and draws a regression in red', () => {
    const checks = [
      check('fault.leaf2.tx', 55, { regression: 'slower' }),
      check('fault.spine.rx', 0.2),
      check('failBack.cluster01.dial', 2000, { lower: 1000 }),
      check('fault.leaf2.fib', NaN, { rule: 'random wait, not verified' }),
    ];
    expect([...bandsOfTest(TEST, checks).keys()]).toEqual([
      'fault.leaf2.tx',
      'fault.spine.rx',
      'failBack.cluster01.dial',
    ]);
    const [p] = gatePictures({ tests: [test] }, checks);
    expect(p!.name).toBe('vip-withdrawn.svg');
    expect(p!.regressions).toBe(1);
    expect(p!.svg).toContain('60.0 ms (band ≤ 55.0 ms)');
    expect(p!.svg).toContain('1.20 s (window 1.00 s–2.00 s)');
    expect(p!.svg).toMatch(/fill="#d62728"><title>leaf2 tx/);
    expect(p!.svg).toContain('(1 outside)');
  });

  it('draws nothing for a test the gate banded nothing of (a baseline built before bands)', () => {
    expect(gatePictures({ tests: [test] }, [])).toEqual([]);
  });
});
