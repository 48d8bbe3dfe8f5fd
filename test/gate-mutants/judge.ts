/**
 * The gate-mutant harness's verdicts, apart from the runs so they can be tested: which
 * waterfall links `compare` flagged in one run, whether a planted regression was flagged at the
 * router and event it was planted at, and the tables `npm run gate-mutants` writes.
 */
import { bandBaseline } from '../../helpers/report/band-baseline.js';
import { MIN_BASELINE_RUNS } from '../../helpers/faults/bands.js';
import { gateRuns, type RunResults } from '../../helpers/report/compare.js';
import { WATERFALL_KEYS } from '../../helpers/report/metric-keys.js';
import { faultOfTest } from '../../helpers/report/random-waits.js';
import { FAULT_KINDS } from '../../helpers/providers/api/fault-kinds.js';
import type { Plant } from './plants.js';
import { FRR_HOLDS_MS } from '../../helpers/faults/hop-allowance.js';

/** One flag of the gate: a waterfall link (phase, node, event) or anything else it named (a total, a failed test). */
export interface Flag {
  test: string;
  link?: { phase: string; node: string; event: string };
  what: string;
}

/** Every regression the gate reports for `now` against `base`, links parsed from their keys. */
export function flagsOf(now: RunResults, base: ReturnType<typeof bandBaseline>): Flag[] {
  const verdict = gateRuns(now, base);
  const linkFlags = verdict.checks
    .filter((c) => c.regression)
    .map((c): Flag => {
      const [phase, node, event] = WATERFALL_KEYS.link.who(c.key)?.split('.') ?? [];
      return { test: c.test, what: c.regression!, ...(phase && node && event ? { link: { phase, node, event } } : {}) };
    });
  const seen = new Set(linkFlags.map((f) => f.what));
  const others = verdict.regressions
    .filter((r) => !seen.has(r.what))
    .map((r): Flag => ({ test: r.test, what: r.what }));
  return [...linkFlags, ...others];
}

/** Whether a flag names the plant's router and event in one of its phases. */
export const hits = (plant: Pick<Plant, 'expect'>, f: Flag) =>
  f.link !== undefined &&
  f.link.node === plant.expect.node &&
  f.link.event === plant.expect.event &&
  plant.expect.phases.includes(f.link.phase);

/** A baseline from clean runs: banded from 10 or more, else provisional (the verdict says so). */
export function cleanBaseline(runs: RunResults[]) {
  return bandBaseline(runs, { provisional: runs.length < MIN_BASELINE_RUNS });
}

export interface PlantVerdict {
  plant: Plant;
  runs: { label: string; flags: Flag[]; caught: boolean }[];
}

export interface CleanVerdict {
  label: string;
  /** How many clean runs the baseline it was held to came from (every other clean run). */
  baselineRuns: number;
  flags: Flag[];
}

/** Each clean run against a baseline of every other clean run (leave one out: never against itself). */
export function judgeClean(runs: { label: string; results: RunResults }[]): CleanVerdict[] {
  return runs.map((r, i) => {
    const others = runs.filter((_, j) => j !== i).map((o) => o.results);
    return {
      label: r.label,
      baselineRuns: others.length,
      flags: others.length ? flagsOf(r.results, cleanBaseline(others)) : [],
    };
  });
}

/** Each planted run against the baseline of all clean runs. */
export function judgePlant(
  plant: Plant,
  runs: { label: string; results: RunResults }[],
  clean: RunResults[],
): PlantVerdict {
  const base = cleanBaseline(clean);
  return {
    plant,
    runs: runs.map((r) => {
      const flags = flagsOf(r.results, base);
      return { label: r.label, flags, caught: flags.some((f) => hits(plant, f)) };
    }),
  };
}

/** `failover.moved ×5, failover.back ×4`. */
const tally = (xs: string[]) => [...new Set(xs)].map((x) => `${x} ×${xs.filter((y) => y === x).length}`).join(', ');

