/**
 * The fault experiments' one clock for "when did each router's FIB change": `ip -ts monitor
 * route link` in each watched router (the kernel's rtnetlink notifications, stamped by `ip` as
 * it reads them, to the microsecond; a link going down stands for the next hops the kernel
 * flushes without a route event: helpers/observe/route-events.ts), seeded with one dump of each router's table taken after the
 * monitors run. Any number of prefixes per router: one VIP for the failover suites, every VIP
 * of a cluster for suite 7 and the scale bench. No polling decides a time: a poll only says
 * when to stop waiting, so a FIB change is known to about a millisecond even on a loaded host.
 *
 * A monitor that missed an event would draw a wrong history, so `stop()` compares each
 * router's last monitored state with a fresh dump and reports any difference.
 */
import { kernelNextHops } from '../readers/frr.js';
import {
  barePrefix,
  parseMonitor,
  sortedHops,
  withLinkFlushes,
  type LinkChange,
  type RouteChange,
} from './route-events.js';
import type { LabHandle, SpawnedProcess } from '../providers/api/lab-handle.js';
import { Deadline, waitUntil, WaitTimeoutError } from '../os/poll.js';
import { epochNow } from '../os/epoch-clock.mjs';

export type { RouteChange } from './route-events.js';
export { parseRouteEvents, parseRouteMonitor } from './route-events.js';

/** `router prefix`: the key of one watched (router, prefix) pair in a wanted state. */
export const pairKey = (router: string, prefix: string): string => `${router} ${barePrefix(prefix)}`;

/** When a wanted FIB state was reached, from the monitor's stamps. */
export interface FibReach {
  /** The first moment at or after `since` when every pair held its wanted next hops at once (epoch ms). */
  t?: number;
  /** Per router: the first moment all its pairs held their wanted next hops at once (epoch ms). */
  perRouter: Record<string, number>;
  /** Pairs not in their wanted state at the last record (`router prefix: holds [...], wanted [...]`). */
  notReached: string[];
  /** Pairs that held no route at some moment on the way (a black hole at that router). */
  blackHoled: string[];
  /** Route events of the wanted pairs since `since`. */
  events: number;
}

export interface RouteMonitor {
  /** Resolves once every monitor runs and every router's table has been dumped. */
  ready: Promise<void>;
  /** Every change so far, in time order. */
  readonly changes: RouteChange[];
  /** Every link change so far, on the watched routers and the link-only nodes (time order per node). */
  readonly links: LinkChange[];
  /** Next hops `router` held for `prefix` (default: the first watched) at epoch ms `t`. */
  at(router: string, t: number, prefix?: string): string[] | undefined;
  /** What the monitor saw of a wanted state since `since` (see FibReach). */
  reached(want: Map<string, string[]>, since: number): FibReach;
  /** Stops the monitors; resolves with every pair whose monitored state differs from a final dump. */
  stop(): Promise<string[]>;
}

/** How long `ip monitor` gets to subscribe before the dump (a miss is caught by stop()'s check). */
const SUBSCRIBE_MS = 150;

/**
 * Replays `changes` (time order) over the wanted pairs: the first moment all hold at once at or
 * after `since`, per router the same, and the pairs that passed through "no route".
 */
export function reachedIn(changes: RouteChange[], want: Map<string, string[]>, since: number): FibReach {
  const state = new Map<string, string[]>();
  const holds = (k: string) => state.get(k)?.join() === want.get(k)!.join();
  const byRouter = new Map<string, string[]>();
  for (const k of want.keys()) byRouter.set(k.split(' ')[0]!, [...(byRouter.get(k.split(' ')[0]!) ?? []), k]);
  const perRouter: Record<string, number> = {};
  const blackHoled = new Set<string>();
  let t: number | undefined;
  let events = 0;
  const look = (at: number) => {
    for (const [router, keys] of byRouter)
      if (perRouter[router] === undefined && keys.every(holds)) perRouter[router] = at;
    if (t === undefined && [...want.keys()].every(holds)) t = at;
  };
  let looked = false;
  for (const c of changes) {
    const k = pairKey(c.router, c.prefix);
    if (!want.has(k)) continue;
    if (c.t >= since && !looked) {
      look(since);
      looked = true;
    }
    state.set(k, c.nextHops);
    if (c.t < since) continue;
    if (c.source === 'event') events++;
    if (c.nextHops.length === 0) blackHoled.add(k);
    look(c.t);
  }
  if (!looked) look(since);
  const notReached = [...want]
    .filter(([k]) => !holds(k))
    .map(([k, hops]) => `${k}: holds [${state.get(k)?.join(', ') ?? '?'}], wanted [${hops.join(', ')}]`);
  return { t, perRouter, notReached: notReached.sort(), blackHoled: [...blackHoled].sort(), events };
}

