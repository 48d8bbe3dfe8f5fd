/**
 * An upgrade rehearsal's plan: the steps (one router, or one cluster's nodes one after another,
 * as a DaemonSet rolls), how each strategy stops what it upgrades, the graceful-restart overlay,
 * and what each step is predicted to cost each client. Pure: reads the model only.
 *
 * The prediction, per step and client, is a loss window W; the step may lose at most
 * ⌈W / probe interval⌉ + 1 requests of that client (every request started inside the window,
 * plus the one in flight at its start), and none when W = 0:
 * - `stale-swept`: as held, for a router under the graceful-restart overlay, but each neighbour
 *   that kept its paths stale swaps them for the refreshed ones when they come (observed: the
 *   stale route out of the FIB, the refreshed one in a moment later). W = 1 hop × per hop.
 * - `held`: nothing the client's traffic uses changes. A node's speaker that closes its session
 *   without a NOTIFICATION (a crash; cilium-agent's own stop, docs/upgrade-rehearsal.md), or
 *   with a Cease its GoBGP does not turn into a Hard Reset, under graceful restart with the
 *   N-bit: its leaf keeps the paths stale while the node's datapath keeps serving (RFC 4724 §4.2,
 *   RFC 8538 §3). W = 0.
 * - `moves`: the step takes the cluster's path away and back (a flushed session), and the
 *   client's traffic has another way meanwhile: each move costs the transient of a withdrawal,
 *   hops × per hop (helpers/faults/budgets.ts PER_HOP). W = 2 × hops × per hop.
 * - `reselects`: a cluster's leaf under the graceful-restart overlay. Its speaker only redials
 *   after GoBGP's idle hold, and meanwhile the restarted leaf may select the path its upper
 *   router offers, which that router (still holding the leaf's stale path) sends back: a loop
 *   until the speaker is back. W = idle hold + first dial + 1 hop × per hop.
 * - `cut`: every path of the client runs through what restarts and nothing holds it: W = the
 *   step's own restart (stop sent → new version answering, measured and reported) + the way back:
 *   the sessions re-opened (reconnectAllowance) and, on each of the n routers of the client's
 *   path, the first UPDATE held for its update-group coalesce time and one hop of work
 *   (coalesceBudget, PER_HOP). A node adds its GoBGP's first dial after start. A router under
 *   the overlay whose FIB FRR's stop withdrew (FRR_STOP_WITHDRAWS) is cut too: its neighbours
 *   hold its paths, and it adds its speakers' idle hold and first dial.
 */
import { hostGateway } from '../model/lab-addresses.js';
import { expectedVipRoutes } from '../model/expected-routes.js';
import type { LabModel } from '../model/lab-model.js';
import { labSessions } from '../model/lab-sessions.js';
import type { StopMode } from '../providers/api/lab-handle.js';
import { gobgpBehaviour } from '../runtimes/gobgp-behaviour.js';
import { coalesceBudget, PER_HOP_SECONDS } from './budgets.js';
import type { FaultTarget } from './fault-target.js';
import { reconnectAllowance } from './hop-allowance.js';

/**
 * How cilium-agent's stop looks on the wire (what `plain` does to a node): it exits without
 * stopping its BGP instances, so the kernel closes the sessions without a NOTIFICATION
 * (docs/upgrade-rehearsal.md cites Cilium's source for it).
 */
export const CILIUM_AGENT_STOP: StopMode = 'crash';

export const UPGRADE_STRATEGIES = {
  plain: {
    title: "FRR's service stop on each router; each node's speaker stopped as cilium-agent stops (no NOTIFICATION)",
    router: 'clean',
    node: CILIUM_AGENT_STOP,
    overlay: false,
  },
  'graceful-restart': {
    title:
      'as plain, with graceful restart on the fabric sessions: an overlay on the configs (bgp graceful-restart, preserve-fw-state; zebra -r -K, bgpd -K)',
    router: 'clean',
    node: CILIUM_AGENT_STOP,
    overlay: true,
  },
  'node-clean-stop': {
    title: "as plain, but each node's GoBGP stopped cleanly (SIGTERM: a Cease to every peer)",
    router: 'clean',
    node: 'clean',
    overlay: false,
  },
} as const satisfies Record<string, { title: string; router: StopMode; node: StopMode; overlay: boolean }>;

