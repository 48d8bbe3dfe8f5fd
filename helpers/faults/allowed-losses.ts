/**
 * Which attributed losses a fault may cause, and when: the failover suite's rule for "every lost
 * request is explained". A loss is allowed only with a named cause, at the place and in the
 * window where that cause can occur:
 * - withdrawal transient (black hole or micro-loop), only inside a link of the phase's waterfall
 *   at the router where the SYN died or looped: from the start of that router's first link on a
 *   chain of the victim's advertisement (the event its change follows: the UPDATE it received, the
 *   fault for a hold-timer expiry) to the end of that chain. The requests go towards the victim's
 *   VIP, so only the chains of the VIP count (the move's, the fail-back's), never the way back to
 *   the clients. A router no link names (off the victim's path, or its events missing from the
 *   evidence) explains nothing, and the same holds after the restore: a black hole or loop during
 *   fail-back needs a fail-back link at its router. The window opens at the link's start, not at
 *   the route monitor's stamp: `ip monitor` stamps a change when it reads the notification, up
 *   to a few ms after the kernel made it, while a looping or dropped SYN carries the kernel's own
 *   capture time;
 * - with the victim's data plane down, requests sent towards it until the fabric moved;
 * - at any time after the fault, a reset by a cluster for a connection that was open while an
 *   ECMP router's next-hop set changed: hash-threshold ECMP remaps a share of flows when the
 *   set changes, and a connection remapped to a cluster without its state is reset (seen when
 *   the fabric drops the victim with the data plane still up, and at fail-back). The same when
 *   no reset was captured but the connection's own segments show it: its handshake completed
 *   with one cluster and its request reached another (verdict `rehashed`).
 * - after the restore, a request the victim received whose answer had no way back: the victim's
 *   leaf held no route to the client then (its routes to the clients return with its sessions).
 * - a SYN that died at a router with a route to the VIP through a link the fault took down there,
 *   between the fault's command and the monitor's stamp of that link going down: in flight on the
 *   link as it went (a device going down drops what its queue holds), or routed onto it before
 *   the kernel marked its next hop dead. The stamp trails the kernel by the monitor's read lag,
 *   so the window ends at the stamp, never later; it opens at the command, which nothing in the
 *   kernel precedes. Which of the route's next hops the SYN's hash chose is not checked (the
 *   kernel's choice is read only live), so any next hop of such a route counts.
 * Anything else is unexpected. A loss without a trail is unexpected too, unless a capture was
 * missing (a container without tcpdump on the real lab): then it is judged by its start time
 * alone against the same windows, and the fault is reported not verified (suite 4), never passed.
 */
import type { LostRequest } from '../observe/loss-attribution.js';

/**
 * Where and when a link of a waterfall lets a router drop or loop requests towards the victim's
 * VIP (helpers/experiment/waterfall.ts transientWindows).
 */
export interface TransientWindow {
  /** The move (before the restore) or the fail-back. */
  phase: 'fault' | 'back';
  router: string;
  /** From the start of the router's first link on the chain (the event it follows) to the chain's end, epoch ms. */
  from: number;
  to: number;
  /** The link that opens it, e.g. `leaf2.rx`. */
  link: string;
}

export interface FaultWindows {
  /** The fault's injection began (a request open at that moment may be hit). */
  tFault: number;
  /** Every ECMP router holds only the survivors. */
  tDetect: number;
  tRestore: number;
  /** Every ECMP router holds every cluster again. */
  tBack: number;
  /** Times at which any ECMP router's next-hop set changed. */
  ecmpChanges: number[];
  /** The routers between the clients and the victim (its leaf, the ECMP routers). */
  onPath: string[];
  /** Where and when each phase's waterfall allows a black hole or a micro-loop. */
  transients: TransientWindow[];
  /** Links the fault took down at a router, each with the window in which it may drop what it carries. */
  cuts?: LinkCut[];
  victim: string;
  dataPlaneAlive: boolean;
  /** False when some node could not be captured: trail-less losses are then judged by time. */
  trailComplete: boolean;
  /**
   * Whether the victim's leaf held no route back to `client` at some moment in [from, to] (the
   * route monitor's history of the client's prefix there). A fault that cuts the leaf off the
   * fabric takes its routes to the clients with it, and they return only after its sessions do.
   */
  noRouteBack?(client: string, from: number, to: number): boolean;
}

/** A link a fault took down at a router that routed the VIP through it (./allowed-losses.ts, the last rule). */
export interface LinkCut {
  router: string;
  dev: string;
  /** The VIP's next hops the router held through `dev` just before the link went down. */
  gateways: string[];
  /** The fault's command began (epoch ms). */
  from: number;
  /** The route monitor stamped the link down (epoch ms): the kernel's change came at or before it. */
  to: number;
}

export interface RequestSpan {
  /** Epoch ms of the request's start. */
  t: number;
  /** Its duration, ms. */
  ms: number;
}

