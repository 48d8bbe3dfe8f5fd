/**
 * What a failover timeline shows, for suite 4 to record and judge: every failed request split
 * into harness errors and losses, each loss attributed to a place and cause (packet trail and
 * FIB history) and checked against the causes this fault allows; each client's requests during
 * the fault; the moved and fail-back times; and, when the fabric should hold, the ECMP changes
 * that should not have happened. Pure: no lab, only the timeline and the target.
 */
import {
  cutUnder,
  firstPathChange,
  unexpectedLosses,
  type LinkCut,
  type RequestSpan,
} from '../faults/allowed-losses.js';
import type { FaultTarget } from '../faults/fault-target.js';
import { outageStats, type OutageStats } from '../faults/outage.js';
import {
  attributeLosses,
  splitFailures,
  type AttributionContext,
  type HarnessError,
  type LostRequest,
} from '../observe/loss-attribution.js';
import type { RouteChange } from '../observe/route-monitor.js';
import type { LinkChange } from '../observe/route-events.js';
import { ownCaptureGaps } from '../observe/packet-trail.js';
import type { LabModel } from '../model/lab-model.js';
import type { ProbeRecords } from './probe-observer.js';
import type { FaultTimeline } from './timeline.js';
import type { Trail } from './trail-observer.js';
import type { BgpSeen } from './bgp-observer.js';
import {
  advertisementPath,
  buildReturnWaterfall,
  buildWaterfall,
  transientWindows,
  type Waterfall,
} from './waterfall.js';
import { expectedVipRoutes } from '../model/expected-routes.js';
import { FAULT_KINDS } from '../providers/api/fault-kinds.js';
import { phaseAnchor, type AnchoredPhase, type PhaseAnchor } from './fault-effect.js';

export type FailoverTimeline = FaultTimeline<{ probes: ProbeRecords; trail: Trail; bgp: BgpSeen }>;
export type ClientStats = [client: string, stats: OutageStats][];
export type Loss = LostRequest & RequestSpan;

export interface FailoverFindings {
  harness: HarnessError[];
  losses: Loss[];
  /** Losses without a cause this fault allows (fabric moves), or every loss (fabric holds). */
  unexpected: { loss: LostRequest; why: string }[];
  clients: ClientStats;
  /**
   * Seconds from the fault taking effect to every ECMP router moved, and from the restore taking
   * effect to every one back; each from its command when its effect was not seen (`anchors`).
   */
  movedS?: number;
  backS?: number;
  /** Where the move and the fail-back are timed from, and the budget each is held to (./fault-effect.ts). */
  anchors?: Record<AnchoredPhase, PhaseAnchor>;
  /** The victim path's first change (see firstPathChange) and how late the monitor stamped it. */
  tFirstChange?: number;
  monitorLagMs?: number;
  /** Fabric holds: the ECMP routers' next-hop changes since the fault (there should be none). */
  ecmpMoves: RouteChange[];
  /**
   * Fabric moves: ECMP routers' VIP changes after every one had moved and before the restore,
   * away from the set it had moved to (the fabric must stay moved: a flap back is a finding).
   */
  relapses: RouteChange[];
  /** Per ECMP router, the chain of events of the move and of the fail-back (fabric moves only). */
  waterfalls: Waterfall[];
  /** Per node, why its packet trail is incomplete: what tcpdump said, and own SYNs a client's capture lacks. */
  gaps: Record<string, string>;
}

/** The routers between the clients and the victim: its leaf and the ECMP routers. */
const onPathOf = (t: FaultTarget) => [...new Set([t.session.a.node, ...t.ecmpRouters])];

/** What a lost request's attribution needs of the lab and the run (../observe/loss-attribution.ts). */
export function attributionContext(
  m: LabModel,
  target: FaultTarget,
  fibAt: AttributionContext['fibAt'],
  gaps: Record<string, string>,
): AttributionContext {
  const nodeCluster = Object.fromEntries(Object.entries(m.k8sNodes).map(([n, k]) => [n, k.cluster]));
  return { clientAddress: target.clientAddress, nodeCluster, routers: Object.keys(m.routers), fibAt, gaps };
}

