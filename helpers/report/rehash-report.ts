/**
 * What suite 4's established-connection claims record of one fault: connections broken by the fault and by the fail-back
 * against their hash-threshold bands, how many the FIB predicted, harness errors, and the
 * picture of every held connection with the raw verdicts.
 */
import type { RunnerTask } from 'vitest';
import type { RehashFindings, RehashTimeline } from '../experiment/rehash-findings.js';
import type { FaultTarget } from '../faults/fault-target.js';
import { FAULT_TITLES } from '../faults/budgets.js';
import { writeArtefacts } from './artefacts.js';
import { recordMetric } from './metrics.js';
import { REHASH_KEYS, type MetricKey } from './metric-keys.js';
import { renderConnections } from './connections-svg.js';

export function recordRehashHarness(task: RunnerTask, tl: RehashTimeline): void {
  recordMetric(task, {
    key: REHASH_KEYS.harness,
    name: 'connections the script could not open (harness errors)',
    value: tl.observed.held.harness.length,
    budget: 0,
  });
}

/** The headline first (the summary shows the first few): broken by the fault, by the fail-back, prediction agreement. */
export function recordRehash(task: RunnerTask, target: FaultTarget, f: RehashFindings): void {
  const { fault, failBack } = f.judged.counts;
  const rec = (
    key: MetricKey,
    name: string,
    value: number,
    more: { budget?: number; formula?: string; unit?: string } = {},
  ) => recordMetric(task, { key, name, value, ...more });
  rec(REHASH_KEYS.faultBroken, 'connections broken by the fault', fault.broken, {
    budget: f.faultBand.high,
    formula: f.faultBand.formula,
  });
  rec(REHASH_KEYS.failBackBroken, 'connections broken by the fail-back', failBack.broken);
  rec(REHASH_KEYS.agreement, 'connections whose fate the FIB predicted', f.agreement, { unit: '%' });
  // With two clusters the fault breaks exactly the failed cluster's connections; with more,
  // hash-threshold also shifts region boundaries between survivors and breaks some of theirs.
  rec(
    REHASH_KEYS.faultBrokenOnSurvivors,
    `of the connections broken by the fault, served by a survivor (not ${target.victimCluster})`,
    f.brokenOnSurvivors,
  );
  rec(REHASH_KEYS.faultAlive, 'connections up at the fault', fault.alive);
  rec(REHASH_KEYS.failBackAlive, 'connections up at the restore', failBack.alive);
  rec(
    REHASH_KEYS.failBackShare,
    'share of connections up at the restore broken by the fail-back',
    failBack.alive ? (100 * failBack.broken) / failBack.alive : 0,
    { unit: '%' },
  );
  rec(
    REHASH_KEYS.failBackBrokenSurvivors,
    'of them, connections that had lived through the fault',
    failBack.brokenSurvivedFault,
    {
      budget: 0,
    },
  );
  rec(
    REHASH_KEYS.failBackOpenedAfterMove,
    'connections opened after the fabric moved, up at the restore',
    failBack.openedAfterMove,
  );
  rec(REHASH_KEYS.failBackBrokenAfterMove, 'of them, broken by the fail-back', failBack.brokenOpenedAfterMove, {
    budget: f.backBand.high,
    formula: f.backBand.formula,
  });
}

export function writeRehashArtefacts(
  task: RunnerTask,
  reportsDir: string,
  target: FaultTarget,
  tl: RehashTimeline,
  f: RehashFindings,
): void {
  const { kind, tFault, marks } = tl;
  const conns = tl.observed.held.conns;
  const svg = renderConnections({
    title: `${FAULT_TITLES[kind]}: established connections (${target.victim}, ${target.victimCluster})`,
    t0: tFault,
    end: tl.observed.held.tEnd,
    conns,
    clusters: target.clusters,
    marks,
  });
  const verdicts = f.judged.verdicts.map((v) => ({
    client: v.conn.client,
    sport: v.conn.sport,
    transition: v.transition,
    servedBy: v.servedBy,
    predicted: v.predicted,
    predictedBreak: v.predictedBreak,
    observedBreak: v.observedBreak,
    how: v.conn.how,
    brokeAt: v.conn.brokeAt,
  }));
  writeArtefacts(task, reportsDir, 'connections', [
    { name: `${kind}.svg`, content: svg, linked: true },
    { name: `${kind}.json`, content: { kind, tFault, marks, counts: f.judged.counts, verdicts, conns } },
  ]);
}
