/**
 * Suite 4, failover timing. A probe in every client opens a fresh connection every 10 ms
 * (300 ms timeout) and records time, source port, outcome and serving cluster. Faults hit
 * one node of the first cluster, one at a time, each restored and re-converged before the
 * next. For each: the outage window (first to last failed request), requests lost, the time
 * until every ECMP router holds only the survivors' next hops, and the time to fail back
 * after restore, each against a budget derived from the configured timers and the
 * capabilities actually negotiated (the formula goes in the report). During a fault that
 * kills the node's data plane, no request may be answered by it; during one that leaves the
 * data plane up (withdrawal, speaker crash with graceful restart), a request may be lost only
 * in the withdrawal transient, each loss attributed. A request the probe could not send (its
 * bind or connect failed inside the client) is a harness error: never counted as lost, and
 * every fault's first claim is that there was none (missing evidence is never a pass).
 *
 * A speaker crash has one of two expected outcomes, derived per provider from what restarts
 * the speaker and how soon (helpers/faults/budgets.ts crashOutcome; the test records it as
 * "expected outcome"): the fabric moves (the netns emulation restarts the speaker only at the
 * restore, so the GR restart time runs out), or the fabric holds (on the real lab kubelet
 * restarts a killed cilium-agent, which redials within the GR restart time): then the leaf's
 * session must come back within the restart time, no ECMP router may change its next hops,
 * no request may be lost and the victim keeps answering.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it, type RunnerTask } from 'vitest';
import { convergenceProblem } from '../helpers/lab/convergence.js';
import { FAULT_TITLES, PER_HOP_SECONDS, type FaultSpec, type NegotiatedSession } from '../helpers/faults/budgets.js';
import { bgpNeighbors } from '../helpers/clients/frr.js';
import { grSettleProblem } from '../helpers/faults/negotiated.js';
import { outageStats, type OutageStats } from '../helpers/faults/outage.js';
import { monitorRoutes, type FibChange } from '../helpers/observe/route-monitor.js';
import { startPacketTrail, type PacketTrail, type TrailPacket } from '../helpers/observe/packet-trail.js';
import {
  attributeLosses,
  countVerdicts,
  describeHarnessError,
  splitFailures,
  type HarnessError,
  type LostRequest,
} from '../helpers/observe/loss-attribution.js';
import { firstPathChange, unexpectedLosses, type RequestSpan } from '../helpers/faults/allowed-losses.js';
import { startProbe, type ProbeRecord, type RunningProbe } from '../helpers/traffic/probe.js';
import { renderTimeline } from '../helpers/report/timeline-svg.js';
import { recordArtefact, recordMetric } from '../helpers/report/metrics.js';
import { Deadline, waitUntil } from '../helpers/runtime/poll.js';
import type { FaultKind } from '../helpers/providers/api/lab-handle.js';
import { budgetFault, faultTarget, settleBeforeFault } from '../helpers/faults/fault-target.js';
import { useLab } from './lab.js';

const lab = await useLab();
const model = lab.model;
const target = faultTarget(lab);
const { vip, clusters, service, victimCluster, victim, session, ecmpRouters, fullSet, survivors, hops, clientAddress } =
  target;
const PROBE = { intervalMs: 10, timeoutMs: 300 };
/** Every router is watched (not only the ECMP points) and every node traced, so each loss has a place. */
const routers = Object.keys(model.routers);
const traced = [...routers, ...Object.keys(model.hosts), ...Object.keys(model.k8sNodes)];
/** The routers between the clients and the victim: its leaf and the ECMP routers. */
const onPath = [...new Set([session.a.node, ...ecmpRouters])];
const nodeCluster = Object.fromEntries(Object.entries(model.k8sNodes).map(([n, k]) => [n, k.cluster]));
/** How often the suite looks at the monitored state while waiting (the stamps come from the monitor, not from this). */
const LOOK_MS = 20;
const reports = join(inject('reportsDir'), 'timelines');
const now = () => performance.timeOrigin + performance.now();

const FAULTS: FaultKind[] = ['vip-withdrawn', 'node-link-down', 'speaker-crash', 'silent-drop'];