const where = (f: Flag) => (f.link ? `${f.link.phase} ${f.link.node} ${f.link.event}` : f.what);

/** The two tables (planted → flagged where, or missed; clean runs → flags), as markdown. */
export function verdictTables(plants: PlantVerdict[], clean: CleanVerdict[]): string {
  const rows = plants.map((p) => {
    const caught = p.runs.filter((r) => r.caught).length;
    const right = [...new Set(p.runs.flatMap((r) => r.flags.filter((f) => hits(p.plant, f)).map(where)))];
    const others = p.runs.flatMap((r) => r.flags.filter((f) => !hits(p.plant, f)));
    const elsewhere = [...new Set(others.filter((f) => f.link).map(where))];
    // A total on the planted link's chain grows with it: counted by key, not listed as a wrong place.
    const totals = tally(others.filter((f) => !f.link).map((f) => /\[([^\]]+)\]$/.exec(f.what)?.[1] ?? f.what));
    return `| ${p.plant.what} | ${p.plant.expect.node} ${p.plant.expect.event} | ${caught} of ${p.runs.length} | ${right.join('; ') || '—'} | ${elsewhere.join('; ') || '—'} | ${totals || '—'} |`;
  });
  const flagged = clean.filter((c) => c.flags.length);
  return [
    '| planted | must be flagged at | flagged there | where | links flagged elsewhere | totals and states flagged |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Clean runs: ${clean.length}, each against a baseline of the other ${clean[0]?.baselineRuns ?? 0}; runs with a flag: ${flagged.length}`,
    ...flagged.map((c) => `- ${c.label}: ${c.flags.map((f) => f.what).join('; ')}`),
  ].join('\n');
}

/** Pass: every plant caught in every run, and no clean run flagged. */
export const allCaught = (plants: PlantVerdict[], clean: CleanVerdict[]) =>
  plants.every((p) => p.runs.length > 0 && p.runs.every((r) => r.caught)) && clean.every((c) => c.flags.length === 0);

/**
 * The samples helpers/faults/measured-allowances.json records, from clean runs: every hop link's
 * time beyond FRR's holds for it (tx: bgpd's process queue; fib: that and zebra's RIB queue), and
 * every vip-withdrawn injection (the victim's UPDATE after the command), and every crashed
 * speaker's start (its `start` link after the restore), and every fabric session re-opened at a
 * restore (its `up` link).
 */
export function measuredSamples(runs: RunResults[]): {
  hopExcessMs: number[];
  injectionMs: number[];
  speakerStartMs: number[];
  reconnectMs: number[];
} {
  const holds = { tx: FRR_HOLDS_MS.bgpdProcessQueue, fib: FRR_HOLDS_MS.bgpdProcessQueue + FRR_HOLDS_MS.zebraRibQueue };
  const hopExcessMs: number[] = [];
  const injectionMs: number[] = [];
  const speakerStartMs: number[] = [];
  const reconnectMs: number[] = [];
  for (const t of runs.flatMap((r) => r.tests)) {
    const kind = faultOfTest(t.name);
    for (const m of t.metrics ?? []) {
      const event = WATERFALL_KEYS.link.who(m.key)?.split('.')[2];
      if (typeof m.value !== 'number' || !event || m.unit !== 'ms') continue;
      if (m.link?.after === 't0') {
        const seenBy = kind && FAULT_KINDS[kind].seenBy;
        if (seenBy === 'update' && event === 'tx') injectionMs.push(m.value);
        if (seenBy === 'restart' && event === 'start') speakerStartMs.push(m.value);
        if (event === 'up') reconnectMs.push(m.value);
      }
      // A hop is a router's work after it received the change (FRR's holds apply from rx); the
      // victim's own sends (GoBGP after its dial) are not an FRR hop.
      else if ((event === 'tx' || event === 'fib') && m.link?.after.endsWith('.rx'))
        hopExcessMs.push(Math.round((m.value - holds[event]) * 100) / 100);
    }
  }
  return { hopExcessMs, injectionMs, speakerStartMs, reconnectMs };
}
