/**
 * What a drain run shows (./drain-run.ts), for the drain suite to record and judge: what the
 * drain itself cost (requests lost, held connections broken, seconds to move), what the
 * maintenance under the drain cost (the claim: nothing), and what lifting it cost. Pure.
 */
import type { FaultTarget } from '../faults/fault-target.js';
import type { Allowance } from '../faults/hop-allowance.js';
import type { RouteChange } from '../observe/route-monitor.js';
import type { HeldConnection } from '../traffic/held-connections.js';
import type { ProbeRecord } from '../traffic/probe.js';
import { stepBudget } from '../faults/drain-budget.js';
import { DRAIN_PROBE, type DrainRun } from './drain-run.js';

export type ClientRecord = ProbeRecord & { client: string };

/** One step's cost: the requests that failed and the held connections that broke in it. */
export interface StepCost {
  seconds?: number;
  /** The step's own commands, start to return (they overlap the fabric's work: the change takes effect while they run). */
  commandSeconds?: number;
  /** What `seconds` is held to (stepBudget). */
  allowed?: Allowance;
  lost: ClientRecord[];
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
}

export function drainFindings(run: DrainRun, target: FaultTarget): DrainFindings {
  const records = Object.entries(run.probes).flatMap(([client, rs]) => rs.map((r) => ({ ...r, client })));
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
    lost: records.filter((r) => !r.ok && !r.harness && r.t + r.ms >= from && r.t < to),
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
  };
}
