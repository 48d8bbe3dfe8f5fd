/**
 * The loss rule keyed to the waterfall (helpers/experiment/waterfall.ts transientWindows): a
 * router may drop or loop requests towards the VIP from the start of its first link on a chain
 * of the VIP to that chain's end; the way back to the clients opens no window. And the fabric
 * must stay moved until the restore (failover-findings.ts relapsesOf).
 */
import { describe, expect, it } from 'vitest';
import { relapsesOf } from '../../helpers/experiment/failover-findings.js';
import { transientWindows, type Waterfall, type WaterfallLink } from '../../helpers/experiment/waterfall.js';
import type { RouteChange } from '../../helpers/observe/route-monitor.js';

const link = (node: string, event: WaterfallLink['event'], t: number, from: number, after: string): WaterfallLink => ({
  node,
  event,
  t,
  seconds: (t - from) / 1000,
  after,
  critical: true,
});
/** vip-withdrawn as the waterfall test builds it: cluster01.tx 5, leaf2.rx 6, leaf2.tx 9, leaf2.fib 8, spine.rx 10, spine.fib 12. */
const withdrawal = (phase: Waterfall['phase']): Waterfall => ({
  phase,
  path: ['cluster01', 'leaf2', 'spine'],
  t0: 0,
  links: [
    link('cluster01', 'tx', 5, 0, 't0'),
    link('leaf2', 'rx', 6, 5, 'cluster01.tx'),
    link('leaf2', 'tx', 9, 6, 'leaf2.rx'),
    link('leaf2', 'fib', 8, 6, 'leaf2.rx'),
    link('spine', 'rx', 10, 9, 'leaf2.tx'),
    link('spine', 'fib', 12, 10, 'spine.rx'),
    link('spine', 'moved', 12, 12, 'spine.fib'),
  ],
  missing: [],
});

describe('where and when a waterfall allows a black hole or a loop', () => {
  it("opens each router's window where its first link starts and closes it at the chain's end", () => {
    expect(transientWindows([withdrawal('fault')])).toEqual([
      { phase: 'fault', router: 'cluster01', from: 0, to: 12, link: 'cluster01.tx' },
      { phase: 'fault', router: 'leaf2', from: 5, to: 12, link: 'leaf2.rx' },
      { phase: 'fault', router: 'spine', from: 9, to: 12, link: 'spine.rx' },
    ]);
  });

  it('a fail-back chain opens fail-back windows; the way back to the clients opens none', () => {
    expect(transientWindows([withdrawal('failBack')]).map((w) => w.phase)).toEqual(['back', 'back', 'back']);
    expect(transientWindows([withdrawal('return')])).toEqual([]);
  });

  it('a chain without its end (the phase never ended) opens nothing', () => {
    const w = withdrawal('fault');
    expect(transientWindows([{ ...w, links: w.links.filter((l) => l.event !== 'moved') }])).toEqual([]);
  });
});

describe('the fabric stays moved until the restore', () => {
  const change = (t: number, router: string, nextHops: string[]): RouteChange => ({
    t,
    router,
    prefix: '172.30.0.10',
    nextHops,
    source: 'event',
  });
  const moved = (r: string) => (r === 'spine' ? ['10.0.3.11'] : undefined);
  it('names a change away from the moved set between the move and the restore', () => {
    const moves = [change(100, 'spine', ['10.0.3.11']), change(300, 'spine', ['10.0.2.11', '10.0.3.11'])];
    expect(relapsesOf(moves, 100, 1000, moved)).toEqual([moves[1]]);
  });
  it('ignores the move itself, a change to the same set, and changes after the restore', () => {
    const moves = [
      change(100, 'spine', ['10.0.3.11']),
      change(300, 'spine', ['10.0.3.11']),
      change(1200, 'spine', ['10.0.2.11', '10.0.3.11']),
    ];
    expect(relapsesOf(moves, 100, 1000, moved)).toEqual([]);
  });
});
