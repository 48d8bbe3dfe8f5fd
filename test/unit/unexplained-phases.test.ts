/**
 * A failover phase's time must be the sum of a waterfall of events
 * (helpers/experiment/failover-findings.ts unexplainedPhases): the chain that ends last ends where
 * the phase ended. A fail-back that ended on a router no chain follows (before the way back to
 * the clients had its own chain: uplink-down's leaf) is named.
 */
import { describe, expect, it } from 'vitest';
import {
  unexplainedPhases,
  type FailoverFindings,
  type FailoverTimeline,
} from '../../helpers/experiment/failover-findings.js';
import type { Waterfall } from '../../helpers/experiment/waterfall.js';

const chain = (phase: Waterfall['phase'], path: string[], end: number): Waterfall => ({
  phase,
  path,
  t0: 0,
  links: [{ node: path.at(-1)!, event: 'moved', t: end, seconds: end / 1000, after: 't0', critical: true }],
  missing: [],
});
const timeline = (moved: number, back: number) =>
  ({ moved: { t: moved }, back: { t: back } }) as unknown as FailoverTimeline;
const findings = (waterfalls: Waterfall[]) => ({ waterfalls }) as unknown as FailoverFindings;

describe('each failover phase is the sum of its waterfall', () => {
  it('holds when the last chain of each phase ends where the phase ended', () => {
    const f = findings([
      chain('fault', ['cluster01', 'leaf2', 'spine'], 120),
      chain('failBack', ['cluster01', 'leaf2', 'spine'], 13),
      chain('return', ['spine', 'leaf2'], 1287),
    ]);
    expect(unexplainedPhases(f, timeline(120, 1287))).toEqual([]);
  });

  it('names a fail-back that ended on a router no chain follows', () => {
    const f = findings([
      chain('fault', ['cluster01', 'leaf2', 'spine'], 120),
      chain('failBack', ['cluster01', 'leaf2', 'spine'], 13),
    ]);
    expect(unexplainedPhases(f, timeline(120, 1287))).toEqual([
      "fail-back: the chains end -1274.00 ms from the phase's end (cluster01→leaf2→spine)",
    ]);
  });

  it('names a phase with no chain at all', () => {
    expect(unexplainedPhases(findings([]), timeline(120, 500))).toEqual([
      "move: the chains end nowhere near the phase's end (no chain)",
      "fail-back: the chains end nowhere near the phase's end (no chain)",
    ]);
  });
});
