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

export type WaterfallPhase = 'fault' | 'failBack';

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
const cidr = (vip: string) => (vip.includes('/') ? vip : `${vip}/32`);

interface Evidence {
  messages: BgpMessage[];
  segments: BgpSegment[];
  fib: RouteChange[];
}

/** Whether `m` changes `prefix` (withdraws it, or announces a path for it). */
const touches = (m: BgpMessage, prefix: string) =>
  m.type === 'UPDATE' && (m.withdrawn.includes(prefix) || m.announced.includes(prefix));

function firstAfter<T extends { t: number }>(xs: T[], t: number, ok: (x: T) => boolean): T | undefined {
  return xs.find((x) => x.t >= t && ok(x));
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
  opts: { started?: number } = {},
): Waterfall {
  const prefix = cidr(vip);
  const bare = prefix.replace(/\/32$/, '');
  const links: WaterfallLink[] = [];
  const missing: string[] = [];
  let chain = { id: 't0', t: t0 };
  /** Adds the event after `from` (the chain's last event unless said); returns it when found. */
  const add = (node: string, event: WaterfallLink['event'], t: number | undefined, critical: boolean, from = chain) => {
    if (t === undefined || t > tEnd) return undefined;
    links.push({ node, event, t, seconds: (t - from.t) / 1000, after: from.id, critical });
    const at = { id: `${node}.${event}`, t };
    if (critical) chain = at;
    return at;
  };
  const need = (found: unknown, what: string) => void (found || missing.push(what));
  const [victim, ...routers] = path;
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
  const towards = (node: string, to: string | undefined) => (m: BgpMessage) =>
    m.node === node && m.dir === 'Out' && (!to || addressOwner(model, m.dst) === to) && touches(m, prefix);
  const sent = firstAfter(ev.messages, chain.t, towards(victim!, routers[0]));
  const victimTx = add(victim!, 'tx', sent?.t, true);
  if (phase === 'failBack') need(victimTx, `${victim} tx: no UPDATE for ${prefix} sent`);
  let from = victim!;
  for (const [i, r] of routers.entries()) {
    const last = i === routers.length - 1;
    const received = firstAfter(
      ev.messages,
      chain.t,
      (m) => m.node === r && m.dir === 'In' && addressOwner(model, m.src) === from && touches(m, prefix),
    );
    const rx = add(r, 'rx', received?.t, true);
    // Nothing to receive when the victim's session itself died (hold timer, link): the router's own timers start it.
    if (!rx && (from !== victim || victimTx)) missing.push(`${r} rx: no UPDATE for ${prefix} from ${from}`);
    const trigger = chain;
    if (!last) {
      const out = firstAfter(ev.messages, trigger.t, towards(r, routers[i + 1]));
      need(add(r, 'tx', out?.t, true), `${r} tx: no UPDATE for ${prefix} sent on`);
    }
    const change = firstAfter(ev.fib, trigger.t, (c) => c.router === r && c.prefix === bare && c.source === 'event');
    need(add(r, 'fib', change?.t, last, trigger), `${r} fib: no FIB change for ${bare}`);
    from = r;
  }
  add(routers.at(-1) ?? victim!, 'moved', tEnd, true);
  if (phase === 'failBack') links.push(...reopened(model, path.slice(1), ev, t0));
  return { phase, path, t0, links, missing };
}

/**
 * Each session between two routers on the path that the restore re-opened (a SYN between them
 * after t0), as an `up` link after t0: both ends Established (each received the other's first
 * KEEPALIVE). FRR reconnects on its own when the link returns (next-hop tracking), so this is
 * work, not a random wait; it starts the update-group coalesce time of the first UPDATE. It is a
 * side branch (not critical): what waits on it may be a route the chain does not follow (the
 * return path to the clients).
 */
function reopened(model: LabModel, routers: string[], ev: Evidence, t0: number): WaterfallLink[] {
  const out: WaterfallLink[] = [];
  for (const [i, b] of routers.entries()) {
    const a = routers[i - 1];
    if (!a) continue;
    const between = (src: string, dst: string, x: string, y: string) =>
      addressOwner(model, src) === x && addressOwner(model, dst) === y;
    const syn = firstAfter(
      ev.segments,
      t0,
      (s) => s.flags === 'SYN' && (between(s.src, s.dst, a, b) || between(s.src, s.dst, b, a)),
    );
    if (!syn) continue;
    const keepalive = (at: string, from: string) =>
      firstAfter(
        ev.messages,
        syn.t,
        (m) => m.node === at && m.dir === 'In' && m.type === 'KEEPALIVE' && between(m.src, m.dst, from, at),
      )?.t;
    const [ta, tb] = [keepalive(a, b), keepalive(b, a)];
    if (ta === undefined || tb === undefined) continue;
    const t = Math.max(ta, tb);
    out.push({ node: b, event: 'up', t, seconds: (t - t0) / 1000, after: 't0', critical: false });
  }
  return out;
}
