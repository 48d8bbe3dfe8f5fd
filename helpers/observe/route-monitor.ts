/**
 * Every router's kernel FIB entry for the VIP, event by event: `ip -ts monitor route` in each
 * router (the kernel's rtnetlink notifications, stamped by `ip` as it reads them, to the
 * microsecond), seeded with one `ip -j route show` per router taken after the monitors run.
 * This is the failover suite's clock for "when did each router move": no polling, so a FIB
 * change is known to about a millisecond even on a loaded host, and every router on the
 * clients' paths is watched, not only the ECMP points.
 *
 * A monitor that missed an event would draw a wrong history, so `stop()` compares each
 * router's last monitored state with a fresh dump and reports any difference.
 */
import { kernelNextHops } from '../clients/frr.js';
import type { LabHandle, SpawnedProcess } from '../providers/api/lab-handle.js';

export interface FibChange {
  /** Epoch ms: when `ip monitor` read the kernel's notification (for the seed: when the snapshot was taken). */
  t: number;
  router: string;
  /** Gateways of the route, sorted; empty when the router holds no route for the VIP. */
  nextHops: string[];
  /** "event" from the monitor, "snapshot" from the dump that seeds it. */
  source: 'event' | 'snapshot';
}

export interface FibHistory {
  changes: FibChange[];
  /** Each router's current next hops as monitored (undefined before its snapshot). */
  current(router: string): string[] | undefined;
  /** Next hops `router` held at epoch ms `t` (undefined before its first record). */
  at(router: string, t: number): string[] | undefined;
  /** The first moment at or after `since` when `ok` holds for every router in `routers`, or undefined. */
  firstTimeAll(routers: string[], since: number, ok: (router: string, hops: string[]) => boolean): number | undefined;
  /** Stops the monitors; resolves with every router whose monitored state differs from a final dump. */
  stop(): Promise<string[]>;
}

/** How long `ip monitor` gets to subscribe before the snapshot (a miss is caught by stop()'s check). */
const SUBSCRIBE_MS = 150;

/** A change of one prefix's route on one router, as `ip monitor route` reported it. */
export type PrefixChange = FibChange & { prefix: string };

/**
 * Parses `ip -ts monitor route` output (TZ=UTC) into route changes of every prefix on `router`
 * (main table; a host route's prefix as `ip` prints it, without /32). A route is one line, its
 * multipath next hops on following lines that start with a tab; "Deleted" removes it.
 */
export function parseRouteEvents(text: string, router: string): PrefixChange[] {
  const out: PrefixChange[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m =
      /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)\] (Deleted )?(?:(?:unicast|blackhole|unreachable|prohibit) )?(\S+) (.*)$/.exec(
        lines[i]!,
      );
    if (!m) continue;
    const [, stamp, deleted, prefix, rest] = m;
    const hops: string[] = [];
    const via = /\bvia (?:inet )?(\S+)/.exec(rest!);
    if (via) hops.push(via[1]!);
    while (lines[i + 1]?.startsWith('\t')) {
      const nh = /\bvia (?:inet )?(\S+)/.exec(lines[++i]!);
      if (nh) hops.push(nh[1]!);
    }
    // Only the table the fabric forwards with: local/other tables never carry the VIP's BGP route.
    if (/\btable (?!main\b)\S+/.test(rest!)) continue;
    out.push({
      t: Date.parse(`${stamp!.slice(0, 23)}Z`) + Number(`0.${stamp!.slice(23)}`),
      router,
      prefix: prefix!,
      nextHops: deleted ? [] : hops.sort(),
      source: 'event',
    });
  }
  return out;
}

/** The changes of `prefix` (a.b.c.d or a.b.c.d/32) on `router` in `ip -ts monitor route` output. */
export function parseRouteMonitor(text: string, router: string, prefix: string): FibChange[] {
  const bare = prefix.replace(/\/32$/, '');
  return parseRouteEvents(text, router)
    .filter((c) => c.prefix === bare || c.prefix === prefix)
    .map(({ prefix: _p, ...c }) => c);
}

export function monitorRoutes(
  lab: LabHandle,
  routers: string[],
  prefix: string,
): FibHistory & { ready: Promise<void> } {
  const monitors = new Map<string, SpawnedProcess>(
    routers.map((r) => [r, lab.spawn(r, ['env', 'TZ=UTC', 'ip', '-ts', 'monitor', 'route'])]),
  );
  const snapshots: FibChange[] = [];
  const now = () => performance.timeOrigin + performance.now();
  const ready = (async () => {
    await new Promise((res) => setTimeout(res, SUBSCRIBE_MS));
    await Promise.all(
      routers.map(async (r) => {
        const t = now();
        const hops = (await kernelNextHops(lab, r, prefix)).map((h) => h.gateway).sort();
        snapshots.push({ t, router: r, nextHops: hops, source: 'snapshot' });
      }),
    );
  })();
  const changes: FibChange[] = [];
  let stopping: Promise<string[]> | undefined;
  const refresh = () => {
    const events = routers.flatMap((r) => parseRouteMonitor(monitors.get(r)!.output(), r, prefix));
    // An event the snapshot already reflects (read before the dump) changes nothing in the replay.
    changes.splice(0, changes.length, ...[...snapshots, ...events].sort((a, b) => a.t - b.t));
    return changes;
  };
  const at = (router: string, t: number) => {
    let hops: string[] | undefined;
    for (const c of refresh()) if (c.router === router && c.t <= t) hops = c.nextHops;
    return hops;
  };
  return {
    ready,
    get changes() {
      return refresh();
    },
    current: (r) => at(r, Number.POSITIVE_INFINITY),
    at,
    firstTimeAll(rs, since, ok) {
      const all = refresh();
      const state = new Map<string, string[]>();
      const holds = () => rs.every((r) => state.has(r) && ok(r, state.get(r)!));
      for (const c of all.filter((x) => x.t < since)) state.set(c.router, c.nextHops);
      if (holds()) return since;
      for (const c of all.filter((x) => x.t >= since)) {
        state.set(c.router, c.nextHops);
        if (holds()) return c.t;
      }
      return undefined;
    },
    stop() {
      return (stopping ??= finish());
    },
  };
  async function finish(): Promise<string[]> {
    await ready.catch(() => undefined);
    const differing: string[] = [];
    await Promise.all(
      routers.map(async (r) => {
        const actual = (await kernelNextHops(lab, r, prefix).catch(() => undefined))?.map((h) => h.gateway).sort();
        const monitored = at(r, Number.POSITIVE_INFINITY);
        if (actual && monitored && actual.join() !== monitored.join())
          differing.push(`${r}: monitored [${monitored.join(', ')}], kernel holds [${actual.join(', ')}]`);
      }),
    );
    for (const m of monitors.values()) m.stop();
    await Promise.all([...monitors.values()].map((m) => m.done));
    refresh();
    return differing;
  }
}
