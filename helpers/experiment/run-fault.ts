/**
 * One fault experiment, the same for every suite and the bench: settle the lab, derive the
 * budgets, start the route monitor (the one clock) and the caller's observers, inject the fault
 * on its nodes, wait for every ECMP router to move (or, when the fabric is expected to hold, for
 * the speaker to come back), restore, wait for every ECMP router to be back, stop everything and
 * return the typed timeline. Whatever fails on the way, the fault is lifted and every process
 * stopped. A wait that ends on its deadline is not thrown: the timeline says which moment is
 * missing and the suite fails that claim by name, with every other observation still recorded.
 */
import { budgetFault, settleBeforeFault, type FaultTarget } from '../faults/fault-target.js';
import { fromCommand, type FaultSpec } from '../faults/budgets.js';
import { monitorRoutes, pairKey, waitReached, type FibReach, type RouteMonitor } from '../observe/route-monitor.js';
import type { LabHandle } from '../providers/api/lab-handle.js';
import { Deadline } from '../os/poll.js';
import { awaitRestartEnded, awaitSpeakerBack, leafSession } from './fabric-holds.js';
import type { FaultScenario, FaultTimeline, Mark, Moments, Observed, Observer, Observers, Phase } from './timeline.js';
import { clockSteps, epochNow } from '../os/epoch-clock.mjs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { watchCpuPressure } from '../os/cpu-pressure.js';

const now = epochNow;

/** Beyond the two budgets, how long the observers' processes may run (their own settling and stopping). */
const OBSERVER_MARGIN_SECONDS = 60;

/** The scenario's defaults filled in from its target: one VIP, its ECMP routers, every router watched. */
function resolved(lab: LabHandle, s: FaultScenario) {
  const t = s.target;
  const keyed = (m: Map<string, string[]>) => new Map([...m].map(([r, hops]) => [pairKey(r, t.vip), hops]));
  return {
    nodes: s.nodes ?? [t.victim],
    moved: s.moved ?? keyed(t.survivors),
    back: s.back ?? keyed(t.fullSet),
    // The clients' prefixes too: the way back from the victim is part of its path.
    watch: s.watch ?? { routers: Object.keys(lab.model.routers), prefixes: [t.vip, ...Object.values(t.clientPrefix)] },
    /** The default fail-back also waits for the victim's leaf to hold its routes to the clients as before the fault. */
    returnPath: !s.back,
    overrunMs: s.overrunMs ?? 0,
  };
}

export async function runFault<O extends Observers>(
  lab: LabHandle,
  scenario: FaultScenario,
  observers: O,
): Promise<FaultTimeline<Observed<O>>> {
  const { target, kind } = scenario;
  const plan = resolved(lab, scenario);
  const steps: Mark[] = [];
  const step = (label: string) => void steps.push({ t: now(), label });
  step('start');
  await settleBeforeFault(lab, target);
  step('lab settled');
  const { spec, negotiated } = await budgetFault(lab, target, kind);
  step('budgets derived');
  const maxSeconds = Math.ceil(
    fromCommand(spec, 'detect').seconds + fromCommand(spec, 'failBack').seconds + OBSERVER_MARGIN_SECONDS,
  );
  const fib = monitorRoutes(lab, plan.watch.routers, plan.watch.prefixes, plan.nodes);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const pressure = watchCpuPressure();
  const running: Running = [];
  const run = new Injection(lab, kind, plan.nodes);
  try {
    // Started inside the try: an observer that fails to start still has the others stopped.
    for (const [name, make] of Object.entries(observers))
      running.push([name, make({ lab, target, spec, maxSeconds, fib })]);
    await fib.ready;
    step('route monitors ready');
    if (plan.returnPath) for (const [k, hops] of returnRoutes(target, fib)) plan.back.set(k, hops);
    await observersReady(running, step);
    step('observers ready');
    const ctx: Experiment = { lab, target, spec, plan, fib, running, run, late: [] };
    const during = await faultPhase(ctx);
    step('observers settled after the fault');
    const { t: tRestore, tDone: tRestored } = await run.restore();
    const back = during.moved ? await backPhase(ctx, { ...during.m, tRestore }) : undefined;
    step('observers settled after the fail-back');
    const observed = Object.fromEntries(
      await Promise.all(running.map(async ([name, o]) => [name, await o.stop()] as const)),
    ) as Observed<O>;
    step('observers stopped');
    const missed = await fib.stop();
    step('route monitors stopped');
    loop.disable();
    const cpuPressure = pressure.stop();
    return {
      kind,
      spec,
      negotiated,
      nodes: plan.nodes,
      tFault: run.tFault,
      tInjected: run.tInjected,
      moved: during.moved,
      speakerBack: during.speakerBack,
      tRestore,
      tRestored,
      back,
      fib: fib.changes,
      links: fib.links,
      fibAt: (router, t, prefix) => fib.at(router, t, prefix),
      missed,
      marks: run.marks,
      steps,
      workerLoop: { maxMs: loop.max / 1e6, p99Ms: loop.percentile(99) / 1e6 },
      cpuPressure,
      late: ctx.late,
      clockSteps: clockSteps(run.tFault),
      observed,
    };
  } finally {
    loop.disable();
    pressure.stop();
    await run.lift();
    await fib.stop().catch(() => undefined);
    await Promise.all(running.map(([, o]) => o.abort().catch(() => undefined)));
  }
}

