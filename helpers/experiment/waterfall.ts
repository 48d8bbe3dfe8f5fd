/**
 * A failover timing as the chain of events that explains it, hop by hop (a waterfall): from
 * the fault (or the restore) along the path the victim's advertisement takes (victim node →
 * its leaf → … → the ECMP router), each router's BGP receipt of the change (`rx`, from the BGP
 * capture), its sending the change on (`tx`) and its FIB change (`fib`, from the route
 * monitor). FRR passes an UPDATE on without waiting for its own FIB, so at each router `tx`
 * and `fib` both follow `rx`: the chain runs rx → tx → rx … → the ECMP router's fib, and every
 * other router's fib is a side branch. Each link is the time from the event it follows; the
 * links on the chain (`critical`) add up to the phase's moved or back time exactly.
 *
 * A fault with no message to receive (a node gone dark: only the hold timer finds it) starts
 * its chain at the leaf's FIB change; a fail-back starts with the victim's first SYN (the
 * speaker's dial, a random wait per GoBGP version), then its first UPDATE announcing the VIP.
 * An event the evidence does not show is named as missing, never guessed.
 */
import { addressOwner, type ExpectedVipRoute } from '../model/expected-routes.js';
import type { LabModel } from '../model/lab-model.js';
import type { BgpMessage, BgpSegment } from '../observe/bgp-messages.js';
import type { RouteChange } from '../observe/route-monitor.js';
import type { TransientWindow } from '../faults/allowed-losses.js';

/** The move, the fail-back (the VIP's way in), and the fail-back's way back to the clients (the victim's leaf's routes to them). */
export type WaterfallPhase = 'fault' | 'failBack' | 'return';

/** How the report names each phase. */
export const PHASE_LABEL: Record<WaterfallPhase, string> = {
  fault: 'move',
  failBack: 'fail-back',
  return: 'fail-back, the way back',
};

/** One link: from the event it follows to this one. */
export interface WaterfallLink {
  /** The node where the event happened, and which event. */
  node: string;
  event: 'start' | 'dial' | 'up' | 'tx' | 'rx' | 'fib' | 'moved';
  /** Epoch ms of the event, and seconds since the event it follows (`after`: `node.event`, or `t0`). */
  t: number;
  seconds: number;
  after: string;
  /** On the chain from t0 to the end of the phase (the critical links add up to it). */
  critical: boolean;
}

export interface Waterfall {
  phase: WaterfallPhase;
  /** The ECMP router the chain ends at, and the nodes it passes (victim first). */
  path: string[];
  t0: number;
  links: WaterfallLink[];
  /** Events the evidence does not show (the chain continues from the last one it does). */
  missing: string[];
}

/**
 * The nodes the victim's advertisement of `vip` passes on its way to `ecmpRouter`, victim
 * first, from the derived routes (each router's candidate towards the victim's cluster).
 */
export function advertisementPath(
  routes: ExpectedVipRoute[],
  vip: string,
  victimCluster: string,
  ecmpRouter: string,
): string[] {
  const path = [ecmpRouter];
  for (let at = ecmpRouter; path.length <= routes.length + 1;) {
    const route = routes.find((r) => r.vip === vip && r.router === at);
    const next = route?.candidates.find((c) => c.clusters.includes(victimCluster))?.via;
    if (!next || path.includes(next)) break;
    path.unshift(next);
    if (!routes.some((r) => r.vip === vip && r.router === next)) break;
    at = next;
  }
  return path;
}

/** The prefix as tcpdump prints it in an UPDATE. */
export const cidr = (vip: string) => (vip.includes('/') ? vip : `${vip}/32`);

interface Evidence {
  messages: BgpMessage[];
  segments: BgpSegment[];
  fib: RouteChange[];
}

/** Whether `m` changes `prefix` (withdraws it, or announces a path for it). */
export const touches = (m: BgpMessage, prefix: string) =>
  m.type === 'UPDATE' && (m.withdrawn.includes(prefix) || m.announced.includes(prefix));

export function firstAfter<T extends { t: number }>(xs: T[], t: number, ok: (x: T) => boolean): T | undefined {
  return xs.find((x) => x.t >= t && ok(x));
}