export type UpgradeStrategy = keyof typeof UPGRADE_STRATEGIES;

export function isUpgradeStrategy(s: string): s is UpgradeStrategy {
  return Object.hasOwn(UPGRADE_STRATEGIES, s);
}

/** One step: a router, or a cluster whose speaker nodes restart one after another. */
export interface UpgradeStep {
  name: string;
  kind: 'router' | 'cluster';
  nodes: string[];
}

/**
 * The steps in `order` (names of routers and clusters, comma-separated), or by default every
 * router in the topology's order, then every cluster: the fabric first, as a version bump of
 * FRR usually lands before Cilium's. A name that is neither is refused, naming the choices.
 */
export function upgradeSteps(model: LabModel, order?: string): UpgradeStep[] {
  const routers = Object.keys(model.routers);
  const clusters = Object.keys(model.clusters).filter((c) => Object.keys(model.clusters[c]!.speakers).length);
  const names = order
    ? order
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [...routers, ...clusters];
  const seen = new Set<string>();
  return names.map((name) => {
    if (seen.has(name)) throw new Error(`--order: ${name} named twice`);
    seen.add(name);
    if (routers.includes(name)) return { name, kind: 'router', nodes: [name] };
    if (clusters.includes(name))
      return { name, kind: 'cluster', nodes: Object.keys(model.clusters[name]!.speakers).sort() };
    throw new Error(
      `--order: "${name}" is no router or cluster with a BGP speaker of lab "${model.name}" (routers: ${routers.join(', ')}; clusters: ${clusters.join(', ')})`,
    );
  });
}

/** The router a client's traffic enters the fabric at: the owner of its gateway (as path prediction starts from). */
export function clientGateway(model: LabModel, client: string): string | undefined {
  return hostGateway(model, client)?.router;
}

/** Whether the client can still reach a router that serves the VIP from a cluster when `without` is gone. */
function reachesClusterWithout(model: LabModel, target: FaultTarget, client: string, without: string[]): boolean {
  const gw = clientGateway(model, client);
  if (!gw || without.includes(gw)) return false;
  const sessions = labSessions(model);
  const serving = new Set(
    sessions
      .filter((s) => s.b.kind === 'speaker' && !without.includes(s.b.node) && target.clusters.includes(s.cluster ?? ''))
      .map((s) => s.a.node),
  );
  const next = (r: string) =>
    sessions
      .filter((s) => s.a.kind === 'frr' && s.b.kind === 'frr' && (s.a.node === r || s.b.node === r))
      .map((s) => (s.a.node === r ? s.b.node : s.a.node))
      .filter((n) => !without.includes(n));
  const seen = new Set([gw]);
  const queue = [gw];
  while (queue.length) {
    const r = queue.shift()!;
    if (serving.has(r)) return true;
    for (const n of next(r)) {
      if (seen.has(n)) continue;
      seen.add(n);
      queue.push(n);
    }
  }
  return false;
}

export interface StepPrediction {
  client: string;
  case: 'held' | 'stale-swept' | 'moves' | 'reselects' | 'cut';
  /** Why this case, in a sentence. */
  why: string;
  /** The loss window (seconds), its formula, and the requests it allows. */
  windowSeconds: number;
  formula: string;
  maxLost: number;
}

export interface PredictionInput {
  model: LabModel;
  target: FaultTarget;
  step: UpgradeStep;
  strategy: UpgradeStrategy;
  client: string;
  /** The step's own restart, stop sent → new version answering (seconds, measured). */
  restartSeconds: number;
  /** The GoBGP each node's speaker ran when the step began. */
  gobgpAtStart: Record<string, string>;
  /** The GoBGP the step's nodes start on. */
  gobgpTo: string;
  probeIntervalMs: number;
  /**
   * The step's router lost its own route for the VIP from its kernel while its FRR stopped
   * (the route monitor's evidence): FRR's stop race, FRR_STOP_WITHDRAWS.
   */
  fibWithdrawnAtStop?: boolean;
}

