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
import { DRAIN_PROBE, type DrainRun } from './drain-run.js';

export type ClientRecord = ProbeRecord & { client: string };

/** One step's cost: the requests that failed and the held connections that broke in it. */
export interface StepCost {
  seconds?: number;
  /** The step's own commands, start to return (they overlap the fabric's work: the change takes effect while they run). */
  commandSeconds?: number;
  /** What `seconds` is held to (stepBudget). */
  allowed?: { seconds: number; formula: string };
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

/**
 * What a drain (or lift) is held to: the withdrawal's detect budget, the same UPDATE over the same
 * hops or fewer, plus FRR's announce timer when a router's policy change sends it
 * (../faults/announce-delay.ts). In that budget the injection (a gobgp CLI process reaching the
 * speaker, its measured band) is the tool's own latency; a drain's own commands are other
 * processes (one vtysh per router, or the re-origination on every speaker), and when they took
 * longer than that band their measured time takes its place. Measured 2026-12-04 with one core
 * kept busy (docs/routing-policy.md): a router drain's vtysh returned after 0.12–0.41 s, and the
 * fabric had moved 0.13–0.16 s later (FRR's 100 ms announce timer and one hop): the tail is the process.
 */
export function stepBudget(
  budget: DrainRun['budget'],
  commandSeconds: number | undefined,
  announce?: Allowance,
): { seconds: number; formula: string } {
  const inj = budget.injection;
  const command = inj && commandSeconds !== undefined && commandSeconds > inj.seconds ? commandSeconds : undefined;
  return {
    seconds: budget.seconds - (command !== undefined ? inj!.seconds - command : 0) + (announce?.seconds ?? 0),
    formula: [
      budget.formula,
      ...(command !== undefined
        ? [`with the drain's own commands (${command.toFixed(3)} s, measured) in place of the injection`]
        : []),
      ...(announce ? [`+ ${announce.formula}`] : []),
    ].join(', '),
  };
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
