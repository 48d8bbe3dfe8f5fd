/**
 * What an upgrade rehearsal cost, step by step (./rehearsal-run.ts): per client the requests
 * lost against the step's predicted bound (helpers/faults/upgrades.ts predictStep), the held
 * connections broken, and how long the meeting points held fewer clusters than all of them
 * (seconds of a degraded ECMP set). A step's window runs from its first stop to the next step's
 * (the last one: to the end of the run), so every request and break belongs to one step. Pure.
 */
import type { FaultTarget } from '../faults/fault-target.js';
import { predictStep, UPGRADE_STRATEGIES, type StepPrediction } from '../faults/upgrades.js';
import type { LabModel } from '../model/lab-model.js';
import type { RouteChange } from '../observe/route-monitor.js';
import type { HeldConnection } from '../traffic/held-connections.js';
import type { ProbeRecord } from '../traffic/probe.js';
import { REHEARSAL_PROBE, type RehearsalRun, type StepRun } from './rehearsal-run.js';

export interface ClientCost {
  client: string;
  requests: number;
  lost: number;
  prediction: StepPrediction;
  /** The first and last lost request (epoch ms), for the report. */
  firstLost?: number;
  lastLost?: number;
}

export interface StepFindings {
  run: StepRun;
  from: number;
  to: number;
  clients: ClientCost[];
  broken: HeldConnection[];
  /** Seconds inside the window when some meeting point held the VIP over fewer clusters than all. */
  degradedSeconds: number;
  /** Routers that held no route for the VIP at some moment of the window. */
  blackHoles: string[];
  /** Restarted routers whose kernel lost their VIP route while their FRR stopped (FRR_STOP_WITHDRAWS). */
  fibWithdrawnAtStop: string[];
  /** Sentences naming what broke the step's bound; empty when it kept it. */
  overBound: string[];
}

export interface RehearsalFindings {
  /** Requests the probe could not send (a harness fault, never a network loss). */
  harness: (ProbeRecord & { client: string })[];
  steps: StepFindings[];
}

/** The spans (epoch ms, clipped to [from, to)) when some router of `full` held other next hops than `full` says for the VIP. */
export function degradedSpans(
  fib: RouteChange[],
  vip: string,
  full: Map<string, string[]>,
  from: number,
  to: number,
): [start: number, end: number][] {
  const want = new Map([...full].map(([r, h]) => [r, [...h].sort().join()]));
  const degraded = new Set<string>();
  const spans: [number, number][] = [];
  const add = (a: number, b: number) => {
    const [s, e] = [Math.max(a, from), Math.min(b, to)];
    if (e > s) spans.push([s, e]);
  };
  let since: number | undefined;
  for (const c of [...fib].filter((x) => x.prefix === vip && want.has(x.router)).sort((a, b) => a.t - b.t)) {
    if ([...c.nextHops].sort().join() !== want.get(c.router)) degraded.add(c.router);
    else degraded.delete(c.router);
    if (degraded.size && since === undefined) since = c.t;
    if (!degraded.size && since !== undefined) {
      add(since, c.t);
      since = undefined;
    }
  }
  if (since !== undefined) add(since, to);
  return spans;
}

/** Seconds inside [from, to) when some meeting point held fewer clusters than all (degradedSpans, summed). */
export function degradedSeconds(
  fib: RouteChange[],
  vip: string,
  full: Map<string, string[]>,
  from: number,
  to: number,
): number {
  return degradedSpans(fib, vip, full, from, to).reduce((n, [a, b]) => n + b - a, 0) / 1000;
}

/** A router step's restarts are FRR's; a cluster step's are its nodes' speakers (upgradeSteps). */
const frrRestarts = (run: StepRun) => (run.step.kind === 'router' ? run.restarts : []);

/**
 * The routers of a step whose own route for the VIP left their kernel between the stop sent and
 * the last old process gone: only the old FRR can have taken it out then (the new one has not
 * started), which is FRR's stop race (helpers/faults/upgrades.ts FRR_STOP_WITHDRAWS).
 */
export function withdrawnAtStop(fib: RouteChange[], vip: string, run: StepRun): string[] {
  return frrRestarts(run)
    .filter((x) =>
      fib.some(
        (c) =>
          c.router === x.node &&
          c.prefix === vip &&
          !c.nextHops.length &&
          c.t >= x.timing.stopAt &&
          c.t <= x.timing.stoppedAt,
      ),
    )
    .map((x) => x.node);
}

/**
 * After the old FRR was gone: the spans when a restarted router held no route for the VIP (a
 * new FRR that took out what the old one left in the kernel), each as seconds after the new
 * FRR started and how long until a route was back. Evidence for the report, never a bound.
 */
