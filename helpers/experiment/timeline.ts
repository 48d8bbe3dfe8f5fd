/**
 * The types of a fault experiment (helpers/experiment/run-fault.ts): what it aims at, what
 * watches it, and the timeline it returns. The suites find, record and judge over a timeline;
 * they never drive the fault themselves.
 */
import type { FaultSpec, NegotiatedSession } from '../faults/budgets.js';
import type { FaultTarget } from '../faults/fault-target.js';
import type { FibReach, RouteChange, RouteMonitor } from '../observe/route-monitor.js';
import type { LinkChange } from '../observe/route-events.js';
import type { ClockStep } from '../os/epoch-clock.mjs';
import type { CpuPressure } from '../os/cpu-pressure.js';
import type { FaultKind, LabHandle } from '../providers/api/lab-handle.js';

/** The two moments the fabric has to reach: every ECMP router moved off the victim, and back. */
export type Phase = 'moved' | 'back';

export interface FaultScenario {
  /** Settling, budgets and the victim's session come from here. */
  target: FaultTarget;
  kind: FaultKind;
  /** Nodes the fault is injected on, all at once (default: the target's victim). */
  nodes?: string[];
  /** Wanted next hops per `router prefix` (route-monitor pairKey) once moved, and once back (default: the target's VIP at its ECMP routers). */
  moved?: Map<string, string[]>;
  back?: Map<string, string[]>;
  /** What the route monitor watches (default: every router, the target's VIP). */
  watch?: { routers: string[]; prefixes: string[] };
  /**
   * How long past the budget to keep waiting, so a late move is measured (and fails its
   * claim with its value) rather than only missed. Default 0: the wait ends at the budget.
   */
  overrunMs?: number;
}

/** The moments known so far, handed to observers as the experiment goes. */
export interface Moments {
  tFault: number;
  tMoved?: number;
  tRestore?: number;
  tBack?: number;
}

/** What an observer may use: the lab, the aim, the budgets, and the route monitor (the clock). */
export interface ObserverContext {
  lab: LabHandle;
  target: FaultTarget;
  spec: FaultSpec;
  /** The longest an observer's own processes need to run (bounded, so a lost clean-up ends). */
  maxSeconds: number;
  fib: RouteMonitor;
}

/** Something that watches a fault (probes, held connections, a packet trail) and returns what it saw. */
export interface Observer<R> {
  /** Resolves once it sees the lab working as before any fault (every probe answered, every capture on). */
  ready(): Promise<void>;
  /** Resolves once every effect of the FIB change of `phase` has shown in what it watches (may take snapshots). */
  settled?(phase: Phase, m: Moments): Promise<void>;
  /** Stops and resolves with what it saw. */
  stop(): Promise<R>;
  /** Stops whatever still runs, ignoring errors (clean-up after a failure). */
  abort(): Promise<void>;
}

export type ObserverFactory<R> = (ctx: ObserverContext) => Observer<R>;

/** A running capture (packet trail, BGP) as an observer: ready when it listens; aborted, it is stopped unless it already was. */
export function captureObserver<R>(capture: { ready: Promise<void>; stop(): Promise<R> }): Observer<R> {
  let stopped = false;
  return {
    ready: () => capture.ready,
    stop: () => ((stopped = true), capture.stop()),
    abort: async () => void (stopped ? undefined : await capture.stop().catch(() => undefined)),
  };
}
export type Observers = Record<string, ObserverFactory<unknown>>;
export type Observed<O extends Observers> = { [K in keyof O]: O[K] extends ObserverFactory<infer R> ? R : never };

/** A moment for the timeline picture. */
export interface Mark {
  t: number;
  label: string;
}

export interface FaultTimeline<R> {
  kind: FaultKind;
  spec: FaultSpec;
  negotiated: NegotiatedSession;
  nodes: string[];
  /** The injection began, and returned (epoch ms). */
  tFault: number;
  tInjected: number;
  /** Fabric moves: when every wanted pair held the survivors' next hops (t undefined: not within the wait). */
  moved?: FibReach;
  /** Fabric holds (a crashed speaker back within the GR restart time): when the leaf's session came back. */
  speakerBack?: { t?: number; problem?: string };
  tRestore: number;
  /** The restore returned: for a crashed speaker, its new process is up (the emulated node's start). */
  tRestored: number;
  /** When every wanted pair held every cluster's next hops again (fabric moves only). */
  back?: FibReach;
  /** Every watched router's FIB changes, and its next hops at a moment. */
  fib: RouteChange[];
  /** Every link change the monitors saw: on the watched routers and on the fault's own nodes. */
  links: LinkChange[];
  fibAt(router: string, t: number, prefix?: string): string[] | undefined;
  /** Pairs whose monitored state differs from the final dump (a missed event). */
  missed: string[];
  marks: Mark[];
  /**
   * The harness's own steps, start to end (settling, budgets, monitors and observers ready,
   * observers settled and stopped): where a scenario's time goes besides the fabric's.
   */
  steps: Mark[];
  /**
   * How long the test worker's event loop was held at most, and at the 99th percentile (ms), from
   * the route monitors' start to their stop: the worker reads every monitor's and capture's
   * output, so a long hold is a stretch in which their pipes filled and they waited.
   */
  workerLoop: { maxMs: number; p99Ms: number };
  /** The host's CPU contention from the route monitors' start to their stop (helpers/os/cpu-pressure.ts). */
  cpuPressure: CpuPressure;
  /** Waits that ended on their deadline, named. */
  late: string[];
  /**
   * Steps of the host's wall clock the tool saw from the fault on (helpers/os/epoch-clock.mjs):
   * across one, the kernel's stamps and the tool's moments are not one clock.
   */
  clockSteps: ClockStep[];
  observed: R;
}
