/**
 * What suite 4 records of one fault: the metrics (times against their budgets, lost requests
 * by cause and by client, harness errors) and the artefacts (the timeline picture, the raw
 * records, the list of failed requests with their causes).
 */
import type { RunnerTask } from 'vitest';
import { contendedPercent } from '../os/cpu-pressure.js';
import type { FailoverFindings, FailoverTimeline } from '../experiment/failover-findings.js';
import type { FaultTarget } from '../faults/fault-target.js';
import { countVerdicts, describeHarnessError } from '../observe/loss-attribution.js';
import { writeArtefacts } from './artefacts.js';
import { recordMetric } from './metrics.js';
import { FAILOVER_KEYS, WATERFALL_KEYS } from './metric-keys.js';
import { renderTimeline } from './timeline-svg.js';
import { renderWaterfalls } from './waterfall-svg.js';
import { PHASE_LABEL } from '../experiment/waterfall.js';
import type { AnchoredPhase } from '../experiment/fault-effect.js';
import { fromCommand } from '../faults/budgets.js';

const at = (t: number, t0: number) => `${((t - t0) / 1000).toFixed(3)} s`;

/** The expected outcome of a speaker crash (fabric moves or holds), with why. */
export function recordOutcome(task: RunnerTask, tl: FailoverTimeline): void {
  const o = tl.spec.outcome;
  if (o) recordMetric(task, { key: FAILOVER_KEYS.outcome, name: 'expected outcome', value: o.kind, formula: o.why });
}

export function recordFailover(task: RunnerTask, target: FaultTarget, tl: FailoverTimeline, f: FailoverFindings): void {
  if (tl.speakerBack) recordHolds(task, target, tl, f);
  else recordMoves(task, tl, f);
  recordMetric(task, {
    key: FAILOVER_KEYS.harness,
    name: 'requests the probe could not send (harness errors)',
    value: f.harness.length,
    budget: 0,
  });
  for (const [verdict, n] of Object.entries(countVerdicts(f.losses)))
    recordMetric(task, { key: FAILOVER_KEYS.cause(verdict), name: `lost requests: ${verdict}`, value: n });
  recordMetric(task, {
    key: FAILOVER_KEYS.unexplained,
    name: 'lost requests without an allowed cause',
    value: f.unexpected.length,
    budget: 0,
  });
  const gaps = Object.keys(f.gaps).length;
  if (gaps)
    recordMetric(task, {
      key: FAILOVER_KEYS.untraced,
      name: 'nodes without a packet trail (their losses judged by time only)',
      value: gaps,
    });
  recordClients(task, target, tl, f);
  recordWaterfalls(task, f);
  const contended = contendedPercent(tl.cpuPressure);
  recordMetric(task, {
    key: FAILOVER_KEYS.hostCpuWait,
    name: "the host's tasks waiting for a CPU over the run (/proc/pressure/cpu some)",
    value: contended ?? `not measured: ${'absent' in tl.cpuPressure ? tl.cpuPressure.absent : 'fewer than 2 samples'}`,
    ...(contended !== undefined ? { unit: '%' } : {}),
  });
}

/** Each link of each chain, in ms since the event it follows; the gate compares each with its band or window (./compare.ts). */
function recordWaterfalls(task: RunnerTask, f: FailoverFindings): void {
  for (const w of f.waterfalls) {
    for (const l of w.links)
      recordMetric(task, {
        key: WATERFALL_KEYS.link(`${w.phase}.${l.node}.${l.event}`),
        name: `${PHASE_LABEL[w.phase]}: ${l.node} ${l.event} after ${l.after}${l.critical ? '' : ' (side branch)'}`,
        value: Number((l.seconds * 1000).toFixed(2)),
        unit: 'ms',
        link: { after: l.after, critical: l.critical },
      });
    if (w.missing.length)
      recordMetric(task, {
        key: WATERFALL_KEYS.link(`${w.phase}.missing`),
        name: `${PHASE_LABEL[w.phase]}: events not in the evidence`,
        value: w.missing.length,
        formula: w.missing.join('; '),
      });
  }
}

function recordHolds(task: RunnerTask, target: FaultTarget, tl: FailoverTimeline, f: FailoverFindings): void {
  const back = tl.spec.outcome!.speakerBack!;
  const t = tl.speakerBack!.t;
  recordMetric(task, {
    key: FAILOVER_KEYS.speakerBack,
    name: 'speaker back after',
    value: t === undefined ? 'not within the GR restart time' : (t - tl.tFault) / 1000,
    unit: 's',
    budget: back.seconds,
    formula: `${back.formula}; stamped by polling ${target.session.a.node}`,
  });
  recordMetric(task, {
    key: FAILOVER_KEYS.ecmpMoves,
    name: 'ECMP next-hop changes during the fault',
    value: f.ecmpMoves.length,
    budget: 0,
  });
}

