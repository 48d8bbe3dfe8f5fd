/**
 * Measurements a test attaches to itself (vitest task meta), collected by the run reporter
 * into reports/results.json and reports/summary.md. Only measured values go here.
 */
import type { RunnerTask } from 'vitest';
import type { MetricKey } from './metric-keys.js';

export interface Metric {
  /**
   * The metric's identity, unique within its test: `<area>.<what>[.<who>]`, e.g.
   * `failover.moved`, `failover.lost.client`. Tools find a metric by it (the summary's
   * tables, the regression gate, the matrix); the name is for people and may be reworded.
   * A plain string here: results files are read back from other versions too. What a suite
   * records is a MetricKey (./metric-keys.ts).
   */
  key: string;
  name: string;
  value: number | string | boolean;
  unit?: string;
  /** For a timing: the budget and how it was derived. */
  budget?: number;
  formula?: string;
  /**
   * For a timing that contains a random wait (GoBGP's jittered dial and retry timers, the
   * phase of the keepalive at the fault): the width of that window in seconds, from the same
   * formula as the budget. Two runs may differ by this much with nothing changed, so the
   * regression gate and the matrix allow it.
   */
  jitterSeconds?: number;
  /**
   * For a waterfall link (`waterfall.<phase>.<node>.<event>`): the event it follows (`t0`, the
   * fault or the restore, or `<node>.<event>`) and whether it lies on the chain the phase's total
   * is the sum of. The gate tells a random wait from deterministic work by it (./random-waits.ts).
   */
  link?: { after: string; critical: boolean };
}

declare module 'vitest' {
  interface TaskMeta {
    metrics?: Metric[];
    /** Report artefacts of this test (paths relative to reports/). */
    artefacts?: string[];
  }
}

/** A timing: a number of seconds. */
export const isTiming = (m: Metric): m is Metric & { value: number } => m.unit === 's' && typeof m.value === 'number';

/** A metric as a suite records it: its key is one ./metric-keys.ts declares, so the readers find it. */
export interface RecordedMetric extends Metric {
  key: MetricKey;
}

export function recordMetric(task: RunnerTask, m: RecordedMetric): void {
  (task.meta.metrics ??= []).push(m);
}

export function recordArtefact(task: RunnerTask, path: string): void {
  (task.meta.artefacts ??= []).push(path);
}