/** The leaf's view of the victim's session: state and how many sessions it has had and lost (FRR `show bgp neighbors json`). */
async function leafSession(): Promise<{ state: string; established: number; dropped: number }> {
  const n = (await bgpNeighbors(lab, session.a.node))[session.b.address];
  return {
    state: n?.state ?? 'missing',
    established: Number(n?.raw.connectionsEstablished ?? 0),
    dropped: Number(n?.raw.connectionsDropped ?? 0),
  };
}

/** Timeline picture (requests and every router's FIB), raw records and the list of lost requests of one fault. */
function writeArtefacts(
  task: RunnerTask,
  spec: FaultSpec,
  raw: Record<string, unknown>,
  records: Record<string, ProbeRecord[]>,
  fib: ReturnType<typeof monitorRoutes>,
  marks: { t: number; label: string }[],
  losses: (LostRequest & { client: string })[],
  harness: HarnessError[],
  tFault: number,
): void {
  const file = `${spec.kind}.svg`;
  mkdirSync(reports, { recursive: true });
  const fibLanes = routers.map((name) => ({ name, changes: fib.changes.filter((c) => c.router === name) }));
  writeFileSync(
    join(reports, file),
    renderTimeline({
      title: `${spec.title}: ${victim} (${victimCluster})`,
      t0: tFault,
      clusters,
      lanes: Object.entries(records).map(([name, requests]) => ({ name, requests })),
      fibLanes,
      marks,
    }),
  );
  writeFileSync(
    join(reports, `${spec.kind}.json`),
    JSON.stringify({ spec, ...raw, fib: fib.changes, losses, harness, records }, null, 1),
  );
  writeFileSync(
    join(reports, `${spec.kind}.losses.txt`),
    [
      ...harness.map((h) => describeHarnessError(h, tFault)),
      ...losses.map(
        (l) =>
          `${((l.t - tFault) / 1000).toFixed(3)} s ${l.client} port ${l.sport} (${l.err}): ${l.verdict}: ${l.detail}`,
      ),
    ].join('\n') + '\n',
  );
  recordArtefact(task, `timelines/${file}`);
  recordArtefact(task, `timelines/${spec.kind}.losses.txt`);
}

/** The fault being judged: its kind, budgets, the session as negotiated before it, and when it was injected (epoch ms). */
interface Fault {
  kind: FaultKind;
  spec: FaultSpec;
  negotiated: NegotiatedSession;
  /** The injection began. */
  tFault: number;
  /** The injection returned. */
  tInjected: number;
}

type Outcome = NonNullable<FaultSpec['outcome']>;
type LeafSession = Awaited<ReturnType<typeof leafSession>>;
type ClientStats = [client: string, stats: OutageStats][];

/** What the probes, the route monitors and the packet trail saw, once stopped. */
interface Observed {
  records: Record<string, ProbeRecord[]>;
  /** Routers whose monitored state differs from a final dump. */
  missed: string[];
  packets: TrailPacket[];
  /** Per node, why its trail is incomplete. */
  gaps: Record<string, string>;
}

/** Each fault starts from a converged lab with the victim's session settled. */
/**
 * One fault's observers (a probe in every client, every router's FIB, the packet trail), started
 * together, and the marks of its timeline; the fault, injected and lifted once; and the clean-up
 * that lifts a fault still in place and stops whatever still runs, whatever failed before.
 */
class FaultRun {
  readonly probes: RunningProbe[];
  readonly fib: ReturnType<typeof monitorRoutes>;
  readonly trail: PacketTrail;
  readonly marks: { t: number; label: string }[] = [];
  private restoreFault: (() => Promise<void>) | undefined;
  private trailStopped = false;

  constructor(maxSeconds: number) {
    this.probes = Object.keys(model.hosts).map((c) =>
      startProbe(lab, c, `${vip}:${service.port}`, { ...PROBE, maxSeconds }),
    );
    this.fib = monitorRoutes(lab, routers, vip);
    this.trail = startPacketTrail(lab, traced, vip);
  }

