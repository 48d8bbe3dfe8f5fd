/**
 * The gate against a banded baseline (`anycast-verify baseline`, ≥ 10 runs): every waterfall
 * link of every fault is compared on its own, so a regression names the fault, the router and
 * the phase where it happened, and one slow hop cannot hide in a total that carries a random
 * wait of seconds.
 *
 * - A deterministic link: its band from the baseline's samples (./bands.ts: max + 10·MAD,
 *   floored at 0.01 ms).
 * - A random wait (the speaker's dial after a restore, the keepalive phase of a hold-timer
 *   fault): the window of the GoBGP version and the timers this run used (./random-waits.ts),
 *   widened by one hop's processing (`tail`, the largest band among the phase's deterministic
 *   links), never a band.
 * - A total (failover.moved, failover.back, failover.outage.<client>): the band of what is left
 *   once the phase's random wait is taken out (total − that link, run by run), plus the
 *   window's end and the tail; without a random wait, the band of the totals themselves.
 *
 * Each check also carries what the suite itself allows for it (a deterministic hop link: the
 * per-hop allowance; anything else: its phase's budget), so the summary shows the gate is the
 * tighter of the two.
 */
import { PER_HOP_SECONDS } from '../faults/budgets.js';
import type { FaultKind } from '../providers/api/fault-kinds.js';
import { bandOf, describeBand, largestExcursion, LINK_RESOLUTION_MS, TOTAL_RESOLUTION_S } from '../faults/bands.js';
import { FAILOVER_KEYS, WATERFALL_KEYS } from './metric-keys.js';
import type { Metric } from './metrics.js';
import { faultOfTest, randomWait, type LinkId, type WaitWindow } from './random-waits.js';
import type { LabInfo } from './lab-info.js';
import { PHASE_LABEL, type WaterfallPhase } from '../experiment/waterfall.js';

/** A metric of a banded baseline: the worst value (as before) and the sample of every run, run by run (null: that run had none). */
export interface BaselineMetric extends Metric {
  samples?: (number | null)[];
}

export interface BaselineTest {
  name: string;
  state: string;
  note?: string;
  metrics?: BaselineMetric[];
}

/** One guarded value and the gate's verdict on it. */
export interface GateCheck {
  test: string;
  fault?: FaultKind;
  key: string;
  /** What it is, for people: `fail-back: leaf2 tx after leaf2.rx`. */
  what: string;
  unit: 'ms' | 's';
  value?: number;
  /** The gate's limit, and its lower end for a window. */
  limit: number;
  lower?: number;
  rule: string;
  /** What the suite allows for it, and which budget that is. */
  budget?: number;
  budgetWhat?: string;
  /** The message when this check is a regression. */
  regression?: string;
}

const isLink = (m: Metric) => m.key.startsWith(WATERFALL_KEYS.link.prefix) && m.unit === 'ms';

/** `waterfall.failBack.leaf2.tx` with its record: phase, node, event, and the event it follows. */
export function linkId(m: Metric): LinkId | undefined {
  const parts = WATERFALL_KEYS.link.who(m.key)?.split('.');
  if (parts?.length !== 3) return undefined;
  const after = m.link?.after ?? / after (\S+)/.exec(m.name)?.[1] ?? '';
  return { phase: parts[0]!, node: parts[1]!, event: parts[2]!, after };
}

const critical = (m: Metric) => m.link?.critical ?? !m.name.includes('(side branch)');
const present = (xs: (number | null)[] | undefined) => (xs ?? []).filter((x): x is number => x !== null);

interface TestContext {
  base: BaselineTest;
  now: { name: string; state: string; metrics?: Metric[] };
  fault?: FaultKind;
  lab?: Partial<LabInfo>;
  /** E per link kind (event), over the whole baseline: see kindExcursions. */
  kinds?: Map<string, number>;
}

/**
 * E per kind of deterministic link (its event: `tx`, `fib`, `rx`, …): the largest excursion above
 * its own median among every such link of every test of the baseline (./bands.ts says why a band
 * allows 2·E). Random waits and the fault's own injection are not deterministic work: left out.
 */
export function kindExcursions(tests: BaselineTest[], lab: Partial<LabInfo> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const base of tests) {
    const ctx = { base, now: base, fault: faultOfTest(base.name), lab };
    const windows = windowsOf(ctx);
    for (const m of (base.metrics ?? []).filter((x) => isLink(x) && x.samples && !windows.has(x.key))) {
      const kind = linkId(m)!.event;
      out.set(kind, Math.max(out.get(kind) ?? 0, largestExcursion(present(m.samples))));
    }
  }
  return out;
}

/** The random wait of each link of the baseline test that has one (by key), and the victim's timers. */
type Window = WaitWindow | { unknown: string } | { notGuarded: string };

