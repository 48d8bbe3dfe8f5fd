/**
 * What `ip -ts monitor route link` prints in a router, as route changes: each route event, and
 * each next hop the kernel removed without a route event. A route installed through a nexthop
 * object (`nhid`, as FRR ≥ 8 installs them) loses a member when that member's interface goes
 * down or loses its carrier: the kernel flushes the nexthop from its groups and sends neither
 * a nexthop nor a route notification (net/ipv4/nexthop.c nexthop_flush_dev: docs/failover.md), so the route
 * stream alone would never show the move. The link event is the evidence: at its stamp, every
 * next hop through that interface is gone.
 */

/** A change of one prefix's route on one router. */
export interface RouteChange {
  /** Epoch ms: when `ip monitor` read the kernel's notification (for the seed: when the dump was taken). */
  t: number;
  router: string;
  /** The prefix as `ip` prints it: a host route without its /32. */
  prefix: string;
  /** Gateways of the route, sorted; empty when the router holds no route for the prefix. */
  nextHops: string[];
  /** The interface of each next hop, in the same order (when known). */
  devs?: string[];
  /** "event" from the monitor, "snapshot" from the dump that seeds it. */
  source: 'event' | 'snapshot';
  /** Set when no route event reported it: the link event that removed these next hops. */
  cause?: string;
}

/** An interface of a router going down (admin down or carrier lost) or up. */
export interface LinkChange {
  t: number;
  router: string;
  dev: string;
  down: boolean;
}

const STAMP = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)\] (?:\[(?:ROUTE|LINK)\])?/;
const ROUTE = /^(Deleted )?(?:(?:unicast|blackhole|unreachable|prohibit) )?(\S+) (.*)$/;
const LINK = /^(Deleted )?\d+: ([^:@\s]+)(?:@\S+)?: <([^>]*)>.*?\bstate (\S+)/;
const HOP = /\bvia (?:inet )?(\S+)(?:.*?\bdev (\S+))?/;

const epochMs = (stamp: string) => Date.parse(`${stamp.slice(0, 23)}Z`) + Number(`0.${stamp.slice(23)}`);

/** Sorted by gateway, with their interfaces in the same order. */
export function sortedHops(hops: { via: string; dev?: string }[]): { nextHops: string[]; devs: string[] } {
  // Code-unit order, as `Array.prototype.sort` orders the wanted sets they are compared with (not locale order).
  const s = [...hops].sort((a, b) => (a.via < b.via ? -1 : a.via > b.via ? 1 : 0));
  return { nextHops: s.map((h) => h.via), devs: s.map((h) => h.dev ?? '') };
}

/**
 * Parses `ip -ts monitor route link` output (TZ=UTC) of `router`: route changes of every prefix
 * (main table; a route is one line, its multipath next hops on following tab-led lines,
 * "Deleted" removes it) and interface state changes.
 */
export function parseMonitor(text: string, router: string): { routes: RouteChange[]; links: LinkChange[] } {
  const routes: RouteChange[] = [];
  const links: LinkChange[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const st = STAMP.exec(lines[i]!);
    if (!st) continue;
    const t = epochMs(st[1]!);
    const body = lines[i]!.slice(st[0].length);
    const link = LINK.exec(body);
    if (link) {
      const flags = link[3]!.split(',');
      const down = !!link[1] || link[4] === 'DOWN' || !flags.includes('UP') || flags.includes('NO-CARRIER');
      links.push({ t, router, dev: link[2]!, down });
      continue;
    }
    const m = ROUTE.exec(body);
    if (!m) continue;
    const [, deleted, prefix, rest] = m;
    const hops: { via: string; dev?: string }[] = [];
    const first = HOP.exec(rest!);
    if (first) hops.push({ via: first[1]!, dev: first[2] });
    while (lines[i + 1]?.startsWith('\t')) {
      const nh = HOP.exec(lines[++i]!);
      if (nh) hops.push({ via: nh[1]!, dev: nh[2] });
    }
    // Only the table the fabric forwards with: local/other tables never carry the VIP's BGP route.
    if (/\btable (?!main\b)\S+/.test(rest!)) continue;
    const h = sortedHops(deleted ? [] : hops);
    routes.push({ t, router, prefix: barePrefix(prefix!), ...h, source: 'event' });
  }
  return { routes, links };
}

export const barePrefix = (p: string): string => p.replace(/\/32$/, '');

/** Route changes only (see parseMonitor). */
export function parseRouteEvents(text: string, router: string): RouteChange[] {
  return parseMonitor(text, router).routes;
}

/** The changes of `prefix` (a.b.c.d or a.b.c.d/32) on `router` in `ip -ts monitor route` output. */
export function parseRouteMonitor(text: string, router: string, prefix: string): RouteChange[] {
  return parseRouteEvents(text, router).filter((c) => c.prefix === barePrefix(prefix));
}

/**
 * `routes` (seeds and events) with a change added wherever a link went down under a route:
 * at the link's stamp, the route loses every next hop through that interface (see the file's
 * comment). Time order.
 */
export function withLinkFlushes(routes: RouteChange[], links: LinkChange[]): RouteChange[] {
  const all = [...routes.map((r) => ({ t: r.t, r })), ...links.map((l) => ({ t: l.t, l }))].sort((a, b) => a.t - b.t);
  const state = new Map<string, RouteChange>();
  const out: RouteChange[] = [];
  for (const e of all) {
    if ('r' in e) {
      state.set(`${e.r.router} ${e.r.prefix}`, e.r);
      out.push(e.r);
      continue;
    }
    if (!e.l.down) continue;
    for (const cur of state.values()) {
      if (cur.router !== e.l.router || !cur.devs?.includes(e.l.dev)) continue;
      const keep = cur.nextHops.map((via, i) => ({ via, dev: cur.devs![i] })).filter((h) => h.dev !== e.l.dev);
      const flushed: RouteChange = {
        t: e.l.t,
        router: cur.router,
        prefix: cur.prefix,
        ...sortedHops(keep),
        source: 'event',
        cause: `${e.l.dev} down: the kernel flushed its next hops (no route event)`,
      };
      state.set(`${cur.router} ${cur.prefix}`, flushed);
      out.push(flushed);
    }
  }
  return out;
}