  /** Every observer ready, and every client being answered before anything breaks. */
  async baseline(): Promise<void> {
    await Promise.all([this.fib.ready, this.trail.ready]);
    await waitUntil(
      async () =>
        this.probes.every((p) => p.soFar().filter((r) => r.ok).length >= 20) ? undefined : 'probes have no answers yet',
      { what: 'baseline answers from every probe', deadline: new Deadline(10_000), intervalMs: 20 },
    );
  }

  /** A moment for the timeline picture. */
  mark(t: number, label: string): void {
    this.marks.push({ t, label });
  }

  /** Injects the fault into the victim and marks it; resolves with when the injection began and returned. */
  async inject(kind: FaultKind): Promise<{ tFault: number; tInjected: number }> {
    const tFault = now();
    this.restoreFault = (await lab.injectFault(kind, victim)).restore;
    const tInjected = now();
    this.mark(tFault, 'fault');
    return { tFault, tInjected };
  }

  /** Lifts the fault; resolves with the moment the restore began. */
  async restore(): Promise<number> {
    const tRestore = now();
    this.mark(tRestore, 'restore');
    const restore = this.restoreFault!;
    await restore();
    this.restoreFault = undefined;
    return tRestore;
  }

  /** Stops the probes, the route monitors and the packet trail, and resolves with what they saw. */
  async stop(): Promise<Observed> {
    const records = Object.fromEntries(
      await Promise.all(this.probes.map(async (p) => [p.client, await p.stop()] as const)),
    );
    const missed = await this.fib.stop();
    const { packets, gaps } = await this.trail.stop();
    this.trailStopped = true;
    return { records, missed, packets, gaps };
  }

  /** Whatever happened before: lifts a fault still in place and stops every observer, ignoring their errors. */
  async cleanUp(): Promise<void> {
    const restore = this.restoreFault;
    if (restore) await restore().catch(() => undefined);
    await this.fib.stop().catch(() => undefined);
    if (!this.trailStopped) await this.trail.stop().catch(() => undefined);
    for (const p of this.probes) await p.stop().catch(() => undefined);
  }
}

/**
 * Every failed request, with its client: those that left the client (lost, for the network to
 * explain) apart from those the probe could not send (harness errors, never counted as lost).
 */
function failedRequests(records: Record<string, ProbeRecord[]>): {
  lost: (ProbeRecord & { client: string })[];
  harness: HarnessError[];
} {
  return splitFailures(
    Object.entries(records).flatMap(([client, recs]) => recs.filter((r) => !r.ok).map((r) => ({ ...r, client }))),
  );
}

function recordHarnessErrors(task: RunnerTask, harness: HarnessError[]): void {
  recordMetric(task, {
    key: 'failover.harness',
    name: 'requests the probe could not send (harness errors)',
    value: harness.length,
    budget: 0,
  });
}

/** First claim of every fault: the probe sent every request, so the evidence is whole (a harness error is neither a loss nor a pass). */
function judgeHarness(harness: HarnessError[], tFault: number): void {
  expect(
    harness.map((h) => describeHarnessError(h, tFault)),
    'harness errors: requests the probe could not send (not network loss; see probe.mjs on source ports)',
  ).toEqual([]);
}

/** Each failed request with the place and cause of its death, from the packet trail and the FIB history. */
function attributeFailures(
  failed: (ProbeRecord & { client: string })[],
  observed: Observed,
  fib: FaultRun['fib'],
  tFault: number,
): LostRequest[] {
  return attributeLosses(
    failed,
    observed.packets,
    { clientAddress, nodeCluster, routers, fibAt: fib.at, gaps: observed.gaps },
    tFault,
  );
}

/** Each client's requests from the injection to the restore: how many, lost, answered by the victim's cluster. */
function clientStats(records: Record<string, ProbeRecord[]>, tInjected: number, tRestore: number): ClientStats {
  return Object.entries(records).map(([client, recs]) => [
    client,
    outageStats(recs, victimCluster, tInjected, tRestore),
  ]);
}