export function failoverFindings(m: LabModel, target: FaultTarget, tl: FailoverTimeline): FailoverFindings {
  const { probes, trail } = tl.observed;
  const failed = Object.entries(probes).flatMap(([client, recs]) =>
    recs.filter((r) => !r.ok).map((r) => ({ ...r, client })),
  );
  const { lost, harness } = splitFailures(failed);
  // A capture that silently missed its own client's SYNs is a gap like one that reported drops.
  const gaps = { ...ownCaptureGaps(lost, trail.packets), ...trail.gaps };
  const ctx = attributionContext(m, target, (r, t) => tl.fibAt(r, t), gaps);
  const cuts = linkCuts(tl, target.vip, ctx.routers);
  const losses = attributeLosses(lost, trail.packets, ctx, tl.tFault).map((l, i) =>
    withCut({ ...l, ms: lost[i]!.ms }, cuts, tl.tFault),
  );
  const events = tl.fib.filter((c) => c.source === 'event' && c.t >= tl.tFault && c.prefix === target.vip);
  const ecmpMoves = events.filter((c) => target.ecmpRouters.includes(c.router));
  const tEnd = tl.tRestore;
  const clients: ClientStats = Object.entries(probes).map(([c, recs]) => [
    c,
    outageStats(recs, target.victimCluster, tl.tInjected, tEnd),
  ]);
  const waterfalls = waterfallsOf(m, target, tl);
  const base = { harness, losses, clients, ecmpMoves, waterfalls, gaps, relapses: [] as RouteChange[] };
  const tMoved = tl.moved?.t;
  const tBack = tl.back?.t;
  if (tl.speakerBack || tMoved === undefined || tBack === undefined) {
    const why = tl.speakerBack
      ? 'the fabric was to hold'
      : 'no window: the fabric did not move and come back within the wait';
    return { ...base, unexpected: losses.map((loss) => ({ loss, why })) };
  }
  const evidence = { ...tl, bgp: tl.observed.bgp };
  const anchors = {
    detect: phaseAnchor(m, target, evidence, 'detect', tMoved),
    failBack: phaseAnchor(m, target, evidence, 'failBack', tBack),
  };
  const onPath = onPathOf(target);
  const first = firstPathChange(events.find((c) => onPath.includes(c.router))?.t, losses, onPath, tl.tFault, tMoved);
  const unexpected = unexpectedLosses(losses, {
    tFault: tl.tFault,
    tDetect: tMoved,
    tRestore: tl.tRestore,
    tBack,
    ecmpChanges: ecmpMoves.map((c) => c.t),
    onPath,
    transients: transientWindows(waterfalls),
    cuts,
    victim: target.victim,
    dataPlaneAlive: tl.spec.dataPlaneAlive,
    trailComplete: Object.keys(gaps).length === 0,
    noRouteBack: (client, from, to) => noRouteBack(tl, target, client, from, to),
  });
  const relapses = relapsesOf(ecmpMoves, tMoved, tl.tRestore, (r) => tl.fibAt(r, tMoved, target.vip));
  return {
    ...base,
    relapses,
    unexpected,
    movedS: (tMoved - anchors.detect.t) / 1000,
    backS: (tBack - anchors.failBack.t) / 1000,
    anchors,
    tFirstChange: first.t,
    monitorLagMs: first.monitorLagMs,
  };
}

/**
 * The ECMP routers' changes after the fabric had moved (`tMoved`) and before the restore that
 * left the set each had moved to (`movedSet`): the fabric must stay moved until the restore.
 */
export function relapsesOf(
  ecmpMoves: RouteChange[],
  tMoved: number,
  tRestore: number,
  movedSet: (router: string) => string[] | undefined,
): RouteChange[] {
  const key = (hops: string[]) => [...hops].sort().join();
  return ecmpMoves.filter((c) => {
    const moved = movedSet(c.router);
    return c.t > tMoved && c.t < tRestore && (moved === undefined || key(moved) !== key(c.nextHops));
  });
}

/**
 * The links that went down at a router between the fault's command and the restore, each with the
 * VIP's next hops the router held through it just before (the monitor's state before the stamp).
 */
export function linkCuts(
  tl: Pick<FaultTimeline<unknown>, 'links' | 'fib' | 'tFault' | 'tRestore'>,
  vip: string,
  routers: string[],
): LinkCut[] {
  const down = (l: LinkChange) => l.down && routers.includes(l.router) && l.t >= tl.tFault && l.t <= tl.tRestore;
  return tl.links.filter(down).flatMap((l) => {
    const before = tl.fib.filter((c) => c.router === l.router && c.prefix === vip && c.t < l.t).at(-1);
    const gateways = before?.nextHops.filter((_, i) => before.devs?.[i] === l.dev) ?? [];
    return gateways.length ? [{ router: l.router, dev: l.dev, gateways, from: tl.tFault, to: l.t }] : [];
  });
}

