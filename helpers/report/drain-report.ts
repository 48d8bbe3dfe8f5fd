/** The drain suite's metrics: each step's cost, so the summary's table and the gate see them. */
import type { RunnerTask } from 'vitest';
import type { DrainFindings, StepCost } from '../experiment/drain-findings.js';
import { DRAIN_KEYS } from './metric-keys.js';
import { recordMetric } from './metrics.js';

/** The lost requests' causes from the packet trail, for the metric's name: ` (micro-loop at leaf2 ×3)`. */
export function causesOf(lost: StepCost['lost']): string {
  const by = new Map<string, number>();
  for (const l of lost) {
    const cause = l.where ? `${l.verdict} at ${l.where}` : l.verdict;
    by.set(cause, (by.get(cause) ?? 0) + 1);
  }
  return by.size ? ` (${[...by].map(([c, n]) => `${c} ×${n}`).join(', ')})` : '';
}

export function recordDrain(task: RunnerTask, f: DrainFindings): void {
  const count = (key: (typeof DRAIN_KEYS)[keyof typeof DRAIN_KEYS], name: string, value: number, budget?: number) =>
    recordMetric(task, { key, name, value, ...(budget !== undefined ? { budget } : {}) });
  const timing = (key: typeof DRAIN_KEYS.seconds | typeof DRAIN_KEYS.liftSeconds, name: string, s: StepCost) => {
    if (s.seconds !== undefined && s.allowed)
      recordMetric(task, {
        key,
        name,
        value: Number(s.seconds.toFixed(3)),
        unit: 's',
        budget: s.allowed.seconds,
        formula: `the withdrawal's detect budget: ${s.allowed.formula}`,
      });
  };
  const command = (key: typeof DRAIN_KEYS.command | typeof DRAIN_KEYS.liftCommand, name: string, s: StepCost) => {
    if (s.commandSeconds !== undefined)
      recordMetric(task, { key, name, value: Number(s.commandSeconds.toFixed(3)), unit: 's' });
  };
  count(DRAIN_KEYS.harness, 'requests the probe could not send', f.harness.length, 0);
  timing(DRAIN_KEYS.seconds, 'drained: every meeting point off the cluster after', f.drain);
  command(DRAIN_KEYS.command, "the drain's own commands returned after (they overlap the fabric's work)", f.drain);
  count(DRAIN_KEYS.lost, `requests lost while draining${causesOf(f.drain.lost)}`, f.drain.lost.length);
  count(DRAIN_KEYS.broken, 'held connections broken by the drain', f.drain.broken.length);
  count(
    DRAIN_KEYS.maintenanceLost,
    `requests lost by the withdrawal and re-advertisement under the drain${causesOf(f.maintenance.lost)}`,
    f.maintenance.lost.length,
    0,
  );
  count(DRAIN_KEYS.maintenanceBroken, 'held connections broken by them', f.maintenance.broken.length, 0);
  timing(DRAIN_KEYS.liftSeconds, 'lifted: every meeting point on every cluster again after', f.lift);
  command(DRAIN_KEYS.liftCommand, "the lift's own commands returned after", f.lift);
  count(DRAIN_KEYS.liftLost, `requests lost while lifting${causesOf(f.lift.lost)}`, f.lift.lost.length);
  count(DRAIN_KEYS.liftBroken, 'held connections broken by the lift', f.lift.broken.length);
}