function recordLossCauses(task: RunnerTask, losses: LostRequest[]): void {
  for (const [verdict, n] of Object.entries(countVerdicts(losses)))
    recordMetric(task, { key: `failover.cause.${verdict}`, name: `lost requests: ${verdict}`, value: n });
}

/** Per client: requests during the fault, lost, the outage window (when it has a budget), answered by the victim's cluster. */
function recordClientMetrics(
  task: RunnerTask,
  clients: ClientStats,
  outageBudget?: { seconds: number; formula: string },
): void {
  for (const [client, st] of clients) {
    recordMetric(task, {
      key: `failover.requests.${client}`,
      name: `${client}: requests during fault`,
      value: st.requests,
    });
    recordMetric(task, { key: `failover.lost.${client}`, name: `${client}: lost`, value: st.lost });
    if (outageBudget)
      recordMetric(task, {
        key: `failover.outage.${client}`,
        name: `${client}: outage window`,
        value: st.outageSeconds,
        unit: 's',
        budget: outageBudget.seconds,
        formula: outageBudget.formula,
      });
    recordMetric(task, {
      key: `failover.answeredByFailed.${client}`,
      name: `${client}: answered by ${victimCluster} during fault`,
      value: st.answeredByFailed,
    });
  }
}

/** Waits until every ECMP router's next hops pass `ok` at once, at or after `since`; resolves with that moment (the monitor's stamp). */
async function ecmpRoutersAll(
  fib: FaultRun['fib'],
  since: number,
  ok: (router: string, hops: string[]) => boolean,
  what: string,
  deadline: Deadline,
): Promise<number> {
  await waitUntil(
    async () =>
      fib.firstTimeAll(ecmpRouters, since, ok) !== undefined
        ? undefined
        : `ECMP routers hold ${ecmpRouters.map((r) => `${r}: [${fib.current(r)?.join(', ')}]`).join('; ')}`,
    {
      what,
      deadline,
      intervalMs: LOOK_MS,
    },
  );
  return fib.firstTimeAll(ecmpRouters, since, ok)!;
}

// The fabric holds: the speaker comes back within the GR restart time and nothing downstream notices.

interface HoldsSeen {
  tSpeakerBack: number;
  tRestore: number;
  observed: Observed;
}

/** Waits for the speaker to be back and the graceful restart to end, lifts the fault and stops the observers. */
async function observeFabricHolds(
  task: RunnerTask,
  run: FaultRun,
  holds: Outcome,
  sessionBefore: LeafSession,
): Promise<HoldsSeen> {
  const tSpeakerBack = await speakerBack(task, holds, sessionBefore);
  run.mark(tSpeakerBack, 'speaker back');
  // Graceful restart ends with End-of-RIB both ways: then the leaf drops whatever was not refreshed…
  await waitUntil(() => grSettleProblem(lab, session), {
    what: `${session.a.node} ↔ ${victim} to finish the graceful restart (End-of-RIB both ways)`,
    deadline: new Deadline(10_000),
  });
  // …and a withdrawal that followed would reach the ECMP routers within the propagation allowance.
  const tSettled = now();
  await waitUntil(
    async () => (now() > tSettled + hops * PER_HOP_SECONDS * 1000 ? undefined : 'propagation allowance'),
    {
      what: 'one propagation allowance after the graceful restart ended',
      deadline: new Deadline(hops * PER_HOP_SECONDS * 1000 + 1000),
      intervalMs: LOOK_MS,
    },
  );
  const tRestore = await run.restore();
  return { tSpeakerBack, tRestore, observed: await run.stop() };
}

/**
 * The speaker comes back by itself within the GR restart time: the leaf must keep the stale path,
 * take the refreshed one, and nothing downstream may notice. Resolves with the moment the leaf's
 * session is seen re-established; records that it was not, when it is not within the restart time.
 */