export function lostAfterStart(fib: RouteChange[], vip: string, run: StepRun, to: number): string[] {
  const out: string[] = [];
  for (const x of frrRestarts(run)) {
    let gone: number | undefined;
    const mine = fib.filter((c) => c.router === x.node && c.prefix === vip && c.t > x.timing.stoppedAt && c.t < to);
    for (const c of mine.sort((a, b) => a.t - b.t)) {
      if (!c.nextHops.length && gone === undefined) gone = c.t;
      if (c.nextHops.length && gone !== undefined) {
        const after = ((gone - x.timing.startedAt) / 1000).toFixed(2);
        out.push(
          `${x.node}'s new FRR took its route for the VIP out of its kernel ${after} s after it started; back ${((c.t - gone) / 1000).toFixed(2)} s later`,
        );
        gone = undefined;
      }
    }
    if (gone !== undefined)
      out.push(`${x.node}'s new FRR took its route for the VIP out of its kernel and had none at the step's end`);
  }
  return out;
}

export function rehearsalFindings(model: LabModel, target: FaultTarget, r: RehearsalRun): RehearsalFindings {
  const records = Object.entries(r.probes).flatMap(([client, rs]) => rs.map((x) => ({ ...x, client })));
  const steps = r.steps.map((run, i): StepFindings => {
    const from = run.t0;
    const to = r.steps[i + 1]?.t0 ?? r.tEnd;
    const inWindow = (t: number) => t >= from && t < to;
    const restartSeconds = run.restarts.reduce((s, x) => s + (x.timing.startedAt - x.timing.stopAt) / 1000, 0);
    const gobgp = (v: string) => v.replace(/^GoBGP /, '');
    const node = run.step.kind === 'cluster' ? run.restarts[0] : undefined;
    // Without the overlay zebra is meant to flush at its stop (no -r): only a race under it is news.
    const fibWithdrawnAtStop = UPGRADE_STRATEGIES[r.strategy].overlay ? withdrawnAtStop(r.fib, target.vip, run) : [];
    const clients = Object.keys(r.probes).map((client): ClientCost => {
      const mine = records.filter((x) => x.client === client && !x.harness && inWindow(x.t));
      const lost = mine.filter((x) => !x.ok);
      return {
        client,
        requests: mine.length,
        lost: lost.length,
        ...(lost.length ? { firstLost: lost[0]!.t, lastLost: lost.at(-1)!.t } : {}),
        prediction: predictStep({
          model,
          target,
          step: run.step,
          strategy: r.strategy,
          client,
          restartSeconds,
          gobgpAtStart: run.gobgpAtStart,
          gobgpTo: node ? gobgp(node.timing.to) : '0',
          probeIntervalMs: REHEARSAL_PROBE.intervalMs,
          fibWithdrawnAtStop: fibWithdrawnAtStop.length > 0,
        }),
      };
    });
    const broken = r.held.filter((c) => c.brokeAt !== undefined && inWindow(c.brokeAt));
    const blackHoles = [
      ...new Set(
        r.fib.filter((c) => c.prefix === target.vip && inWindow(c.t) && !c.nextHops.length).map((c) => c.router),
      ),
    ].sort();
    const overBound = clients
      .filter((c) => c.lost > c.prediction.maxLost)
      .map(
        (c) =>
          `${run.step.name}: ${c.client} lost ${c.lost} requests, over the ${c.prediction.case} bound of ${c.prediction.maxLost} (⌈${c.prediction.windowSeconds.toFixed(3)} s / ${REHEARSAL_PROBE.intervalMs} ms⌉ + 1; ${c.prediction.formula})`,
      );
    // What the router's own FIB did after its new FRR started says where such a loss came from.
    if (overBound.length)
      overBound.push(...lostAfterStart(r.fib, target.vip, run, to).map((w) => `${run.step.name}: ${w}`));
    // Only where nothing changes: a neighbour's swap of a stale path (stale-swept) takes a next hop
    // out of a multipath set for a moment, which rehashes connections (measured: leaf1 over two spines).
    if (clients.every((c) => c.prediction.case === 'held') && broken.length)
      overBound.push(
        `${run.step.name}: ${broken.length} held connections broke where nothing the traffic uses should change (${clients[0]?.prediction.why})`,
      );
    return {
      run,
      from,
      to,
      clients,
      broken,
      degradedSeconds: degradedSeconds(r.fib, target.vip, target.fullSet, from, to),
      blackHoles,
      fibWithdrawnAtStop,
      overBound,
    };
  });
  return { harness: records.filter((x) => x.harness !== undefined), steps };
}