/**
 * Why a router under the graceful-restart overlay can lose its FIB when FRR's service stops
 * (@ frr-10.3): all_stop signals every daemon at once (tools/frrcommon.sh.in:269-286); bgpd's
 * exit withdraws every selected route from zebra (bgpd/bgp_main.c:151-162 sigint → bgp_exit,
 * :180-205 → bgp_delete, bgpd/bgpd.c:4210 → bgp_cleanup_routes, bgpd/bgp_route.c:6654-6685
 * bgp_cleanup_table → bgp_zebra_withdraw_actual, unconditional still at frr-10.7.0); a zebra
 * that reads them before its own SIGINT handler sets in_shutdown (zebra/main.c:133-152) takes
 * them out of the kernel, and -r keeps only what is left. Upstream: a service restart is no graceful
 * restart (FRR issue 12041). docs/upgrade-rehearsal.md: how often.
 */
export const FRR_STOP_WITHDRAWS =
  "FRR's service stop withdrew the router's routes from its kernel (bgpd's exit sends zebra a delete per route, and frrinit.sh signals both at once): nothing held them";

const fmt = (s: number) => `${s.toFixed(3)} s`;

export function predictStep(i: PredictionInput): StepPrediction {
  const { model, target, step, client } = i;
  const plan = UPGRADE_STRATEGIES[i.strategy];
  const allow = (windowSeconds: number) =>
    windowSeconds === 0 ? 0 : Math.ceil((windowSeconds * 1000) / i.probeIntervalMs) + 1;
  const done = (c: StepPrediction['case'], why: string, windowSeconds: number, formula: string): StepPrediction => ({
    client,
    case: c,
    why,
    windowSeconds,
    formula,
    maxLost: allow(windowSeconds),
  });
  if (step.kind === 'cluster') {
    const sessions = labSessions(model).filter((s) => step.nodes.includes(s.b.node));
    const gr = sessions.every((s) => s.gracefulRestart);
    const gobgpFrom = i.gobgpAtStart[step.nodes[0]!] ?? '0';
    const hardReset = gobgpBehaviour(gobgpFrom).ceaseIsHardReset;
    if (gr && (plan.node === 'crash' || !hardReset))
      return done(
        'held',
        plan.node === 'crash'
          ? 'the speaker closes its sessions without a NOTIFICATION; with graceful restart its leaf keeps the paths stale while the datapath serves'
          : `GoBGP ${gobgpFrom} sends a Cease, not a Hard Reset; with the N-bit its leaf keeps the paths stale while the datapath serves`,
        0,
        'nothing the traffic uses changes',
      );
    const why = !gr
      ? 'no graceful restart on its sessions: its leaf drops its paths when the sessions close'
      : `GoBGP ${gobgpFrom} stops with a Cease it sends as a Hard Reset (RFC 8538 N-bit): its leaf drops its paths at once`;
    if (reachesClusterWithout(model, target, client, step.nodes)) {
      const w = 2 * target.hops * PER_HOP_SECONDS;
      return done('moves', why, w, `away and back: 2 × ${target.hops} hops × ${fmt(PER_HOP_SECONDS)}`);
    }
    const first = gobgpBehaviour(i.gobgpTo).firstDial(0).max;
    return cut(i, why, done, { seconds: first, formula: `first dial ${fmt(first)}` });
  }
  const speakers = labSessions(model).filter((s) => s.a.node === step.name && s.b.kind === 'speaker');
  const held = plan.overlay && !i.fibWithdrawnAtStop;
  const back = speakers.length ? speakersBack(i, speakers) : undefined;
  if (held && back && reachesClusterWithout(model, target, client, [step.name]))
    // Measured on the seed (docs/upgrade-rehearsal.md): the restarted leaf's bgpd selects the
    // path its upper router offers before its own cluster's speaker is back, while that router
    // still holds the leaf's stale path: a loop between them until the speaker redials.
    return done(
      'reselects',
      "graceful-restart overlay: the router's kernel keeps its routes, but its cluster's speaker only redials after its idle hold; meanwhile the restarted router may select another router's path that leads back to it",
      back.seconds + PER_HOP_SECONDS,
      `until the speaker is back: ${back.formula} + ${fmt(PER_HOP_SECONDS)} per hop`,
    );
  if (held)
    // Measured on the seed (docs/upgrade-rehearsal.md): a helper takes its stale path out of its
    // FIB and puts the refreshed one in a moment later (52 ms on leaf1, FRR 10.3): one hop's work.
    return done(
      'stale-swept',
      "graceful-restart overlay: the router's kernel keeps its routes across the restart and its neighbours keep its paths stale, then swap the stale path for the refreshed one",
      PER_HOP_SECONDS,
      `a neighbour's swap of the stale path: 1 hop × ${fmt(PER_HOP_SECONDS)}`,
    );
  // Its neighbours still hold its paths stale and send it traffic it can no longer forward,
  // until its new bgpd puts the routes back (after its cluster's speakers, if any, are back).
  if (plan.overlay) return cut(i, FRR_STOP_WITHDRAWS, done, back);
  const why = 'its neighbours drop its paths when its sessions close, and its zebra takes its routes out of the kernel';
  if (reachesClusterWithout(model, target, client, step.nodes))
    return done('moves', why, 2 * PER_HOP_SECONDS, `away and back: 2 × 1 hop × ${fmt(PER_HOP_SECONDS)}`);
  return cut(i, why, done);
}