async function speakerBack(task: RunnerTask, holds: Outcome, sessionBefore: LeafSession): Promise<number> {
  await waitUntil(
    async () => {
      const c = await leafSession();
      return c.dropped > sessionBefore.dropped && c.established > sessionBefore.established && c.state === 'Established'
        ? undefined
        : `${session.a.node} sees ${victim} ${c.state}, sessions established ${c.established} (was ${sessionBefore.established}), dropped ${c.dropped} (was ${sessionBefore.dropped})`;
    },
    {
      what: `${victim}'s speaker to be back (${holds.speakerBack!.formula})`,
      deadline: new Deadline(holds.speakerBack!.seconds * 1000),
      intervalMs: LOOK_MS,
    },
  ).catch((err: Error) => {
    recordMetric(task, {
      key: 'failover.speakerBack',
      name: 'speaker back after',
      value: 'not within the GR restart time',
      budget: holds.speakerBack!.seconds,
      unit: 's',
      formula: holds.speakerBack!.formula,
    });
    throw err;
  });
  return now();
}

interface HoldsFindings {
  losses: LostRequest[];
  harness: HarnessError[];
  /** The ECMP routers' next-hop changes since the fault. */
  ecmpMoves: FibChange[];
  clients: ClientStats;
}

function fabricHoldsFindings(fib: FaultRun['fib'], fault: Fault, seen: HoldsSeen): HoldsFindings {
  const { lost, harness } = failedRequests(seen.observed.records);
  const losses = attributeFailures(lost, seen.observed, fib, fault.tFault);
  const ecmpMoves = fib.changes.filter(
    (c) => c.source === 'event' && c.t >= fault.tFault && ecmpRouters.includes(c.router),
  );
  return { losses, harness, ecmpMoves, clients: clientStats(seen.observed.records, fault.tInjected, seen.tRestore) };
}

function recordFabricHolds(
  task: RunnerTask,
  run: FaultRun,
  fault: Fault,
  holds: Outcome,
  seen: HoldsSeen,
  found: HoldsFindings,
): void {
  const { kind, spec, negotiated, tFault, tInjected } = fault;
  const { tSpeakerBack, tRestore } = seen;
  recordMetric(task, {
    key: 'failover.speakerBack',
    name: 'speaker back after',
    value: (tSpeakerBack - tFault) / 1000,
    unit: 's',
    budget: holds.speakerBack!.seconds,
    formula: `${holds.speakerBack!.formula}; stamped by polling ${session.a.node}`,
  });
  recordMetric(task, {
    key: 'failover.ecmpMoves',
    name: 'ECMP next-hop changes during the fault',
    value: found.ecmpMoves.length,
    budget: 0,
  });
  recordHarnessErrors(task, found.harness);
  recordLossCauses(task, found.losses);
  recordMetric(task, {
    key: 'failover.unexplained',
    name: 'lost requests without an allowed cause',
    value: found.losses.length,
    budget: 0,
  });
  recordClientMetrics(task, found.clients);
  writeArtefacts(
    task,
    spec,
    { kind, negotiated, tFault, tInjected, tSpeakerBack, tRestore, gaps: seen.observed.gaps },
    seen.observed.records,
    run.fib,
    run.marks,
    found.losses,
    found.harness,
    tFault,
  );
}

function judgeFabricHolds({ tFault }: Fault, holds: Outcome, seen: HoldsSeen, found: HoldsFindings): void {
  judgeHarness(found.harness, tFault);
  expect(
    seen.observed.missed,
    'the route monitors saw every FIB change (their last state matches a fresh dump)',
  ).toEqual([]);
  expect(
    found.ecmpMoves.map((c) => `${((c.t - tFault) / 1000).toFixed(3)} s ${c.router}: [${c.nextHops.join(', ')}]`),
    `no ECMP router changes while ${victim}'s speaker restarts (${holds.why})`,
  ).toEqual([]);
  expect(
    found.losses.map(
      (l) => `${((l.t - tFault) / 1000).toFixed(3)} s ${l.client} (${l.err}): ${l.verdict}: ${l.detail}`,
    ),
    'no request lost: the data plane stayed up and the fabric held',
  ).toEqual([]);
  expect(
    found.clients.reduce((n, [, a]) => n + a.answeredByFailed, 0),
    `${victimCluster} kept answering during the fault`,
  ).toBeGreaterThan(0);
}

// The fabric moves: every ECMP router drops the victim within the detect budget and takes it back after the restore.

