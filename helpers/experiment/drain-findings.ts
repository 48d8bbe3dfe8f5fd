/**
 * What a drain run shows (./drain-run.ts), for the drain suite to record and judge: what the
 * drain itself cost (requests lost, held connections broken, seconds to move), what the
 * maintenance under the drain cost (the claim: nothing), and what lifting it cost. Every lost
 * request is attributed from the run's packet trail as a fault's is (../observe/loss-attribution.ts):
 * where its SYN died, or that the node got it and did not answer in time. Pure.
 */
import type { FaultTarget } from '../faults/fault-target.js';
import type { Allowance } from '../faults/hop-allowance.js';
import type { RouteChange } from '../observe/route-monitor.js';
import { attributeLosses, type LostRequest } from '../observe/loss-attribution.js';
import { ownCaptureGaps } from '../observe/packet-trail.js';
import type { LabModel } from '../model/lab-model.js';
import type { HeldConnection } from '../traffic/held-connections.js';
import type { ProbeRecord } from '../traffic/probe.js';
import { stepBudget } from '../faults/drain-budget.js';
import { DRAIN_PROBE, type DrainRun } from './drain-run.js';
import { attributionContext } from './failover-findings.js';

export type ClientRecord = ProbeRecord & { client: string };

/** One step's cost: the requests that failed and the held connections that broke in it. */
export interface StepCost {
  seconds?: number;
  /** The step's own commands, start to return (they overlap the fabric's work: the change takes effect while they run). */
  commandSeconds?: number;
  /** What `seconds` is held to (stepBudget). */
  allowed?: Allowance;
  /** Each with its place and cause from the packet trail (`verdict`, `detail`). */
  lost: LostRequest[];
  broken: HeldConnection[];
}

export interface DrainFindings {
  /** Requests the probe could not send (never a network loss). */
  harness: ClientRecord[];
  drain: StepCost;
  /** The withdrawal and re-advertisement under the drain. */
  maintenance: StepCost & {
    /** The meeting points' VIP changes meanwhile (a drained fabric has none to make). */
    ecmpChanges: RouteChange[];
    /** Requests the drained cluster answered after the drain settled (it should get none). */
    toDrained: ClientRecord[];
  };
  lift: StepCost;
  /** Per node, why its packet trail is incomplete (a lost request's attribution says when that matters). */
  gaps: Record<string, string>;
}

/** The failed requests that left their client, each attributed from the run's packet trail. */
function attributed(run: DrainRun, target: FaultTarget, model: LabModel, failed: ClientRecord[]) {
  // A capture that silently missed its own client's SYNs is a gap like one that reported drops.
  const gaps = { ...ownCaptureGaps(failed, run.trail.packets), ...run.trail.gaps };
  const ctx = attributionContext(model, target, run.fibAt, gaps);
  return { losses: attributeLosses(failed, run.trail.packets, ctx, run.tDrain), gaps };
}

export function drainFindings(run: DrainRun, target: FaultTarget, model: LabModel): DrainFindings {
  const records = Object.entries(run.probes).flatMap(([client, rs]) => rs.map((r) => ({ ...r, client })));
  const failed = records.filter((r) => !r.ok && r.harness === undefined);
  const { losses, gaps } = attributed(run, target, model, failed);
  const end = Infinity;
  const [w0, l0] = [run.tWithdraw ?? end, run.tLift ?? end];
  /** Failed requests open at some moment in [from, to), and connections broken in it. */
  const cost = (
    from: number,
    to: number,
    seconds?: number,
    commandSeconds?: number,
    announce?: Allowance,
  ): StepCost => ({
    ...(seconds !== undefined ? { seconds, allowed: stepBudget(run.budget, commandSeconds, announce) } : {}),
    ...(commandSeconds !== undefined ? { commandSeconds } : {}),
    lost: losses.filter((r) => r.t + (r.ms ?? 0) >= from && r.t < to),
    broken: run.held.filter((c) => c.brokeAt !== undefined && c.brokeAt >= from && c.brokeAt < to),
  });
  const secs = (a?: number, b?: number) => (a !== undefined && b !== undefined ? (b - a) / 1000 : undefined);
  const settledAt = (run.tDrained ?? end) + DRAIN_PROBE.timeoutMs;
  return {
    harness: records.filter((r) => r.harness !== undefined),
    drain: cost(run.tDrain, w0, secs(run.tDrain, run.tDrained), secs(run.tDrain, run.tApplied), run.announce?.drain),
    maintenance: {
      ...cost(w0, l0),
      ecmpChanges: run.fib.filter(
        (c) =>
          c.source === 'event' &&
          target.ecmpRouters.includes(c.router) &&
          c.prefix === target.vip &&
          c.t >= w0 &&
          c.t < l0,
      ),
      toDrained: records.filter((r) => r.ok && r.cluster === target.victimCluster && r.t >= settledAt && r.t < l0),
    },
    lift: cost(l0, end, secs(run.tLift, run.tBack), secs(run.tLift, run.tLiftApplied), run.announce?.lift),
    gaps,
  };
}
