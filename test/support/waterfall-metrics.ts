/**
 * Synthetic waterfall metrics for the gate's unit tests (gate-bands, gate-mutants): a link as
 * suite 4 records it, a repeatable spread, and a phase's total as its critical links' sum.
 */
import type { Metric } from '../../helpers/report/metrics.js';

/** A small, repeatable spread (no Math.random): run i's noise in [0, 1) ms. */
export const noise = (i: number, salt: number) => ((i * 7 + salt * 3) % 10) / 10;

/** One waterfall link (`<phase>.<node>.<event>`), `value` ms after the event `after`. */
export const link = (key: string, value: number, after: string, critical = true): Metric => ({
  key: `waterfall.${key}`,
  name: `${key} after ${after}`,
  value,
  unit: 'ms',
  link: { after, critical },
});

/** A phase's time in ms: the sum of its critical links (they add up to it, as in a real run). */
export const chainMs = (links: Metric[], phase: string) =>
  links.filter((l) => l.key.includes(`.${phase}.`) && l.link!.critical).reduce((a, l) => a + (l.value as number), 0);
