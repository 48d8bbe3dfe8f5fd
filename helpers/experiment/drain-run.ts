/**
 * One planned drain, run the way an operator runs it, under the clients' fresh requests (the
 * probe) and their held connections: drain the victim's cluster (helpers/faults/drains.ts),
 * wait until every router where the clusters meet has left it, withdraw the cluster's VIP and
 * restore it (the maintenance the drain is for), then lift the drain and wait until the fabric
 * is back. Every moment is a route-monitor stamp or the BGP table's evidence, never a sleep:
 * - drained: the route monitor sees every meeting point on the survivors only;
 * - withdrawn / re-advertised: the victim's leaf no longer holds / again holds a path from it;
 * - back: every meeting point holds every cluster again.
 * The drain is held to the withdrawal's detect budget (the same UPDATE over the same hops or
 * fewer), and each wait for the withdrawal to its own budget (helpers/faults/budgets.ts).
 */
import { watchCpuPressure, type CpuPressure } from '../os/cpu-pressure.js';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { budgetFault, type FaultTarget } from '../faults/fault-target.js';
import { fromCommand } from '../faults/budgets.js';
import type { Allowance } from '../faults/hop-allowance.js';
import { stepBudget, type DrainBudget } from '../faults/drain-budget.js';
import { announceAllowance, type Announcer } from '../faults/announce-delay.js';
import { subgroupPeers } from '../readers/frr.js';
import type { DrainPlan } from '../faults/drains.js';
import { loadModelFrom } from '../model/lab-model.js';
import { monitorRoutes, pairKey, waitReached, type RouteChange } from '../observe/route-monitor.js';
import { startPacketTrail, type TrailPacket } from '../observe/packet-trail.js';
import { Deadline } from '../os/poll.js';
import type { LabHandle } from '../providers/api/lab-handle.js';
import type { HeldConnection } from '../traffic/held-connections.js';
import type { ProbeRecord } from '../traffic/probe.js';
import { startClientTraffic } from './client-traffic.js';

export const DRAIN_PROBE = { intervalMs: 10, timeoutMs: 300 };

/** What one drain run saw: its moments (epoch ms), every request and held connection, every FIB change. */
export interface DrainRun {
  tDrain: number;
  /** The drain's own commands returned (the change takes effect while they run: they overlap the fabric's work). */
  tApplied?: number;
  /** Every meeting point on the survivors only (undefined: not within the budget). */
  tDrained?: number;
  tWithdraw?: number;
  tWithdrawn?: number;
  tRestore?: number;
  tRestored?: number;
  tLift?: number;
  /** The lift's own commands returned. */
  tLiftApplied?: number;
  tBack?: number;
  /**
   * The withdrawal's detect budget, with its formula, and the part of it that is the tool's own
   * injection (the command reaching the speaker): a drain's own commands take that part's place
   * when they took longer (../faults/drain-budget.ts `stepBudget`).
   */
  budget: DrainBudget;
  /** FRR's announce timer a router drain (and its lift) waits out on top (../faults/announce-delay.ts). */
  announce?: { drain?: Allowance; lift?: Allowance };
  probes: Record<string, ProbeRecord[]>;
  held: HeldConnection[];
  fib: RouteChange[];
  /** Next hops a router held for the VIP at epoch ms t (every router is monitored). */
  fibAt(router: string, t: number): string[] | undefined;
  /**
   * The packet trail through the whole run (tcpdump in every router, client and node), so a
   * request lost under a drain has a place and a cause as a fault's has; per node, why its trail
   * is incomplete. Read only when a request failed: empty otherwise.
   */
  trail: { packets: TrailPacket[]; gaps: Record<string, string> };
  /** Route-monitor pairs whose last state differs from a fresh dump (a missed event). */
  missed: string[];
  /** The host's CPU contention over the run (../os/cpu-pressure.ts). */
  cpuPressure: CpuPressure;
  /** Why the run stopped early, if it did. */
  problem?: string;
}

/**
 * Applies the plan; resolves with the handle that expects the drained lab and the undo. `start`
 * is called the moment the change goes to the lab (after the tool's own preparation: loading the
 * drained model is not the drain's cost).
 */
