/**
 * What a reader wants at the top of a run, as data: the verdict and versions, the failures
 * first (each with its message and state dump), then one table per lab suite with one row
 * per claim, and the failover suite as one row per fault. summary.md and index.html are two
 * renderings of this (summary-md.ts, summary-html.ts); every metric stays in results.json.
 */
import { nodesOnOtherRuntimes } from '../runtimes/runtime-of.js';
import type { Metric } from './metrics.js';
import { FAILOVER_KEYS } from './metric-keys.js';
import type { LabInfo } from './lab-info.js';
import { notVerifiedReason } from './not-verified.js';

export interface TestRecord {
  project: string;
  file: string;
  name: string;
  state: string;
  durationMs?: number;
  error?: string;
  /** A skipped test's note (`ctx.skip(note)`): "not verified: …" names missing evidence. */
  note?: string;
  metrics: Metric[];
  artefacts: string[];
}

export interface RunResults {
  startedAt?: string;
  wallSeconds: number;
  counts: Record<string, number>;
  /** This run's reports/lab.json (./lab-info.ts), when it has a valid one. */
  lab?: LabInfo;
  tests: TestRecord[];
  /**
   * What went wrong outside any test: vitest's unhandled errors (a config it refused, a worker
   * that crashed, an error thrown after a test ended), an interrupted run. Each fails the run.
   */
  runErrors?: string[];
}

/** 'unverified': the evidence could not be gathered (./not-verified.ts); never a pass. */
export type Status = 'passed' | 'failed' | 'skipped' | 'unverified';

/** A link into the reports folder (relative path) with its text. */
export interface Link {
  text: string;
  href: string;
}

export interface ClaimRow {
  status: Status;
  claim: string;
  /** The test's measurements in a few words, when it has any. */
  measured?: string;
  /** Its pictures (suite 4: the connections of a fault). */
  links?: Link[];
}

export interface FaultRow {
  status: Status;
  fault: string;
  moved?: string;
  movedBudget?: string;
  back?: string;
  backBudget?: string;
  /** Data-plane downtime per client, from the probe: first to last failed request ("client 0.21 s, client02 0.19 s"). */
  downtime: string;
  /** "client 3, client02 2" */
  lost: string;
  /** "black-hole 4, micro-loop 1" (or "none") */
  causes: string;
  links: Link[];
}

export interface SuiteSection {
  file: string;
  title: string;
  passed: number;
  total: number;
  rows: ClaimRow[];
  faults?: FaultRow[];
}

export interface RunSummary {
  verdict: 'pass' | 'fail';
  counts: { passed: number; failed: number; skipped: number; unverified: number };
  wallSeconds: number;
  /** One line: provider, runtime, FRR and GoBGP versions pinned and run, hash policy, bring-up. */
  lab?: string;
  failures: { name: string; file: string; error: string; links: Link[] }[];
  /** Errors outside any test, and a run that ran no test at all: each fails the run (no evidence is no pass). */
  runErrors: string[];
  /** Claims not verified on this run, each with why and how to verify it. */
  unverified: { name: string; file: string; why: string }[];
  /** Projects reported as one line each (unit, process). */
  projects: { name: string; passed: number; failed: number; total: number }[];
  suites: SuiteSection[];
  links: Link[];
}

