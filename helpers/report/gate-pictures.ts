/**
 * The gate's waterfall pictures (`compare --pictures <dir>`, which scripts/gate.sh asks for): per
 * fault of this run, its chains rebuilt from the waterfall links in results.json (each link's
 * value and the event it follows place it on a time axis from the phase's t0) and drawn with
 * what the gate held each link to (./link-gate.ts): a band's top, a random wait's window, red
 * where the link left it. The suites' own pictures (./failover-report.ts) have no baseline.
 */
import { PHASE_LABEL, type Waterfall, type WaterfallLink, type WaterfallPhase } from '../experiment/waterfall.js';
import { linkId, type GateCheck } from './link-gate.js';
import type { RunResults } from './compare.js';
import { WATERFALL_KEYS } from './metric-keys.js';
import { faultOfTest } from './random-waits.js';
import { renderWaterfalls, type LinkBands } from './waterfall-svg.js';

const PHASES = Object.keys(PHASE_LABEL) as WaterfallPhase[];

/** A test's chains from its link metrics: each event at the time of the one it follows plus the link (ms, from t0 = 0). */
export function waterfallsOfTest(test: RunResults['tests'][number]): Waterfall[] {
  const byPhase = new Map<WaterfallPhase, WaterfallLink[]>();
  for (const m of test.metrics ?? []) {
    const id = linkId(m);
    const phase = id?.phase as WaterfallPhase;
    if (!id || !PHASES.includes(phase) || typeof m.value !== 'number' || !m.link) continue;
    const links = byPhase.get(phase) ?? [];
    const from = id.after === 't0' ? 0 : links.find((l) => `${l.node}.${l.event}` === id.after)?.t;
    // A link whose predecessor is not recorded cannot be placed: left out rather than guessed.
    if (from === undefined) continue;
    links.push({
      node: id.node,
      event: id.event as WaterfallLink['event'],
      t: from + m.value,
      seconds: m.value / 1000,
      after: id.after,
      critical: m.link.critical,
    });
    byPhase.set(phase, links);
  }
  return PHASES.filter((p) => byPhase.has(p)).map((phase) => {
    const links = byPhase.get(phase)!;
    const missing = test.metrics?.find((m) => m.key === WATERFALL_KEYS.link(`${phase}.missing`))?.formula;
    return { phase, path: [...new Set(links.map((l) => l.node))], t0: 0, links, missing: missing ? [missing] : [] };
  });
}

/** What the gate held each link of `test` to, keyed `phase.node.event`. */
export function bandsOfTest(test: string, checks: GateCheck[]): LinkBands {
  const out: LinkBands = new Map();
  for (const c of checks) {
    const who = c.test === test && c.unit === 'ms' ? WATERFALL_KEYS.link.who(c.key) : undefined;
    if (!who || !Number.isFinite(c.limit)) continue;
    out.set(who, { ...(c.lower !== undefined ? { lower: c.lower } : {}), upper: c.limit, regression: !!c.regression });
  }
  return out;
}

/**
 * One picture per test of `now` whose waterfall the gate banded: `<fault>.svg` (the test's name
 * when no fault kind is in it). A baseline built before bands bands nothing: no picture.
 */
export function gatePictures(
  now: RunResults,
  checks: GateCheck[],
): { name: string; svg: string; regressions: number }[] {
  return now.tests.flatMap((t) => {
    const waterfalls = waterfallsOfTest(t);
    const bands = bandsOfTest(t.name, checks);
    if (!waterfalls.length || !bands.size) return [];
    const fault = faultOfTest(t.name) ?? t.name.replace(/[^\w.-]+/g, '-');
    const regressions = [...bands.values()].filter((b) => b.regression).length;
    const title = `${t.name}: each link against the band the gate held it to${regressions ? ` (${regressions} outside)` : ''}`;
    return [{ name: `${fault}.svg`, svg: renderWaterfalls(title, waterfalls, bands), regressions }];
  });
}