type Running = (readonly [string, Observer<unknown>])[];

/** Every observer ready, each marked as it is: which of them a slow start waited for. */
async function observersReady(running: Running, step: (label: string) => void): Promise<void> {
  await Promise.all(
    running.map(async ([name, o]) => {
      await o.ready();
      step(`${name} ready`);
    }),
  );
}

/** One experiment under way: what its phases share. */
interface Experiment {
  lab: LabHandle;
  target: FaultTarget;
  spec: FaultSpec;
  plan: ReturnType<typeof resolved>;
  fib: RouteMonitor;
  running: Running;
  run: Injection;
  late: string[];
}

/**
 * Injects the fault and waits for what it must cause: every ECMP router off the victim
 * (then every observer settled), or, when the fabric is expected to hold, the speaker back
 * and its graceful restart ended.
 */
async function faultPhase(x: Experiment): Promise<{
  m: Moments;
  moved?: FibReach;
  speakerBack?: FaultTimeline<unknown>['speakerBack'];
}> {
  const { lab, target, spec, plan, fib, run } = x;
  const holds = spec.outcome?.kind === 'fabric-holds';
  const before = holds ? await leafSession(lab, target) : undefined;
  // One deadline for everything the fault triggers, from the command (the provider's own path included).
  const deadline = new Deadline(fromCommand(spec, 'detect').seconds * 1000 + plan.overrunMs);
  await run.inject();
  const m: Moments = { tFault: run.tFault };
  if (before) {
    const speakerBack = await awaitSpeakerBack(lab, target, spec, before);
    if (speakerBack.t === undefined) x.late.push(`speaker back: ${speakerBack.problem}`);
    else {
      run.mark(speakerBack.t, 'speaker back');
      await awaitRestartEnded(lab, target);
    }
    return { m, speakerBack };
  }
  const moved = await waitReached(fib, plan.moved, run.tFault, movedWhat(target, spec), deadline);
  m.tMoved = moved.t;
  if (moved.t === undefined) x.late.push(`moved: ${moved.notReached.length} pairs not moved within the wait`);
  else {
    run.mark(moved.t, 'fabric moved');
    await settleAll(x.running, 'moved', m);
  }
  return { m, moved };
}

/** After the restore: every ECMP router back on every cluster, then every observer settled. */
async function backPhase(x: Experiment, m: Moments): Promise<FibReach> {
  const { target, spec, plan, fib, run } = x;
  const deadline = new Deadline(fromCommand(spec, 'failBack').seconds * 1000 + plan.overrunMs);
  const back = await waitReached(fib, plan.back, m.tRestore!, backWhat(target, spec), deadline);
  if (back.t === undefined) x.late.push(`back: ${back.notReached.length} pairs not back within the wait`);
  else {
    run.mark(back.t, 'failed back');
    await settleAll(x.running, 'back', { ...m, tBack: back.t });
  }
  return back;
}

/** The victim's leaf's routes to each client's prefix as the monitor's seed saw them (before the fault). */
function returnRoutes(t: FaultTarget, fib: RouteMonitor): [string, string[]][] {
  const leaf = t.session.a.node;
  const now = epochNow();
  return Object.values(t.clientPrefix).flatMap((p) => {
    const hops = fib.at(leaf, now, p);
    return hops?.length ? [[pairKey(leaf, p), hops] as [string, string[]]] : [];
  });
}

const movedWhat = (t: FaultTarget, spec: FaultSpec) =>
  `every ECMP router to drop ${t.victimCluster} (${fromCommand(spec, 'detect').formula})`;
const backWhat = (t: FaultTarget, spec: FaultSpec) =>
  `every ECMP router to take ${t.victimCluster} back (${fromCommand(spec, 'failBack').formula})`;

async function settleAll(running: Running, phase: Phase, m: Moments): Promise<void> {
  await Promise.all(running.map(([, o]) => o.settled?.(phase, { ...m })));
}

/** The fault on its nodes: injected once, lifted once (by the experiment, or by the clean-up after a failure). */
class Injection {
  readonly marks: Mark[] = [];
  tFault = 0;
  tInjected = 0;
  private restores: (() => Promise<void>)[] | undefined;

  constructor(
    private readonly lab: LabHandle,
    private readonly kind: FaultScenario['kind'],
    private readonly nodes: string[],
  ) {}

  mark(t: number, label: string): void {
    this.marks.push({ t, label });
  }

  async inject(): Promise<void> {
    this.tFault = now();
    this.mark(this.tFault, 'fault');
    const injected = await Promise.allSettled(this.nodes.map((n) => this.lab.injectFault(this.kind, n)));
    this.restores = injected.flatMap((r) => (r.status === 'fulfilled' ? [r.value.restore] : []));
    const failed = injected.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    this.tInjected = now();
  }

  /** Lifts the fault; resolves with the moments the restore began and returned. */
  async restore(): Promise<{ t: number; tDone: number }> {
    const t = now();
    this.mark(t, 'restore');
    const restores = this.restores ?? [];
    this.restores = undefined;
    await Promise.all(restores.map((r) => r()));
    const tDone = now();
    this.mark(tDone, 'restored');
    return { t, tDone };
  }

  /** A fault still in place after a failure: lifted, errors ignored. */
  async lift(): Promise<void> {
    const restores = this.restores ?? [];
    this.restores = undefined;
    await Promise.all(restores.map((r) => r().catch(() => undefined)));
  }
}