interface MovesSeen {
  tDetect: number;
  tRestore: number;
  tBack: number;
  observed: Observed;
}

/** Waits for the fabric to move to the survivors, lifts the fault, waits for it to fail back, and stops the observers. */
async function observeFabricMoves(
  task: RunnerTask,
  run: FaultRun,
  spec: FaultSpec,
  detectDeadline: Deadline,
  tFault: number,
): Promise<MovesSeen> {
  const tDetect = await fabricMoved(task, run, spec, detectDeadline, tFault);
  // Let requests already in flight to the failed path time out before lifting the fault.
  await waitUntil(async () => (now() > tDetect + PROBE.timeoutMs + 100 ? undefined : 'in-flight requests'), {
    what: 'in-flight requests to finish',
    deadline: new Deadline(PROBE.timeoutMs + 1000),
    intervalMs: 20,
  });
  const tRestore = await run.restore();
  const tBack = await fabricBack(run, spec, tRestore);
  return { tDetect, tRestore, tBack, observed: await run.stop() };
}

/** Every ECMP router holds only the survivors' next hops: resolves with that moment; records that it did not, when not within the detect budget. */
async function fabricMoved(
  task: RunnerTask,
  run: FaultRun,
  spec: FaultSpec,
  detectDeadline: Deadline,
  tFault: number,
): Promise<number> {
  const isSurvivorsOnly = (r: string, h: string[]) => h.join() === survivors.get(r)!.join();
  const tDetect = await ecmpRoutersAll(
    run.fib,
    tFault,
    isSurvivorsOnly,
    `every ECMP router to drop ${victimCluster} (${spec.detect.formula})`,
    detectDeadline,
  ).catch((err: Error) => {
    recordMetric(task, {
      key: 'failover.moved',
      name: 'fabric moved to survivors',
      value: 'not within budget',
      budget: spec.detect.seconds,
      unit: 's',
      formula: spec.detect.formula,
    });
    throw err;
  });
  run.mark(tDetect, 'fabric moved');
  return tDetect;
}

/** Every ECMP router holds every cluster's next hop again (resolves with that moment), and the victim answers again. */
async function fabricBack(run: FaultRun, spec: FaultSpec, tRestore: number): Promise<number> {
  const isFull = (r: string, h: string[]) => h.join() === fullSet.get(r)!.join();
  const tBack = await ecmpRoutersAll(
    run.fib,
    tRestore,
    isFull,
    `every ECMP router to take ${victimCluster} back (${spec.failBack.formula})`,
    new Deadline(spec.failBack.seconds * 1000),
  );
  run.mark(tBack, 'failed back');
  // Answers from the victim again (20 of them), so the timeline shows the return.
  await waitUntil(
    async () =>
      run.probes.flatMap((p) => p.soFar()).filter((r) => r.t > tBack && r.ok && r.cluster === victimCluster).length >=
      20
        ? undefined
        : `no answers from ${victimCluster} yet`,
    {
      what: `${victimCluster} to answer again`,
      deadline: new Deadline(5000),
      intervalMs: 20,
    },
  );
  return tBack;
}

interface MovesFindings {
  losses: (LostRequest & RequestSpan)[];
  harness: HarnessError[];
  /** The victim path's first change (see firstPathChange). */
  tFirstChange?: number;
  monitorLagMs?: number;
  unexpected: { loss: LostRequest; why: string }[];
  detectS: number;
  backS: number;
  clients: ClientStats;
}