/**
 * A chain under construction, shared by both builders: each link measured from the event it
 * follows (the chain's last critical one unless said), none after `tEnd` (the phase's end), and
 * the events the evidence lacks.
 */
function newChain(t0: number, tEnd: number) {
  const links: WaterfallLink[] = [];
  const missing: string[] = [];
  let last = { id: 't0', t: t0 };
  /** Adds the event after `from`; returns it when found. */
  const add = (node: string, event: WaterfallLink['event'], t: number | undefined, critical: boolean, from = last) => {
    if (t === undefined || t > tEnd) return undefined;
    links.push({ node, event, t, seconds: (t - from.t) / 1000, after: from.id, critical });
    const at = { id: `${node}.${event}`, t };
    if (critical) last = at;
    return at;
  };
  return {
    links,
    missing,
    add,
    get last() {
      return last;
    },
  };
}

/**
 * The chain of one phase from `t0` to `tEnd` (the moment the ECMP router reached its set).
 * `model` names which addresses belong to which node (a capture sees addresses).
 */
export function buildWaterfall(
  model: LabModel,
  phase: WaterfallPhase,
  path: string[],
  vip: string,
  ev: Evidence,
  t0: number,
  tEnd: number,
  opts: { started?: number; fromLink?: boolean } = {},
): Waterfall {
  const prefix = cidr(vip);
  const bare = prefix.replace(/\/32$/, '');
  const chain = newChain(t0, tEnd);
  const { add, links, missing } = chain;
  const need = (found: unknown, what: string) => void (found || missing.push(what));
  const [victim, ...below] = path;
  // A fault on the links above the victim's leaf: the router above it follows the link (zebra drops
  // or re-activates the next hop), no UPDATE; the victim and its leaf are not on the chain.
  const fromLink = opts.fromLink === true && below.length > 1;
  const routers = fromLink ? below.slice(1) : below;
  const towards = (node: string, to: string | undefined) => (m: BgpMessage) =>
    m.node === node && m.dir === 'Out' && (!to || addressOwner(model, m.dst) === to) && touches(m, prefix);
  let victimTx: { id: string; t: number } | undefined;
  if (!fromLink) {
    // A restarted speaker first starts (its process up: deterministic work), then dials (GoBGP's random wait).
    if (phase === 'failBack' && opts.started !== undefined) add(victim!, 'start', opts.started, true);
    // A fail-back that had to re-open the session starts with the victim's dial (absent when the session stayed up).
    if (phase === 'failBack')
      add(
        victim!,
        'dial',
        firstAfter(ev.segments, t0, (s) => s.node === victim && s.dir === 'Out' && s.flags === 'SYN')?.t,
        true,
      );
    const sent = firstAfter(ev.messages, chain.last.t, towards(victim!, routers[0]));
    victimTx = add(victim!, 'tx', sent?.t, true);
    if (phase === 'failBack') need(victimTx, `${victim} tx: no UPDATE for ${prefix} sent`);
  }
  let from = fromLink ? below[0]! : victim!;
  for (const [i, r] of routers.entries()) {
    const last = i === routers.length - 1;
    const received = firstAfter(
      ev.messages,
      chain.last.t,
      (m) => m.node === r && m.dir === 'In' && addressOwner(model, m.src) === from && touches(m, prefix),
    );
    const rx = add(r, 'rx', received?.t, true);
    // Nothing to receive when the victim's session itself died (hold timer, link): the router's own
    // timers start it; nor at the router whose own link the fault took.
    if (!rx && !(fromLink && i === 0) && (from !== victim || victimTx))
      missing.push(`${r} rx: no UPDATE for ${prefix} from ${from}`);
    const trigger = chain.last;
    if (!last) {
      const out = firstAfter(ev.messages, trigger.t, towards(r, routers[i + 1]));
      need(add(r, 'tx', out?.t, true), `${r} tx: no UPDATE for ${prefix} sent on`);
    }
    const change = firstAfter(ev.fib, trigger.t, (c) => c.router === r && c.prefix === bare && c.source === 'event');
    need(add(r, 'fib', change?.t, last, trigger), `${r} fib: no FIB change for ${bare}`);
    from = r;
  }
  add(routers.at(-1) ?? victim!, 'moved', tEnd, true);
  return { phase, path, t0, links, missing };
}