/** A loss the fault's own link cut explains says so in its sentence (the report lists it). */
function withCut<L extends LostRequest>(l: L, cuts: LinkCut[], t0: number): L {
  const c = cutUnder(l, cuts);
  if (!c) return l;
  const stamp = ((c.to - t0) / 1000).toFixed(3);
  return {
    ...l,
    detail: `${l.detail}; in flight as the fault took ${c.router} ${c.dev} down (stamped ${stamp} s), the link of its next hop ${c.gateways.join(', ')}`,
  };
}

/** Whether the victim's leaf held no route to `client`'s prefix at some moment in [from, to] (the monitor's history). */
function noRouteBack(tl: FailoverTimeline, target: FaultTarget, client: string, from: number, to: number): boolean {
  const leaf = target.session.a.node;
  const prefix = target.clientPrefix[client];
  if (!prefix) return false;
  const moments = [
    from,
    ...tl.fib.filter((c) => c.router === leaf && c.prefix === prefix && c.t > from && c.t <= to).map((c) => c.t),
  ];
  return moments.some((t) => tl.fibAt(leaf, t, prefix)?.length === 0);
}

/** The move's and the fail-back's chains of events, per ECMP router, each ending where that router reached its set. */
function waterfallsOf(m: LabModel, target: FaultTarget, tl: FailoverTimeline): Waterfall[] {
  const routes = expectedVipRoutes(m);
  const { messages, segments } = tl.observed.bgp;
  const ev = { messages, segments, fib: tl.fib };
  return target.ecmpRouters
    .flatMap((r) => {
      const path = advertisementPath(routes, target.vip, target.victimCluster, r);
      // A fault on the links above the victim's leaf: their routers follow the link, not an UPDATE.
      const fromLink = FAULT_KINDS[tl.kind].acts === 'uplinks';
      const moved = tl.moved?.perRouter[r];
      const back = tl.back?.perRouter[r];
      return [
        ...(moved !== undefined
          ? [buildWaterfall(m, 'fault', path, target.vip, ev, tl.tFault, moved, { fromLink })]
          : []),
        ...(back !== undefined
          ? [
              buildWaterfall(m, 'failBack', path, target.vip, ev, tl.tRestore, back, {
                // A crashed speaker's restore is its new process starting: a link of its own before the dial.
                started: FAULT_KINDS[tl.kind].seenBy === 'restart' ? tl.tRestored : undefined,
                fromLink,
              }),
            ]
          : []),
      ];
    })
    .concat(returnWaterfall(m, target, tl));
}

/**
 * The way back to the clients, when the fail-back had to wait for it: the victim's leaf (not an
 * ECMP router) changed its route to a client after the restore. The chain of the prefix it got
 * back last, ending where the leaf held all its routes to the clients again.
 */
function returnWaterfall(m: LabModel, target: FaultTarget, tl: FailoverTimeline): Waterfall[] {
  const leaf = target.session.a.node;
  const tEnd = tl.back?.perRouter[leaf];
  if (tEnd === undefined || target.ecmpRouters.includes(leaf)) return [];
  const prefixes = new Set(Object.values(target.clientPrefix));
  const last = tl.fib
    .filter((c) => c.router === leaf && prefixes.has(c.prefix) && c.source === 'event')
    .filter((c) => c.t >= tl.tRestore && c.t <= tEnd)
    .at(-1);
  if (!last) return [];
  const { messages, segments } = tl.observed.bgp;
  return [buildReturnWaterfall(m, leaf, last.prefix, { messages, segments, fib: tl.fib }, tl.tRestore, tEnd)];
}

/**
 * Whether each phase's time is the sum of its waterfall's links: the chain that ends last (the
 * move's, or the fail-back's including its way back to the clients) ends where the phase ended.
 * A phase that ended on a router no chain follows is named: its time is not explained.
 */
export function unexplainedPhases(f: FailoverFindings, tl: FailoverTimeline): string[] {
  const phases = [
    { name: 'move', end: tl.moved?.t, of: (w: Waterfall) => w.phase === 'fault' },
    { name: 'fail-back', end: tl.back?.t, of: (w: Waterfall) => w.phase !== 'fault' },
  ];
  return phases.flatMap(({ name, end, of }) => {
    if (end === undefined) return [];
    const chains = f.waterfalls.filter(of);
    const last = Math.max(...chains.map((w) => w.links.find((l) => l.event === 'moved')?.t ?? -Infinity));
    // The stamps are µs; a link is recorded to 0.01 ms.
    return Math.abs(last - end) <= 0.01
      ? []
      : [
          `${name}: the chains end ${Number.isFinite(last) ? `${(last - end).toFixed(2)} ms from` : 'nowhere near'} the phase's end (${chains.map((w) => w.path.join('→')).join(', ') || 'no chain'})`,
        ];
  });
}