async function applyDrain(
  lab: LabHandle,
  plan: DrainPlan,
  start: () => void,
): Promise<{ view: LabHandle; lift: () => Promise<void> }> {
  if (plan.method === 'advertisement') {
    if (!lab.reconfigure) throw new Error(`the ${lab.provider} provider cannot change a running lab's advertisements`);
    // The drained model: the lab's own fixtures plus the drain advertisement, loaded as `up` loads a lab.
    const base = mkdtempSync(join(tmpdir(), 'anycast-verify-drain-'));
    try {
      const fixtures = join(base, 'fixtures');
      cpSync(lab.model.source.fixturesDir, fixtures, { recursive: true });
      for (const f of plan.files) {
        mkdirSync(dirname(join(fixtures, f.path)), { recursive: true });
        writeFileSync(join(fixtures, f.path), f.text);
      }
      const changed = loadModelFrom({ ...lab.model.source, fixturesDir: fixtures });
      start();
      const { lab: view, restore } = await lab.reconfigure(changed, ['CiliumBGPAdvertisement']);
      return { view, lift: restore };
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }
  // One vtysh per router, as an operator's session: the change and the soft clears that apply it.
  // Each vtysh is a process through the runtime (~75 ms of CPU), and the drain is in effect only
  // after the clear: one process instead of 1 + clears halves the tool's own share of the drain.
  const configure = (lines: string[], refresh: string[], router: string) =>
    lab.vtysh(router, ['configure terminal', ...lines, 'end', ...refresh].join('\n'));
  start();
  for (const r of plan.routers) await configure(r.apply, r.refresh, r.router);
  return {
    view: lab,
    lift: async () => {
      for (const r of plan.routers) await configure(r.lift, r.refresh, r.router);
    },
  };
}

/** Whether `leaf` holds a BGP path for the VIP from `address` (the victim's session). */
async function leafHoldsPathFrom(lab: LabHandle, leaf: string, vip: string, address: string): Promise<boolean> {
  const out = await lab.vtysh(leaf, `show bgp ipv4 unicast ${vip}/32 json`);
  const paths = (JSON.parse(out || '{}') as { paths?: { peer?: { peerId?: string } }[] }).paths ?? [];
  return paths.some((p) => p.peer?.peerId === address);
}

/**
 * The announce timer each step of a router drain waits out, from the subgroups as they are before
 * the drain (read live): the lift sends in them again; the drain in the ones its plan makes, when
 * it knows them (a route-map given to exactly these peers).
 */
async function announceAllowances(
  lab: LabHandle,
  announcers: Announcer[],
): Promise<{ drain?: Allowance; lift?: Allowance }> {
  const now = await Promise.all(
    announcers.map(async (a) => ({ ...a, live: await subgroupPeers(lab, a.router, a.to) })),
  );
  const drain = announceAllowance(now.map((a) => ({ router: a.router, peers: a.peers ?? a.live })));
  const lift = announceAllowance(now.map((a) => ({ router: a.router, peers: a.live })));
  return { ...(drain ? { drain } : {}), ...(lift ? { lift } : {}) };
}

/**
 * When every meeting point held `want` (per router), from `since`; throws past the step's budget
 * without its commands' time (the deadline counts from their return: ../faults/drain-budget.ts).
 */
function reacher(fib: ReturnType<typeof monitorRoutes>, vip: string, budget: DrainBudget) {
  return async (want: Map<string, string[]>, since: number, what: string, state: string, announce?: Allowance) => {
    const keyed = new Map([...want].map(([r, hops]) => [pairKey(r, vip), hops]));
    const allowed = stepBudget(budget, undefined, announce);
    const r = await waitReached(fib, keyed, since, what, new Deadline(allowed.seconds * 1000));
    if (r.t === undefined) throw new Error(`not ${state} within ${allowed.formula}: ${r.notReached.join('; ')}`);
    return r.t;
  };
}

/**
 * The run's observers, started together: a route monitor on every router (the meeting points'
 * moments, and each router's FIB for a lost request's attribution), the clients' traffic, the
 * packet trail and the host's CPU contention. `stop` stops every one, whatever another's stop did.
 */
function startObservers(lab: LabHandle, target: FaultTarget, maxSeconds: number) {
  const m = lab.model;
  const fib = monitorRoutes(lab, Object.keys(m.routers), [target.vip]);
  const traffic = startClientTraffic(lab, target, DRAIN_PROBE, maxSeconds);
  const nodes = [...Object.keys(m.routers), ...Object.keys(m.hosts), ...Object.keys(m.k8sNodes)];
  const trail = startPacketTrail(lab, nodes, target.vip, Object.keys(m.hosts));
  const pressure = watchCpuPressure();
  return {
    fib,
    traffic,
    ready: async () => {
      await Promise.all([fib.ready, trail.ready]);
      await traffic.ready();
    },
    stop: async () => {
      const cpuPressure = pressure.stop();
      // The traffic first: the captures then hold every packet of its last requests.
      const seen = await traffic.stop().catch((err: unknown) => err as Error);
      // The trail is read only when a request failed: with nothing to attribute it is discarded
      // at once, sparing the wait for libpcap's last block and the parsing (2026-12-05: 2.5 s
      // and ~2 core-s a drain).
      const failed =
        !(seen instanceof Error) &&
        Object.values(seen.probes).some((rs) => rs.some((r) => !r.ok && r.harness === undefined));
      const read = failed ? trail.stop() : trail.discard().then(() => ({ packets: [], gaps: {} }));
      const [packets, missed] = await Promise.allSettled([read, fib.stop()]);
      if (seen instanceof Error) throw seen;
      if (packets.status === 'rejected') throw packets.reason;
      if (missed.status === 'rejected') throw missed.reason;
      const fibAt = (router: string, t: number) => fib.at(router, t, target.vip);
      return { ...seen, trail: packets.value, fib: fib.changes, fibAt, missed: missed.value, cpuPressure };
    },
  };
}

export async function runDrain(lab: LabHandle, target: FaultTarget, plan: DrainPlan): Promise<DrainRun> {
  const { spec } = await budgetFault(lab, target, 'vip-withdrawn');
  // A drain is timed from its own commands: the withdrawal's budget with the injection in it (fromCommand).
  const injection = spec.command.detect;
  const detect = fromCommand(spec, 'detect');
  const budget = { seconds: detect.seconds, formula: detect.formula, ...(injection ? { injection } : {}) };
  const backBudget = fromCommand(spec, 'failBack').seconds;
  const maxSeconds = Math.ceil(4 * budget.seconds + 2 * backBudget + 60);
  const leaf = target.session.a.node;
  const victimAddress = target.session.b.address;
  const announce = plan.method === 'advertisement' ? undefined : await announceAllowances(lab, plan.announcers);
  const observers = startObservers(lab, target, maxSeconds);
  const reach = reacher(observers.fib, target.vip, budget);
  const { wait, settled } = observers.traffic;
  const run: Partial<DrainRun> & { tDrain: number } = { tDrain: 0 };
  let lift: (() => Promise<void>) | undefined;
  let unwithdraw: (() => Promise<void>) | undefined;
  try {
    await observers.ready();
    const applied = await applyDrain(lab, plan, () => (run.tDrain = Date.now()));
    run.tApplied = Date.now();
    lift = applied.lift;
    run.tDrained = await reach(
      target.survivors,
      run.tDrain,
      'every meeting point off the drained cluster',
      'drained',
      announce?.drain,
    );
    await settled('the drain', run.tDrained);

    // The maintenance the drain is for: the cluster withdraws its VIP, then advertises it again.
    run.tWithdraw = Date.now();
    const fault = await applied.view.injectFault('vip-withdrawn', target.victim);
    unwithdraw = fault.restore;
    await wait(`${leaf} to lose ${target.victim}'s path`, budget.seconds * 1000, async () =>
      (await leafHoldsPathFrom(lab, leaf, target.vip, victimAddress)) ? 'still there' : undefined,
    );
    run.tWithdrawn = Date.now();
    await settled('the withdrawal', run.tWithdrawn);
    run.tRestore = Date.now();
    unwithdraw = undefined;
    await fault.restore();
    await wait(`${leaf} to hold ${target.victim}'s path again`, backBudget * 1000, async () =>
      (await leafHoldsPathFrom(lab, leaf, target.vip, victimAddress)) ? undefined : 'not yet',
    );
    run.tRestored = Date.now();
    await settled('the re-advertisement', run.tRestored);

    run.tLift = Date.now();
    lift = undefined;
    await applied.lift();
    run.tLiftApplied = Date.now();
    run.tBack = await reach(
      target.fullSet,
      run.tLift,
      'every meeting point on every cluster again',
      'back',
      announce?.lift,
    );
    await settled('the lift', run.tBack);
  } catch (err) {
    run.problem = (err as Error).message;
  } finally {
    // Whatever failed, the lab goes back as it was: the VIP advertised, the drain lifted.
    if (unwithdraw) await unwithdraw().catch(() => undefined);
    if (lift) await lift().catch(() => undefined);
  }
  // Every observer stops even when one failed (its error is the run's).
  const seen = await observers.stop();
  return { ...run, budget, ...(announce ? { announce } : {}), ...seen };
}