/**
 * The fail-back's way back to the clients, when the victim's leaf lost its routes to them (its
 * uplinks went down): the leaf's route to `prefix` returns with an UPDATE from the router above
 * it, sent on a session the restore re-opened. The chain: that session `up` (both ends
 * Established; FRR reconnects on its own at the link-up, next-hop tracking: work, not a random
 * wait), the upstream's `tx` of the prefix (its update-group coalesce time), the leaf's `rx` and
 * `fib`, then `moved` at `tEnd`, the moment the leaf held all its routes to the clients again.
 */
export function buildReturnWaterfall(
  model: LabModel,
  leaf: string,
  prefix: string,
  ev: Evidence,
  t0: number,
  tEnd: number,
): Waterfall {
  const chain = newChain(t0, tEnd);
  const { links, missing } = chain;
  const add = (node: string, event: WaterfallLink['event'], t: number | undefined) => chain.add(node, event, t, true);
  const announces = (m: BgpMessage) => m.type === 'UPDATE' && m.announced.includes(prefix);
  const got = firstAfter(ev.messages, t0, (m) => m.node === leaf && m.dir === 'In' && announces(m));
  const upstream = got && addressOwner(model, got.src);
  if (!upstream) {
    missing.push(`${leaf} rx: no UPDATE for ${prefix} received`);
    add(leaf, 'moved', tEnd);
    return { phase: 'return', path: [leaf], t0, links, missing };
  }
  add(upstream, 'up', reopenedAt(model, upstream, leaf, ev, t0));
  const sent = firstAfter(
    ev.messages,
    chain.last.t,
    (m) => m.node === upstream && m.dir === 'Out' && addressOwner(model, m.dst) === leaf && announces(m),
  );
  if (!add(upstream, 'tx', sent?.t)) missing.push(`${upstream} tx: no UPDATE for ${prefix} sent`);
  add(leaf, 'rx', got.t);
  const change = firstAfter(
    ev.fib,
    chain.last.t,
    (c) => c.router === leaf && c.prefix === prefix && c.source === 'event',
  );
  if (!add(leaf, 'fib', change?.t)) missing.push(`${leaf} fib: no FIB change for ${prefix}`);
  add(leaf, 'moved', tEnd);
  return { phase: 'return', path: [upstream, leaf], t0, links, missing };
}

/** When the session between routers `a` and `b` that the restore re-opened (a SYN between them after t0) had both ends Established (each received the other's first KEEPALIVE). */
function reopenedAt(model: LabModel, a: string, b: string, ev: Evidence, t0: number): number | undefined {
  const between = (src: string, dst: string, x: string, y: string) =>
    addressOwner(model, src) === x && addressOwner(model, dst) === y;
  const syn = firstAfter(
    ev.segments,
    t0,
    (s) => s.flags === 'SYN' && (between(s.src, s.dst, a, b) || between(s.src, s.dst, b, a)),
  );
  if (!syn) return undefined;
  const keepalive = (at: string, from: string) =>
    firstAfter(
      ev.messages,
      syn.t,
      (m) => m.node === at && m.dir === 'In' && m.type === 'KEEPALIVE' && between(m.src, m.dst, from, at),
    )?.t;
  const [ta, tb] = [keepalive(a, b), keepalive(b, a)];
  return ta === undefined || tb === undefined ? undefined : Math.max(ta, tb);
}

/**
 * Where and when the VIP's chains let a router drop or loop requests towards the victim: per
 * router on a chain, from the start of its first link there (the event its change follows) to
 * the chain's end. The way back to the clients (`return`) carries no request towards the VIP.
 */
export function transientWindows(ws: Waterfall[]): TransientWindow[] {
  return ws.flatMap((w) => {
    const end = w.links.find((l) => l.event === 'moved')?.t;
    if (w.phase === 'return' || end === undefined) return [];
    const first = new Map<string, TransientWindow>();
    for (const l of w.links) {
      if (l.event === 'moved') continue;
      const from = l.t - l.seconds * 1000;
      const seen = first.get(l.node);
      if (!seen || from < seen.from)
        first.set(l.node, {
          phase: w.phase === 'fault' ? 'fault' : 'back',
          router: l.node,
          from,
          to: end,
          link: `${l.node}.${l.event}`,
        });
    }
    return [...first.values()];
  });
}