/** When the slowest of a router's speakers is back after the router restarted: GoBGP's idle hold, then its first dial. */
function speakersBack(
  i: PredictionInput,
  speakers: ReturnType<typeof labSessions>,
): { seconds: number; formula: string } {
  return speakers
    .map((s) => {
      const g = gobgpBehaviour(i.gobgpAtStart[s.b.node] ?? '0');
      const dial = g.firstDial(s.speakerPeer?.connectRetrySeconds ?? 0);
      return { seconds: g.idleHoldSeconds + dial.max, formula: `idle hold ${g.idleHoldSeconds} s + ${dial.formula}` };
    })
    .reduce((a, b) => (b.seconds > a.seconds ? b : a));
}

/** The `cut` window: the restart itself, then the way back over the client's path. */
function cut(
  i: PredictionInput,
  why: string,
  done: (c: 'cut', why: string, w: number, f: string) => StepPrediction,
  back?: { seconds: number; formula: string },
): StepPrediction {
  const gw = clientGateway(i.model, i.client);
  const route = expectedVipRoutes(i.model).find((e) => e.router === gw && e.vip === i.target.vip);
  const n = Math.max(1, ...(route?.candidates.flatMap((c) => c.asPaths.map((p) => p.split(' ').length)) ?? [1]));
  const coalesce = Object.values(i.model.routers)
    .map((r) => coalesceBudget(r.name, Object.keys(r.frr.bgp?.neighbors ?? {}).length))
    .reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const reconnect = reconnectAllowance();
  // A restarted router with route-maps opens its sessions only after its route-map delay timer
  // (measured on the datacenter example, docs/routing-policy.md): RMAP_DEFAULT_UPDATE_TIMER 5 s,
  // bgpd/bgpd.h:144 @ frr-10.3, unless `bgp route-map delay-timer` says otherwise.
  const router = i.model.routers[i.step.name];
  const rmapDelay =
    router && Object.keys(router.frr.policy.routeMaps).length ? (router.frr.routeMapDelaySeconds ?? 5) : 0;
  const w =
    i.restartSeconds + (back?.seconds ?? 0) + rmapDelay + reconnect.seconds + n * (coalesce.seconds + PER_HOP_SECONDS);
  const dial = back ? ` + ${back.formula}` : '';
  const rmap = rmapDelay ? ` + its route-map delay timer ${rmapDelay} s` : '';
  return done(
    'cut',
    `${why}; every path of ${i.client} runs through it`,
    w,
    `restart ${fmt(i.restartSeconds)}${dial}${rmap} + re-open ${fmt(reconnect.seconds)} + ${n} routers × (coalesce ≤ ${fmt(coalesce.seconds)} (${coalesce.formula}) + ${fmt(PER_HOP_SECONDS)} per hop)`,
  );
}