function windowsOf(c: TestContext): Map<string, Window> {
  const metrics = c.base.metrics ?? [];
  // The victim: the node that dials at the fail-back, else the only timers the lab has.
  const dialer = metrics.map(linkId).find((l) => l?.event === 'dial')?.node;
  const all = c.lab?.timers ?? [];
  const same = all.every(
    (t) => JSON.stringify({ ...t, node: '', peer: '' }) === JSON.stringify({ ...all[0], node: '', peer: '' }),
  );
  const timers = all.find((t) => t.node === dialer) ?? (same ? all[0] : undefined);
  const moved = metrics.find((m) => m.key === FAILOVER_KEYS.moved);
  // Stale routes kept past a hold expiry is what the suite derived the detect budget from (budgets.ts).
  const staleOnHoldExpiry = moved?.formula ? moved.formula.includes('N-bit') : timers?.gracefulRestart != null;
  const out = new Map<string, Window>();
  for (const m of metrics.filter(isLink)) {
    const id = linkId(m);
    const w = id && randomWait(id, { fault: c.fault, lab: c.lab, timers, staleOnHoldExpiry });
    if (w) out.set(m.key, w);
  }
  return out;
}

/** The largest band among a phase's deterministic links (ms): one hop's processing after a timer fires. */
function tailOf(c: TestContext, windows: Map<string, unknown>, phase: string): number {
  const uppers = (c.base.metrics ?? [])
    .filter((m) => isLink(m) && !windows.has(m.key) && linkId(m)?.phase === phase && present(m.samples).length)
    .map((m) => bandOf(present(m.samples), LINK_RESOLUTION_MS, undefined, c.kinds?.get(linkId(m)!.event)).upper);
  return Math.max(LINK_RESOLUTION_MS, ...uppers);
}

const phaseBudget = (c: TestContext, phase: string) => {
  const m = c.base.metrics?.find((x) => x.key === (phase === 'fault' ? FAILOVER_KEYS.moved : FAILOVER_KEYS.back));
  return m?.budget === undefined
    ? {}
    : { budget: m.budget * 1000, budgetWhat: `${phase === 'fault' ? 'move' : 'fail-back'} budget` };
};

const phaseName = (p: string) => PHASE_LABEL[p as WaterfallPhase] ?? p;

/** Every waterfall link and total of one test, checked against the banded baseline. */
export function checkBandedTest(c: TestContext): GateCheck[] {
  const fault = c.fault ?? faultOfTest(c.base.name);
  const ctx = { ...c, fault };
  const windows = windowsOf(ctx);
  const tails = new Map(['fault', 'failBack'].map((p) => [p, tailOf(ctx, windows, p)]));
  const checks: GateCheck[] = [];
  for (const bm of (c.base.metrics ?? []).filter((m) => isLink(m) && m.samples)) {
    const check = checkLink(ctx, bm, windows.get(bm.key), tails.get(linkId(bm)!.phase) ?? LINK_RESOLUTION_MS);
    if (check) checks.push(check);
  }
  for (const bm of (c.base.metrics ?? []).filter((m) => m.unit === 's' && m.samples)) {
    const check = checkTotal(ctx, bm, windows, tails);
    if (check) checks.push(check);
  }
  return checks;
}

function checkLink(
  c: TestContext & { fault?: FaultKind },
  bm: BaselineMetric,
  window: Window | undefined,
  tail: number,
): GateCheck | undefined {
  const id = linkId(bm)!;
  const samples = present(bm.samples);
  const nm = c.now.metrics?.find((m) => m.key === bm.key);
  const where = `${c.fault ?? 'fault'} ${phaseName(id.phase)} at ${id.node}: ${id.event} after ${id.after}`;
  const base = { test: c.base.name, fault: c.fault, key: bm.key, what: where, unit: 'ms' as const };
  if (window && 'unknown' in window)
    return { ...base, limit: NaN, rule: `random wait, not verified: ${window.unknown}` };
  const value = typeof nm?.value === 'number' ? nm.value : undefined;
  if (window && 'notGuarded' in window)
    return { ...base, value, limit: NaN, rule: `not guarded: ${window.notGuarded}` };
  const everyRun = samples.length > 0 && samples.length === bm.samples!.length;
  // A link some baseline runs lacked too (e.g. no dial), or of a test that did not pass now (its state is the regression).
  if (value === undefined && (!everyRun || c.now.state !== 'passed')) return undefined;
  if (window) {
    const [lo, hi] = [Math.max(0, window.min * 1000 - LINK_RESOLUTION_MS), window.max * 1000 + tail];
    const rule = `random wait in [${window.min}, ${window.max}) s (${window.formula}) + one hop's processing ≤ ${tail.toFixed(2)} ms`;
    const out = value !== undefined && (value < lo || value > hi);
    return {
      ...base,
      value,
      limit: hi,
      lower: lo,
      rule,
      ...phaseBudget(c, id.phase),
      regression:
        value === undefined
          ? `${where}: missing now (in all ${samples.length} baseline runs) [${bm.key}]`
          : out
            ? `${where}: ${value.toFixed(2)} ms, outside its window [${lo.toFixed(2)}, ${hi.toFixed(2)}] ms: ${rule} [${bm.key}]`
            : undefined,
    };
  }
  const band = bandOf(samples, LINK_RESOLUTION_MS, undefined, c.kinds?.get(id.event));
  const budget =
    id.after === 't0'
      ? phaseBudget(c, id.phase)
      : {
          budget: PER_HOP_SECONDS * 1000,
          budgetWhat: "per-hop allowance (FRR's holds + measured work: faults/hop-allowance.ts)",
        };
  return {
    ...base,
    value,
    limit: band.upper,
    rule: describeBand(band, 'ms'),
    ...budget,
    regression:
      value === undefined
        ? `${where}: missing now (in all ${samples.length} baseline runs) [${bm.key}]`
        : value > band.upper
          ? `${where}: ${value.toFixed(2)} ms, above its band ${describeBand(band, 'ms')} [${bm.key}]`
          : undefined,
  };
}