function recordMoves(task: RunnerTask, tl: FailoverTimeline, f: FailoverFindings): void {
  const { spec } = tl;
  // Timed from the fault's effect when it was seen (./fault-effect.ts), else from its command.
  const detect = f.anchors?.detect.budget ?? fromCommand(spec, 'detect');
  const failBack = f.anchors?.failBack.budget ?? fromCommand(spec, 'failBack');
  const from = (phase: AnchoredPhase) => (f.anchors ? `from ${f.anchors[phase].seen}: ` : '');
  recordMetric(task, {
    key: FAILOVER_KEYS.moved,
    name: 'fabric moved to survivors after',
    value: f.movedS ?? 'not within budget',
    unit: 's',
    budget: detect.seconds,
    formula: `${from('detect')}${detect.formula}`,
    jitterSeconds: detect.jitterSeconds,
  });
  recordMetric(task, {
    key: FAILOVER_KEYS.back,
    name: 'failed back after restore',
    value: f.backS ?? 'not within budget',
    unit: 's',
    budget: failBack.seconds,
    formula: `${from('failBack')}${failBack.formula}`,
    jitterSeconds: failBack.jitterSeconds,
  });
  for (const [phase, a] of Object.entries(f.anchors ?? {}))
    if (a.commandS !== undefined)
      recordMetric(task, {
        key: FAILOVER_KEYS.command(phase),
        name: `${phase === 'detect' ? 'fault' : 'restore'}: the command to ${a.seen}`,
        value: a.commandS,
        unit: 's',
        ...(a.controlPlane
          ? { budget: a.controlPlane.seconds, formula: a.controlPlane.formula }
          : { formula: "the tool's own command path: outside the budgets" }),
      });
  const tMoved = tl.moved?.t;
  if (f.tFirstChange !== undefined && tMoved !== undefined && f.tFirstChange <= tMoved)
    recordMetric(task, {
      key: FAILOVER_KEYS.transient,
      name: 'withdrawal transient (victim path changed → ECMP moved)',
      value: (tMoved - f.tFirstChange) / 1000,
      unit: 's',
      budget: spec.transient.seconds,
      formula: spec.transient.formula,
    });
  if (f.monitorLagMs !== undefined)
    recordMetric(task, {
      key: FAILOVER_KEYS.monitorLag,
      name: 'route monitor read lag (its stamp after a lost packet showed the change)',
      value: f.monitorLagMs,
      unit: 'ms',
    });
}

/** Per client: requests during the fault, lost, the outage window (when it has a budget), answered by the victim's cluster. */
function recordClients(task: RunnerTask, target: FaultTarget, tl: FailoverTimeline, f: FailoverFindings): void {
  const { spec } = tl;
  const outage = tl.speakerBack
    ? undefined
    : spec.dataPlaneAlive
      ? {
          seconds: spec.transient.seconds,
          formula: `data plane up: only the propagation transient, ${spec.transient.formula}`,
        }
      : (f.anchors?.detect.budget ?? fromCommand(spec, 'detect'));
  for (const [client, st] of f.clients) {
    recordMetric(task, {
      key: FAILOVER_KEYS.requests(client),
      name: `${client}: requests during fault`,
      value: st.requests,
    });
    recordMetric(task, { key: FAILOVER_KEYS.lost(client), name: `${client}: lost`, value: st.lost });
    if (outage)
      recordMetric(task, {
        key: FAILOVER_KEYS.outage(client),
        name: `${client}: outage window`,
        value: st.outageSeconds,
        unit: 's',
        budget: outage.seconds,
        formula: outage.formula,
      });
    recordMetric(task, {
      key: FAILOVER_KEYS.answeredByFailed(client),
      name: `${client}: answered by ${target.victimCluster} during fault`,
      value: st.answeredByFailed,
    });
  }
}

/** The timeline picture (requests and every router's FIB), the raw records and the list of failed requests. */
export function writeFailoverArtefacts(
  task: RunnerTask,
  reportsDir: string,
  target: FaultTarget,
  tl: FailoverTimeline,
  f: FailoverFindings,
): void {
  const { kind, spec, tFault } = tl;
  const routers = [...new Set(tl.fib.map((c) => c.router))];
  const svg = renderTimeline({
    title: `${spec.title}: ${target.victim} (${target.victimCluster})`,
    t0: tFault,
    clusters: target.clusters,
    lanes: Object.entries(tl.observed.probes).map(([name, requests]) => ({ name, requests })),
    fibLanes: routers.map((name) => ({ name, changes: tl.fib.filter((c) => c.router === name) })),
    marks: tl.marks,
  });
  const { observed, fibAt: _fibAt, ...moments } = tl;
  const raw = {
    ...moments,
    gaps: f.gaps,
    losses: f.losses,
    harness: f.harness,
    waterfalls: f.waterfalls,
    bgp: observed.bgp,
    records: observed.probes,
  };
  const lines = [
    ...f.harness.map((h) => describeHarnessError(h, tFault)),
    ...f.losses.map((l) => `${at(l.t, tFault)} ${l.client} port ${l.sport} (${l.err}): ${l.verdict}: ${l.detail}`),
  ];
  const waterfall = renderWaterfalls(`${spec.title}: the chain of events, hop by hop`, f.waterfalls);
  writeArtefacts(task, reportsDir, 'timelines', [
    { name: `${kind}.svg`, content: svg, linked: true },
    ...(f.waterfalls.length ? [{ name: `${kind}.waterfall.svg`, content: waterfall, linked: true }] : []),
    { name: `${kind}.json`, content: raw },
    { name: `${kind}.losses.txt`, content: lines.join('\n') + '\n', linked: true },
  ]);
}
