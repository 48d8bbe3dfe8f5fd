/**
 * One upgrade rehearsal on a running lab, under the clients' fresh requests (the probe) and
 * their held connections: each step restarts a router's FRR, or a cluster's speakers one node
 * after another, from the new runtime (LabHandle.upgrade), waits until the lab has converged
 * again (every session Established, every FIB as the configs install), then checks every
 * session of what it upgraded as configured (capabilities, timers, graceful restart and its
 * N-bit), now between an old and a new version. Every FIB change of the VIP on every router is
 * recorded (the route monitor), so the findings can say how long the meeting points held less
 * than every cluster. What each step's peers saw (FRR's last reset reason) is kept for the report.
 */
import { allOf } from '../claims/claim-shape.js';
import {
  sessionEstablished,
  sessionGracefulRestart,
  sessionGrNegotiated,
  sessionTimers,
} from '../claims/session-claims.js';
import type { FaultTarget } from '../faults/fault-target.js';
import { UPGRADE_STRATEGIES, type UpgradeStep, type UpgradeStrategy } from '../faults/upgrades.js';
import { convergenceDeadlineSeconds, waitConverged } from '../lab/bring-up.js';
import { labSessions } from '../model/lab-sessions.js';
import { monitorRoutes, type RouteChange } from '../observe/route-monitor.js';
import { silentProgress } from '../os/progress.js';
import type { LabHandle, StopMode, UpgradeTiming } from '../providers/api/lab-handle.js';
import { bgpNeighbors } from '../readers/frr.js';
import type { HeldConnection } from '../traffic/held-connections.js';
import type { ProbeRecord } from '../traffic/probe.js';
import { startClientTraffic } from './client-traffic.js';

/** The probe of a rehearsal: a request every 10 ms per client, lost after 300 ms (as the failover suites). */
export const REHEARSAL_PROBE = { intervalMs: 10, timeoutMs: 300 };

export interface NodeRestart {
  node: string;
  stop: StopMode;
  /** When it stopped and started, and the versions it ran and runs (FRR or GoBGP). */
  timing: UpgradeTiming;
  /** What each FRR peer says ended the session (its last reset reason), after the step. */
  peersSaw: Record<string, string>;
}

export interface StepRun {
  step: UpgradeStep;
  /** The step began (its first stop was sent), epoch ms. */
  t0: number;
  /** The GoBGP each node's speaker ran when the step began. */
  gobgpAtStart: Record<string, string>;
  restarts: NodeRestart[];
  /** The lab converged again (undefined: not within the deadline; `problem` says what was missing). */
  tConverged?: number;
  /** Every session of what the step upgraded, checked as configured after it. */
  sessionProblems: string[];
  problem?: string;
}

export interface RehearsalRun {
  strategy: UpgradeStrategy;
  from: string;
  to: string;
  steps: StepRun[];
  /** After the last step settled, epoch ms. */
  tEnd: number;
  probes: Record<string, ProbeRecord[]>;
  held: HeldConnection[];
  fib: RouteChange[];
  /** Route-monitor pairs whose last state differs from a fresh dump (a missed event). */
  missed: string[];
  problem?: string;
}

/** Each FRR peer's reason for the last reset of its session with `node`. */
async function peersSaw(lab: LabHandle, node: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of labSessions(lab.model).filter((x) => x.a.node === node || x.b.node === node)) {
    const [peer, address] = s.a.node === node ? [s.b, s.a.address] : [s.a, s.b.address];
    if (peer.kind !== 'frr') continue;
    const n = (await bgpNeighbors(lab, peer.node))[address];
    // FRR 10.3 keeps no reason when the restarted peer's new connection came in first ("lastReset": "never").
    out[peer.node] = String(
      n?.raw.lastResetDueTo ?? `no reason recorded (lastReset: ${String(n?.raw.lastReset ?? '?')})`,
    );
  }
  return out;
}

const checkSession = allOf(sessionEstablished, sessionTimers, sessionGracefulRestart);