/** One `ip -ts monitor` per node: routes and links on the routers, links alone on the others. */
function startMonitors(lab: LabHandle, routers: string[], linkNodes: string[]): Map<string, SpawnedProcess> {
  const monitor = (node: string, objects: string[]) =>
    [node, lab.spawn(node, ['env', 'TZ=UTC', 'ip', '-ts', 'monitor', ...objects], { stamps: true })] as const;
  return new Map([
    ...routers.map((r) => monitor(r, ['route', 'link'])),
    ...linkNodes.filter((n) => !routers.includes(n)).map((n) => monitor(n, ['link'])),
  ]);
}

/**
 * Watches `prefixes` on `routers` from now on (see the file's comment), and the links alone on
 * `linkNodes` (a fault's own nodes: when their link went down is when the fault took effect,
 * helpers/experiment/fault-effect.ts).
 */
export function monitorRoutes(
  lab: LabHandle,
  routers: string[],
  prefixes: string[],
  linkNodes: string[] = [],
): RouteMonitor {
  const monitors = startMonitors(lab, routers, linkNodes);
  const watched = new Set(prefixes.map(barePrefix));
  const seen = { routes: [] as RouteChange[], links: [] as LinkChange[] };
  let changes: RouteChange[] = [];
  /** Something arrived since `changes` was last replayed. */
  let dirty = false;
  const parsedUpTo = new Map<string, number>();
  const dump = async (router: string): Promise<RouteChange[]> => {
    const t = epochNow();
    const hops = await Promise.all(prefixes.map((p) => kernelNextHops(lab, router, p)));
    return prefixes.map((p, i) => ({
      t,
      router,
      prefix: barePrefix(p),
      ...sortedHops(hops[i]!.map((h) => ({ via: h.gateway, dev: h.dev }))),
      source: 'snapshot' as const,
    }));
  };
  const ready = (async () => {
    await new Promise((res) => setTimeout(res, SUBSCRIBE_MS));
    seen.routes.push(...(await Promise.all(routers.map(dump))).flat());
    dirty = true;
  })();
  // Parses only whole lines printed since the last read (a multipath route's tab lines follow its head at once).
  const refresh = () => {
    for (const [r, m] of monitors) {
      const out = m.output();
      const end = out.lastIndexOf('\n') + 1;
      const from = parsedUpTo.get(r) ?? 0;
      if (end <= from) continue;
      parsedUpTo.set(r, end);
      const fresh = parseMonitor(out.slice(from, end), r);
      seen.routes.push(...fresh.routes.filter((c) => watched.has(c.prefix)));
      seen.links.push(...fresh.links);
      dirty = true;
    }
    // An event the dump already reflects (read before it) changes nothing in the replay.
    if (dirty) changes = withLinkFlushes(seen.routes, seen.links);
    dirty = false;
    return changes;
  };
  const at = (router: string, t: number, prefix = prefixes[0]!) => {
    let hops: string[] | undefined;
    const p = barePrefix(prefix);
    for (const c of refresh()) if (c.router === router && c.prefix === p && c.t <= t) hops = c.nextHops;
    return hops;
  };
  let stopping: Promise<string[]> | undefined;
  const finish = async (): Promise<string[]> => {
    await ready.catch(() => undefined);
    const last = await Promise.all(routers.map((r) => dump(r).catch(() => [])));
    for (const m of monitors.values()) m.stop();
    await Promise.all([...monitors.values()].map((m) => m.done.catch(() => undefined)));
    return last.flat().flatMap((d) => {
      const monitored = at(d.router, Number.POSITIVE_INFINITY, d.prefix);
      return monitored?.join() === d.nextHops.join()
        ? []
        : [`${d.router} ${d.prefix}: monitored [${monitored?.join(', ')}], kernel holds [${d.nextHops.join(', ')}]`];
    });
  };
  return {
    ready,
    get changes() {
      return refresh();
    },
    get links() {
      refresh();
      return [...seen.links];
    },
    at,
    reached: (want, since) => reachedIn(refresh(), want, since),
    stop: () => (stopping ??= finish()),
  };
}

/**
 * Waits until every pair of `want` holds its next hops at once, at or after `since`, by the
 * monitor's stamps; resolves with what was reached (with `t` undefined when the deadline passed
 * first, and `notReached` naming the pairs still off). The one implementation of "every ECMP
 * router moved" and "every ECMP router is back", for every fault experiment.
 */
export async function waitReached(
  monitor: RouteMonitor,
  want: Map<string, string[]>,
  since: number,
  what: string,
  deadline: Deadline,
): Promise<FibReach> {
  await waitUntil(
    async () => {
      const r = monitor.reached(want, since);
      return r.t !== undefined ? undefined : `${r.notReached.length} not there yet, e.g. ${r.notReached[0]}`;
    },
    { what, deadline, intervalMs: 20 },
  ).catch((err: unknown) => {
    // Too late is a finding the caller records (t undefined); an interrupt is not.
    if (!(err instanceof WaitTimeoutError)) throw err;
  });
  return monitor.reached(want, since);
}