/** "2 not verified, 1 skipped" (or ''): the tests a run neither passed nor failed, as every rendering says them. */
export function notRunAside(counts: Pick<RunSummary['counts'], 'unverified' | 'skipped'>): string {
  return [
    counts.unverified ? `${counts.unverified} not verified` : '',
    counts.skipped ? `${counts.skipped} skipped` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const status = (t: Pick<TestRecord, 'state' | 'note'>): Status =>
  t.state === 'passed'
    ? 'passed'
    : t.state === 'failed'
      ? 'failed'
      : notVerifiedReason(t.note) !== undefined
        ? 'unverified'
        : 'skipped';

/**
 * The test's own words: its name without the describe blocks every test of its file shares
 * (the section title says those); blocks that differ stay, since they say which session,
 * which client, which hash policy.
 */
export function claimOf(name: string, siblings: string[] = [name]): string {
  return claimer(siblings)(name);
}

/**
 * What claimOf gives each name, with the siblings' shared prefix found once: at K VIPs a suite
 * has tens of thousands of tests, and comparing every name with every sibling is quadratic
 * (measured: over 5 minutes for 42 000 tests; this is linear).
 */
export function claimer(siblings: string[]): (name: string) => string {
  const all = siblings.map((n) => n.split(' > '));
  // The segments every sibling shares, each sibling keeping at least its last one.
  let shared = all.length ? Math.min(...all.map((p) => p.length - 1)) : 0;
  for (let i = 0; i < shared; i++) if (all.some((p) => p[i] !== all[0]![i])) shared = i;
  return (name) => {
    const parts = name.split(' > ');
    let common = 0;
    while (common < Math.min(shared, parts.length - 1) && parts[common] === all[0]![common]) common++;
    return parts.slice(common).join(' › ');
  };
}

function num(v: Metric['value'] | undefined, unit = ''): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number') return String(v);
  return `${Number(v.toFixed(v < 1 ? 3 : 2))}${unit ? ` ${unit}` : ''}`;
}

/** A few words for a test's metrics (suite 3's agreement and shares, say); long values cut. */
function measuredOf(metrics: Metric[]): string | undefined {
  if (!metrics.length) return undefined;
  const text = metrics
    .map((m) => `${m.name} ${num(m.value, m.unit === '%' ? '' : m.unit)}${m.unit === '%' ? ' %' : ''}`)
    .join('; ');
  return text.length > 140 ? `${text.slice(0, 137)}…` : text;
}

function faultRow(t: TestRecord, fault: string): FaultRow {
  const by = (key: string) => t.metrics.find((m) => m.key === key);
  const moved = by(FAILOVER_KEYS.moved);
  const back = by(FAILOVER_KEYS.back);
  /** "<who> <value>" for each metric of a family: "client02 3". */
  const perMember = (family: { who(key: string): string | undefined }) =>
    t.metrics.flatMap((m) => {
      const who = family.who(m.key);
      return who === undefined ? [] : [`${who} ${m.value}`];
    });
  const lost = perMember(FAILOVER_KEYS.lost);
  const downtime = t.metrics.flatMap((m) => {
    const who = FAILOVER_KEYS.outage.who(m.key);
    return who === undefined ? [] : [`${who} ${num(m.value, m.unit)}`];
  });
  const causes = perMember(FAILOVER_KEYS.cause);
  const unexplained = by(FAILOVER_KEYS.unexplained);
  return {
    status: status(t),
    fault,
    moved: num(moved?.value, moved?.unit),
    movedBudget: moved?.budget !== undefined ? `${moved.budget} s = ${moved.formula}` : undefined,
    back: num(back?.value, back?.unit),
    backBudget: back?.budget !== undefined ? `${back.budget} s = ${back.formula}` : undefined,
    downtime: downtime.join(', ') || '—',
    lost: lost.join(', ') || '—',
    causes:
      [
        ...causes,
        ...(unexplained && Number(unexplained.value) > 0 ? [`**unexplained ${unexplained.value}**`] : []),
      ].join(', ') || 'none',
    links: t.artefacts.map((a) => ({
      text: a.endsWith('.svg') ? 'timeline' : a.endsWith('.txt') ? 'losses' : 'state dump',
      href: a,
    })),
  };
}

function labLine(lab: LabInfo | undefined): string | undefined {
  if (!lab) return undefined;
  const v = lab.versions;
  const parts = [`lab "${lab.lab}" on ${lab.provider}`];
  if (v.runtime) parts.push(`runtime ${v.runtime}`);
  if (v.frr)
    parts.push(
      `FRR ${v.frr}${v['frr source'] ? ` (${v['frr source']})` : v['frr pinned'] && v['frr pinned'] !== v.frr ? ` (pinned ${v['frr pinned']})` : ''}`,
    );
  if (v.gobgp) parts.push(`GoBGP ${v.gobgp}${v['gobgp pinned'] ? ` (pinned ${v['gobgp pinned']})` : ''}`);
  if (v.cilium) parts.push(`Cilium ${v.cilium}`);
  if (v.kernel) parts.push(`kernel ${v.kernel}`);
  // Mixed versions: each router or node on another runtime than the lab's, named.
  for (const [node, runtime] of nodesOnOtherRuntimes(v)) parts.push(`${node} on ${runtime}`);
  // A string is why the policy could not be read from the routers.
  if (typeof lab.hashing === 'object') parts.push(`ECMP hash policy ${lab.hashing.policy}`);
  if (lab.bringUpSeconds !== undefined) parts.push(`bring-up ${lab.bringUpSeconds.toFixed(2)} s`);
  if (lab.scenarioLanes !== undefined && lab.scenarioLanes > 1)
    parts.push(
      `fault scenarios on ${lab.scenarioLanes} labs side by side (${lab.scenarioLabs} ${lab.scenarioLabs === 1 ? 'copy' : 'copies'}${lab.scenarioLanes > (lab.scenarioLabs ?? 0) ? ' and the run’s lab, after the read-only suites' : ''})`,
    );
  else if (lab.scenarioLabs !== undefined)
    parts.push(
      lab.scenarioLabs
        ? `fault scenarios on ${lab.scenarioLabs} lab copies side by side`
        : 'fault scenarios one after another',
    );
  return parts.join(' · ');
}

/** The vitest projects whose tests run against a lab: the lab suites, and the upgrade rehearsal (suite 9). */
const LAB_PROJECTS = ['lab', 'rehearsal'];

export function buildSummary(r: RunResults): RunSummary {
  const unverified = r.tests.flatMap((t) => {
    const why = t.state === 'skipped' ? notVerifiedReason(t.note) : undefined;
    return why === undefined ? [] : [{ name: t.name, file: t.file, why }];
  });
  const counts = {
    passed: r.counts.passed ?? 0,
    failed: r.counts.failed ?? 0,
    skipped: (r.counts.skipped ?? 0) + (r.counts.pending ?? 0) - unverified.length,
    unverified: unverified.length,
  };
  const failures = r.tests
    .filter((t) => t.state === 'failed')
    .map((t) => ({
      name: t.name,
      file: t.file,
      error: t.error ?? '',
      links: t.artefacts.map((a) => ({ text: a.endsWith('/') ? `state dump ${a}` : a, href: a })),
    }));
  // The projects that test a lab get a section per suite file; the others (unit, lifecycle) one line each.
  const onLab = (t: TestRecord) => LAB_PROJECTS.includes(t.project);
  const projects = [...new Set(r.tests.filter((t) => !onLab(t)).map((t) => t.project))].map((name) => {
    const ts = r.tests.filter((t) => t.project === name);
    return {
      name,
      passed: ts.filter((t) => t.state === 'passed').length,
      failed: ts.filter((t) => t.state === 'failed').length,
      total: ts.length,
    };
  });
  const files = [...new Set(r.tests.filter(onLab).map((t) => t.file))];
  const suites = files.map((file): SuiteSection => {
    const ts = r.tests.filter((t) => onLab(t) && t.file === file);
    const claimFor = claimer(ts.map((t) => t.name));
    const claim = (t: TestRecord) => claimFor(t.name);
    const isFault = (t: TestRecord) => t.metrics.some((m) => m.key === FAILOVER_KEYS.moved);
    const faults = ts.filter(isFault).map((t) => faultRow(t, claim(t)));
    return {
      file,
      title: file.replace(/^.*\//, '').replace(/\.test\.ts$/, ''),
      passed: ts.filter((t) => t.state === 'passed').length,
      total: ts.length,
      rows: ts
        .filter((t) => !isFault(t))
        .map((t) => ({
          status: status(t),
          claim: claim(t),
          measured: measuredOf(t.metrics),
          ...(t.artefacts.some((a) => /\.(svg|md)$/.test(a))
            ? {
                links: t.artefacts
                  .filter((a) => /\.(svg|md)$/.test(a))
                  .map((href) => ({ text: href.endsWith('.md') ? 'report' : 'picture', href })),
              }
            : {}),
        })),
      ...(faults.length ? { faults } : {}),
    };
  });
  const runErrors = [...(r.runErrors ?? []), ...(r.tests.length === 0 ? ['no test ran: nothing was verified'] : [])];
  return {
    verdict: counts.failed > 0 || runErrors.length > 0 ? 'fail' : 'pass',
    counts,
    runErrors,
    wallSeconds: r.wallSeconds,
    lab: labLine(r.lab),
    failures,
    unverified,
    projects,
    suites,
    links: [
      { text: 'results.json (every metric)', href: 'results.json' },
      { text: 'junit.xml', href: 'junit.xml' },
      { text: 'summary.md', href: 'summary.md' },
    ],
  };
}