function fabricMovesFindings(fib: FaultRun['fib'], fault: Fault, seen: MovesSeen): MovesFindings {
  const { spec, tFault } = fault;
  const { tDetect, tRestore, tBack, observed } = seen;
  // Every failed request, with the place and cause of its death.
  const { lost: failed, harness } = failedRequests(observed.records);
  const losses = attributeFailures(failed, observed, fib, tFault).map((l, i) => ({
    ...l,
    ms: failed[i]!.ms,
  })) as (LostRequest & RequestSpan)[];
  const changes = fib.changes.filter((c) => c.source === 'event' && c.t >= tFault);
  // The path's first change: the monitor's stamp, or a lost packet's kernel time if earlier.
  const { t: tFirstChange, monitorLagMs } = firstPathChange(
    changes.find((c) => onPath.includes(c.router))?.t,
    losses,
    onPath,
    tFault,
    tDetect,
  );
  const ecmpChanges = changes.filter((c) => ecmpRouters.includes(c.router)).map((c) => c.t);
  const unexpected = unexpectedLosses(losses, {
    tFault,
    tDetect,
    tRestore,
    tBack,
    ecmpChanges,
    onPath,
    victim,
    dataPlaneAlive: spec.dataPlaneAlive,
    trailComplete: Object.keys(observed.gaps).length === 0,
  });
  return {
    losses,
    harness,
    tFirstChange,
    monitorLagMs,
    unexpected,
    detectS: (tDetect - tFault) / 1000,
    backS: (tBack - tRestore) / 1000,
    clients: clientStats(observed.records, fault.tInjected, tRestore),
  };
}

function recordFabricMoves(task: RunnerTask, run: FaultRun, fault: Fault, seen: MovesSeen, found: MovesFindings): void {
  const { kind, spec, negotiated, tFault, tInjected } = fault;
  const { tDetect, tRestore, tBack, observed } = seen;
  const { tFirstChange, monitorLagMs, detectS, backS } = found;
  const gaps = observed.gaps;
  recordMetric(task, {
    key: 'failover.moved',
    name: 'fabric moved to survivors after',
    value: detectS,
    unit: 's',
    budget: spec.detect.seconds,
    formula: spec.detect.formula,
    jitterSeconds: spec.detect.jitterSeconds,
  });
  recordMetric(task, {
    key: 'failover.back',
    name: 'failed back after restore',
    value: backS,
    unit: 's',
    budget: spec.failBack.seconds,
    formula: spec.failBack.formula,
    jitterSeconds: spec.failBack.jitterSeconds,
  });
  if (tFirstChange !== undefined && tFirstChange <= tDetect)
    recordMetric(task, {
      key: 'failover.transient',
      name: 'withdrawal transient (victim path changed → ECMP moved)',
      value: (tDetect - tFirstChange) / 1000,
      unit: 's',
      budget: spec.transient.seconds,
      formula: spec.transient.formula,
    });
  if (monitorLagMs !== undefined)
    recordMetric(task, {
      key: 'failover.monitorLag',
      name: 'route monitor read lag (its stamp after a lost packet showed the change)',
      value: monitorLagMs,
      unit: 'ms',
    });
  recordHarnessErrors(task, found.harness);
  recordLossCauses(task, found.losses);
  recordMetric(task, {
    key: 'failover.unexplained',
    name: 'lost requests without an allowed cause',
    value: found.unexpected.length,
    budget: 0,
  });
  if (Object.keys(gaps).length)
    recordMetric(task, {
      key: 'failover.untraced',
      name: 'nodes without a packet trail (their losses judged by time only)',
      value: Object.keys(gaps).length,
    });
  recordClientMetrics(
    task,
    found.clients,
    spec.dataPlaneAlive
      ? {
          seconds: spec.transient.seconds,
          formula: `data plane up: only the propagation transient, ${spec.transient.formula}`,
        }
      : { seconds: spec.detect.seconds, formula: spec.detect.formula },
  );
  writeArtefacts(
    task,
    spec,
    { kind, negotiated, tFault, tInjected, tFirstChange, tDetect, tRestore, tBack, gaps },
    observed.records,
    run.fib,
    run.marks,
    found.losses,
    found.harness,
    tFault,
  );
}