/** The losses no rule allows, each with the reason. */
export function unexpectedLosses(
  losses: (LostRequest & RequestSpan)[],
  w: FaultWindows,
): { loss: LostRequest; why: string }[] {
  const out: { loss: LostRequest; why: string }[] = [];
  const byTime = (l: LostRequest & RequestSpan) => l.verdict === 'unknown' && !w.trailComplete;
  const open = (l: RequestSpan, from: number, to: number) => l.t + l.ms >= from && l.t <= to;
  for (const l of losses) {
    // A rehash: its packets show the path changed mid-connection (SYN to one cluster, reset from
    // or request at another) and an ECMP change was stamped after it opened; without that packet
    // proof, the change must be stamped while it was open. (Stamps trail the kernel by the
    // monitor's read lag, so a stamp can land just after a short connection already died of it.)
    const rehashed =
      (l.verdict === 'reset' || l.verdict === 'rehashed') &&
      (l.rehashedFrom !== undefined
        ? w.ecmpChanges.some((c) => c >= l.t)
        : w.ecmpChanges.some((c) => c >= l.t && c <= l.t + l.ms));
    // A black hole or loop: judged by the phase's waterfall at its router (true: a link covers it).
    const transient = transientWhy(l, w.transients, l.t < w.tRestore ? 'fault' : 'back', w.tFault);
    if (l.t + l.ms < w.tFault) {
      out.push({ loss: l, why: 'lost before the fault began' });
    } else if (rehashed || cutUnder(l, w.cuts ?? []) !== undefined) {
      continue;
    } else if (transient === true) {
      continue;
    } else if (transient !== undefined) {
      out.push({ loss: l, why: transient });
    } else if (l.t < w.tRestore) {
      if (byTime(l) && open(l, w.tFault, w.tDetect)) continue;
      if (
        !w.dataPlaneAlive &&
        l.t <= w.tDetect &&
        ((l.verdict === 'lost-towards-node' && l.where !== undefined && w.onPath.includes(l.where)) ||
          (l.verdict === 'unanswered-at-node' && l.where === w.victim))
      )
        continue;
      out.push({
        loss: l,
        why: w.dataPlaneAlive
          ? "not in the withdrawal transient, and the victim's data plane was up"
          : 'not explained by the dead node or the withdrawal transient',
      });
    } else {
      if (byTime(l) && open(l, w.tRestore, w.tBack)) continue;
      // The request reached the victim, and its answer found no way back: the leaf's route to the
      // client was not back yet (the fail-back waits for it: helpers/experiment/run-fault.ts).
      if (
        l.verdict === 'unanswered-at-node' &&
        l.where === w.victim &&
        l.t <= w.tBack &&
        w.noRouteBack?.(l.client, l.t, l.t + l.ms)
      )
        continue;
      out.push({
        loss: l,
        why: 'after the restore, and neither a fail-back transient nor a reset of a connection the ECMP change rehashed',
      });
    }
  }
  return out;
}

/**
 * For a black hole or a micro-loop: true when a link of the phase's waterfall at a router where
 * it died (or one of the routers it looped between) covers its time, else why not. Undefined
 * for the other verdicts.
 */
function transientWhy(
  l: LostRequest,
  windows: TransientWindow[],
  phase: TransientWindow['phase'],
  t0: number,
): true | string | undefined {
  if (l.verdict !== 'black-hole' && l.verdict !== 'micro-loop') return undefined;
  const routers = l.verdict === 'micro-loop' ? loopedAt(l) : l.where !== undefined ? [l.where] : [];
  const mine = windows.filter((w) => w.phase === phase && routers.includes(w.router));
  const name = phase === 'fault' ? "the move's" : "the fail-back's";
  if (l.at !== undefined && mine.some((w) => l.at! >= w.from && l.at! <= w.to)) return true;
  if (!mine.length) return `a ${l.verdict} at ${routers.join('/') || '?'}, where no link of ${name} waterfall runs`;
  const s = (t: number) => ((t - t0) / 1000).toFixed(3);
  const span = (w: TransientWindow) => `${w.link} ${s(w.from)}–${s(w.to)} s`;
  return `a ${l.verdict} at ${routers.join('/')} at ${l.at !== undefined ? `${s(l.at)} s` : 'an unknown time'}, outside ${name} waterfall links there (${mine.map(span).join(', ')})`;
}

/** The cut a SYN died under: dropped with a route through a link the fault was taking down there, in that link's window. */
export function cutUnder(l: LostRequest, cuts: LinkCut[]): LinkCut | undefined {
  if (l.verdict !== 'dropped-with-route' || l.at === undefined) return undefined;
  return cuts.find(
    (c) =>
      c.router === l.where && l.at! >= c.from && l.at! <= c.to && (l.fib ?? []).some((g) => c.gateways.includes(g)),
  );
}

/** The routers a looping SYN was seen at twice (the loop), or where it died. */
function loopedAt(l: LostRequest): string[] {
  const twice = l.path.filter((n, i) => l.path.indexOf(n) !== i);
  return [...new Set(twice.length ? twice : l.where !== undefined ? [l.where] : [])];
}

/** A loss that shows a router on the victim's path had changed its FIB (no route, or a route back) at a time in [from, to]. */
function transientOnPath(l: LostRequest, onPath: string[], from: number, to: number): boolean {
  return (
    (l.verdict === 'black-hole' || l.verdict === 'micro-loop') &&
    l.where !== undefined &&
    onPath.includes(l.where) &&
    l.at !== undefined &&
    l.at >= from &&
    l.at <= to
  );
}

/**
 * When the victim's path first changed: the route monitor's first stamp on it, or earlier if
 * a transient loss (a packet's kernel capture time) shows the change had already happened.
 * Also returns by how much the evidence preceded the monitor's stamp (its read lag), if it did.
 */
export function firstPathChange(
  monitorStamp: number | undefined,
  losses: LostRequest[],
  onPath: string[],
  from: number,
  to: number,
): { t?: number; monitorLagMs?: number } {
  const evidence = losses.filter((l) => transientOnPath(l, onPath, from, to)).map((l) => l.at!);
  const earliest = evidence.length ? Math.min(...evidence) : undefined;
  if (earliest === undefined) return { t: monitorStamp };
  if (monitorStamp === undefined || earliest < monitorStamp)
    return { t: earliest, ...(monitorStamp !== undefined ? { monitorLagMs: monitorStamp - earliest } : {}) };
  return { t: monitorStamp };
}