/**
 * A total: what is left once the phase's random wait is out (total − that link, run by run)
 * against the band of the baseline's rests, the random wait itself being judged on its own
 * against its window; when this run lacks that link, the band plus the window's end. The fault's
 * own injection (vip-withdrawn: the command reaching the speaker) is taken out of the moved and
 * back times the same way, not out of a client's outage, which starts after it. Without either,
 * the band of the totals themselves.
 */
function checkTotal(
  c: TestContext & { fault?: FaultKind },
  bm: BaselineMetric,
  windows: Map<string, Window>,
  tails: Map<string, number>,
): GateCheck | undefined {
  const nm = c.now.metrics?.find((m) => m.key === bm.key);
  if (typeof nm?.value !== 'number') return undefined; // a total gone is its test's state, judged above
  const phase = bm.key === FAILOVER_KEYS.back ? 'failBack' : 'fault';
  const outage = bm.key !== FAILOVER_KEYS.back && bm.key !== FAILOVER_KEYS.moved;
  const random = (c.base.metrics ?? []).find((m) => {
    const w = windows.get(m.key);
    return w && !('unknown' in w) && !(outage && 'notGuarded' in w) && linkId(m)?.phase === phase && critical(m);
  });
  const base = { test: c.base.name, fault: c.fault, key: bm.key, what: nm.name, unit: 's' as const, value: nm.value };
  const budget = bm.budget === undefined ? {} : { budget: bm.budget, budgetWhat: 'the suite budget' };
  const pairs = (bm.samples ?? []).flatMap((t, i) => {
    const r = random?.samples?.[i];
    return t === null || (random && (r === null || r === undefined)) ? [] : [t - (random ? r! / 1000 : 0)];
  });
  if (pairs.length === 0) return undefined;
  // One link of the chain at its kind's largest excursion moves the total by as much.
  const chainKinds = (c.base.metrics ?? [])
    .filter((m) => isLink(m) && !windows.has(m.key) && linkId(m)?.phase === phase && critical(m))
    .map((m) => c.kinds?.get(linkId(m)!.event));
  const chainE = c.kinds ? Math.max(0, ...chainKinds.map((e) => e ?? 0)) / 1000 : undefined;
  const band = bandOf(pairs, TOTAL_RESOLUTION_S, undefined, chainE);
  const w = random && windows.get(random.key)!;
  const rNow = random && c.now.metrics?.find((m) => m.key === random.key)?.value;
  let limit: number;
  let rule: string;
  if (typeof rNow === 'number') {
    const what = 'notGuarded' in w! ? "the fault's own injection" : 'the random wait, judged against its window';
    limit = band.upper + rNow / 1000;
    rule = `the rest without ${what} (${(rNow / 1000).toFixed(3)} s this run): ${describeBand(band, 's')}`;
  } else if (w && 'max' in w) {
    const tail = (tails.get(phase) ?? 0) / 1000;
    limit = band.upper + w.max + tail;
    rule = `the rest without the random wait ${describeBand(band, 's')} + its window's end ${w.max} s (${w.formula}) + one hop ${tail.toFixed(3)} s`;
  } else if (random) {
    return undefined; // the injection link is missing now: its test's evidence, judged by the suite
  } else {
    limit = band.upper;
    rule = describeBand(band, 's');
  }
  return {
    ...base,
    limit,
    rule,
    ...budget,
    regression:
      nm.value > limit
        ? `${c.fault ?? 'fault'} ${nm.name}: ${nm.value.toFixed(3)} s, limit ${limit.toFixed(3)} s: ${rule} [${bm.key}]`
        : undefined,
  };
}