/** The claims. */
function judgeFabricMoves({ spec, tFault }: Fault, seen: MovesSeen, found: MovesFindings): void {
  const { tDetect } = seen;
  const { tFirstChange, detectS, backS } = found;
  judgeHarness(found.harness, tFault);
  expect(
    seen.observed.missed,
    'the route monitors saw every FIB change (their last state matches a fresh dump)',
  ).toEqual([]);
  expect(
    found.unexpected.map(
      (u) =>
        `${((u.loss.t - tFault) / 1000).toFixed(3)} s ${u.loss.client} (${u.loss.err}): ${u.why}: ${u.loss.verdict}: ${u.loss.detail}`,
    ),
    'every lost request has a cause this fault allows',
  ).toEqual([]);
  if (spec.dataPlaneAlive && tFirstChange !== undefined)
    expect((tDetect - tFirstChange) / 1000, `withdrawal transient (${spec.transient.formula})`).toBeLessThanOrEqual(
      spec.transient.seconds,
    );
  expect(detectS, `fabric moved after ${detectS.toFixed(2)} s (budget ${spec.detect.formula})`).toBeLessThanOrEqual(
    spec.detect.seconds,
  );
  if (spec.notBefore)
    expect(
      detectS,
      `fabric moved after ${detectS.toFixed(2)} s, not before ${spec.notBefore.formula}`,
    ).toBeGreaterThanOrEqual(spec.notBefore.seconds);
  expect(backS, `failed back after ${backS.toFixed(2)} s (budget ${spec.failBack.formula})`).toBeLessThanOrEqual(
    spec.failBack.seconds,
  );
  for (const [client, st] of found.clients) {
    expect(st.requests, `${client} kept probing during the fault`).toBeGreaterThan(0);
    if (!spec.dataPlaneAlive) {
      expect(st.answeredByFailed, `${client}: requests answered by the dead ${victimCluster} after the fault`).toBe(0);
      if (st.lastFailure !== undefined)
        expect(
          (st.lastFailure - tFault) / 1000,
          `${client}: last failed request after the fabric moved`,
        ).toBeLessThanOrEqual(detectS + PROBE.timeoutMs / 1000);
    }
  }
}

describe(`failover: faults on ${victim} (${victimCluster}); traffic to ${vip} must move to ${clusters.slice(1).join(', ')}`, () => {
  it('preconditions: an ECMP point exists and the victim session is up', () => {
    expect(ecmpRouters, 'routers holding the VIP over more than one cluster').not.toEqual([]);
    expect(target.unsupported, 'a victim whose fault fails its cluster').toBeUndefined();
    expect(session, `the session of ${victim} to its leaf`).toBeDefined();
  });

  for (const kind of FAULTS) {
    it(`${kind}: ${FAULT_TITLES[kind]}`, async ({ task }) => {
      expect(target.unsupported, 'a victim whose fault fails its cluster').toBeUndefined();
      await settleBeforeFault(lab, target);
      const { spec, negotiated } = await budgetFault(lab, target, kind);
      if (spec.outcome)
        recordMetric(task, {
          key: 'failover.outcome',
          name: 'expected outcome',
          value: spec.outcome.kind,
          formula: spec.outcome.why,
        });
      const holds = spec.outcome?.kind === 'fabric-holds' ? spec.outcome : undefined;
      const run = new FaultRun(Math.ceil(spec.detect.seconds + spec.failBack.seconds + 30));
      try {
        await run.baseline();
        // One deadline for everything this fault triggers, anchored at the fault.
        const detectDeadline = new Deadline(spec.detect.seconds * 1000);
        const sessionBefore = holds ? await leafSession() : undefined;
        const fault: Fault = { kind, spec, negotiated, ...(await run.inject(kind)) };

        if (holds && sessionBefore) {
          const seen = await observeFabricHolds(task, run, holds, sessionBefore);
          const found = fabricHoldsFindings(run.fib, fault, seen);
          recordFabricHolds(task, run, fault, holds, seen, found);
          judgeFabricHolds(fault, holds, seen, found);
          return;
        }

        const seen = await observeFabricMoves(task, run, spec, detectDeadline, fault.tFault);
        const found = fabricMovesFindings(run.fib, fault, seen);
        recordFabricMoves(task, run, fault, seen, found);
        judgeFabricMoves(fault, seen, found);
      } finally {
        await run.cleanUp();
      }
    });
  }

  it('leaves the lab converged', async () => {
    await waitUntil(() => convergenceProblem(lab), {
      what: 'the lab to re-converge after the last fault',
      deadline: new Deadline(30_000),
    });
  });
});