/** What a step needs besides the lab: its strategy, the version it goes to, the convergence deadline, progress and Ctrl-C. */
interface StepContext {
  strategy: UpgradeStrategy;
  to: string;
  progress: (line: string) => void;
  signal?: AbortSignal;
}

/** Restarts one node of a step on the new version, and waits until the lab has converged again. */
async function restartNode(
  lab: LabHandle,
  node: string,
  kind: UpgradeStep['kind'],
  c: StepContext,
): Promise<NodeRestart> {
  const plan = UPGRADE_STRATEGIES[c.strategy];
  const stop = kind === 'router' ? plan.router : plan.node;
  c.progress(`${c.strategy}: ${node} → ${c.to}, ${stop} stop`);
  const timing = await lab.upgrade!(node, c.to, stop);
  c.progress(`${c.strategy}: ${node} runs ${timing.to} (was ${timing.from})`);
  // Converged again before the next node, as a rolling restart waits for each (bring-up's own wait and deadline).
  const converged = await waitConverged(lab, { progress: silentProgress, signal: c.signal });
  if (!converged.converged) throw new Error(`after ${node} restarted: ${converged.problem}`);
  return { node, stop, timing, peersSaw: await peersSaw(lab, node) };
}

/** Every session of what the step upgraded, as configured (and, under the overlay, with graceful restart). */
async function stepSessionProblems(lab: LabHandle, step: UpgradeStep, overlay: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const s of labSessions(lab.model).filter(
    (x) => step.nodes.includes(x.a.node) || step.nodes.includes(x.b.node),
  )) {
    out.push(...(await checkSession(lab, s)));
    if (overlay && s.b.kind === 'frr') out.push(...(await sessionGrNegotiated(lab, s)));
  }
  return out;
}

export async function runRehearsal(
  lab: LabHandle,
  target: FaultTarget,
  steps: UpgradeStep[],
  strategy: UpgradeStrategy,
  from: string,
  to: string,
  progress: (line: string) => void = () => {},
  signal?: AbortSignal,
): Promise<RehearsalRun> {
  if (!lab.upgrade)
    throw new Error(`the ${lab.provider} provider cannot restart a node on another version (not built)`);
  const c: StepContext = { strategy, to, progress, signal };
  const maxSeconds =
    steps.reduce((n, s) => n + s.nodes.length, 0) * (convergenceDeadlineSeconds(lab.provider) + 20) + 60;
  const fib = monitorRoutes(lab, Object.keys(lab.model.routers), [target.vip]);
  const traffic = startClientTraffic(lab, target, REHEARSAL_PROBE, maxSeconds);
  const runs: StepRun[] = [];
  let problem: string | undefined;
  try {
    await fib.ready;
    await traffic.ready();
    for (const step of steps) {
      // Interrupted: no further step; the lab is removed by the caller.
      if (signal?.aborted) throw new Error(`interrupted before step ${step.name}`);
      const gobgpAtStart = Object.fromEntries(
        Object.keys(lab.model.k8sNodes).map((n) => [n, lab.speakerGobgpVersion(n)]),
      );
      const run: StepRun = { step, t0: Date.now(), gobgpAtStart, restarts: [], sessionProblems: [] };
      runs.push(run);
      try {
        for (const node of step.nodes) run.restarts.push(await restartNode(lab, node, step.kind, c));
        run.tConverged = Date.now();
        await traffic.settled(`${step.name}'s upgrade`, run.tConverged);
        run.sessionProblems.push(...(await stepSessionProblems(lab, step, UPGRADE_STRATEGIES[strategy].overlay)));
      } catch (err) {
        run.problem = (err as Error).message;
        // A lab that did not come back is no ground for the next step.
        break;
      }
    }
  } catch (err) {
    problem = (err as Error).message;
  }
  const tEnd = Date.now();
  // The monitors stop even when a traffic process failed (its error is the run's).
  const seen = await traffic.stop().finally(() => fib.stop().catch(() => undefined));
  const missed = await fib.stop();
  return { strategy, from, to, steps: runs, tEnd, ...seen, fib: fib.changes, missed, ...(problem ? { problem } : {}) };
}
