/**
 * One cluster withdraws every VIP it advertises at once (vip-withdrawn on each of its nodes,
 * as when its CiliumBGPAdvertisement is removed), and comes back: how long until every ECMP
 * router (meeting point) holds every VIP over the survivors only, and back over all clusters.
 * The suite that runs it (suites/7-all-vips.test.ts) and `npm run bench` share it.
 *
 * Timed by kernel route events (`ip -ts monitor route` in each ECMP router, every prefix in
 * one stream: helpers/observe/route-monitor.ts), not by polls; the polls (one dump of each
 * router's table per round, helpers/clients/frr.ts) only say when to stop waiting and confirm
 * the final state. A VIP that an ECMP router held with no next hop in between is reported:
 * for that moment the fabric black-holed it.
 */
import { kernelNextHops } from '../clients/frr.js';
import { parseRouteEvents, type PrefixChange } from '../observe/route-monitor.js';
import { advertisedVips, expectedVipRoutes } from '../model/expected-routes.js';
import type { LabHandle, SpawnedProcess } from '../providers/api/lab-handle.js';
import { Deadline, waitUntil } from '../runtime/poll.js';

export interface AllVipsPlan {
  victimCluster: string;
  victimNodes: string[];
  /** The VIPs the victim cluster advertises (each also advertised by another cluster). */
  vips: string[];
  /** The meeting points: routers that hold the VIPs over several clusters. */
  routers: string[];
  /** Per `router vip`: every next hop, and the next hops left without the victim cluster (sorted). */
  full: Map<string, string[]>;
  survivors: Map<string, string[]>;
}

export interface AllVipsMove {
  /** Seconds from the command to the last (router, VIP) pair reaching its new set, by event stamps. */
  seconds?: number;
  /** Per ECMP router: seconds until its last VIP reached the new set. */
  perRouter: Record<string, number>;
  /** Pairs not in their new set when the wait ended (`router vip: holds [...]`). */
  notMoved: string[];
  /** Pairs that passed through "no route" (a black hole at an ECMP router). */
  blackHoled: string[];
  /** Route events seen on the ECMP routers (a replace per VIP per router is expected). */
  events: number;
}

const key = (router: string, vip: string) => `${router} ${vip}`;

export function allVipsPlan(lab: LabHandle, victimCluster?: string): AllVipsPlan {
  const model = lab.model;
  const advertised = advertisedVips(model);
  const victim = victimCluster ?? [...advertised.values()][0]![0]!;
  const vips = [...advertised].filter(([, cs]) => cs.includes(victim) && cs.length > 1).map(([v]) => v);
  const set = new Set(vips);
  const ecmp = expectedVipRoutes(model).filter((e) => set.has(e.vip) && e.meetingPoint && e.installed > 1);
  const hops = (e: (typeof ecmp)[number], keep: (clusters: string[]) => boolean) =>
    e.candidates
      .filter((c) => keep(c.clusters))
      .map((c) => c.nextHop)
      .sort();
  return {
    victimCluster: victim,
    victimNodes: Object.keys(model.clusters[victim]!.speakers),
    vips,
    routers: [...new Set(ecmp.map((e) => e.router))],
    full: new Map(ecmp.map((e) => [key(e.router, e.vip), hops(e, () => true)])),
    survivors: new Map(ecmp.map((e) => [key(e.router, e.vip), hops(e, (cs) => cs.some((c) => c !== victim))])),
  };
}

/** Every pair whose kernel next hops differ from `want` now (one table dump per router). */
export async function pairsNotAt(lab: LabHandle, plan: AllVipsPlan, want: Map<string, string[]>): Promise<string[]> {
  const out: string[] = [];
  await Promise.all(
    [...want].map(async ([k, hops]) => {
      const [router, vip] = k.split(' ') as [string, string];
      const got = (await kernelNextHops(lab, router, `${vip}/32`)).map((h) => h.gateway).sort();
      if (got.join() !== hops.join()) out.push(`${k}: holds [${got.join(', ')}], expected [${hops.join(', ')}]`);
    }),
  );
  return out.sort();
}

/**
 * Runs `act` (the withdrawal, or the restore) with the ECMP routers' route monitors on, and
 * waits up to `deadlineMs` for every pair to reach `want`.
 */
export async function timeAllVipsMove(
  lab: LabHandle,
  plan: AllVipsPlan,
  want: Map<string, string[]>,
  act: () => Promise<void>,
  deadlineMs: number,
): Promise<AllVipsMove> {
  const monitors = plan.routers.map((r) => ({
    r,
    p: lab.spawn(r, ['env', 'TZ=UTC', 'ip', '-ts', 'monitor', 'route']),
  }));
  try {
    // The monitors subscribe before the act (a missed event shows as a pair without a time).
    await new Promise((res) => setTimeout(res, 150));
    const t0 = performance.timeOrigin + performance.now();
    await act();
    const notMoved = await waitUntil(
      async () => {
        const off = await pairsNotAt(lab, plan, want);
        return off.length ? `${off.length} (router, VIP) pairs not moved yet, e.g. ${off[0]}` : undefined;
      },
      { what: 'every ECMP router to hold every VIP as expected', deadline: new Deadline(deadlineMs), intervalMs: 50 },
    ).then(
      () => [] as string[],
      () => pairsNotAt(lab, plan, want),
    );
    // Stopped first, so everything they printed is in: `done` resolves with the whole output.
    const outputs = await stopAll(monitors);
    const events = outputs.flatMap(({ r, out }) => parseRouteEvents(out, r)).filter((c) => c.t >= t0);
    return { ...summarise(plan, want, events, t0), notMoved };
  } finally {
    await stopAll(monitors);
  }
}

async function stopAll(monitors: { r: string; p: SpawnedProcess }[]): Promise<{ r: string; out: string }[]> {
  for (const { p } of monitors) p.stop();
  return Promise.all(
    monitors.map(async ({ r, p }) => ({
      r,
      out: await p.done.then(
        (d) => d.stdout,
        () => p.output(),
      ),
    })),
  );
}

/** When each pair last changed to its wanted set (event stamps), and which passed through "no route". */
export function summarise(
  plan: AllVipsPlan,
  want: Map<string, string[]>,
  events: PrefixChange[],
  t0: number,
): Omit<AllVipsMove, 'notMoved'> {
  const vips = new Set(plan.vips);
  const reached = new Map<string, number>();
  const blackHoled = new Set<string>();
  for (const e of events.sort((a, b) => a.t - b.t)) {
    const vip = e.prefix.replace(/\/32$/, '');
    if (!vips.has(vip)) continue;
    const k = key(e.router, vip);
    if (!want.has(k)) continue;
    if (e.nextHops.length === 0) blackHoled.add(k);
    if (e.nextHops.join() === want.get(k)!.join()) reached.set(k, e.t);
    else reached.delete(k);
  }
  const perRouter: Record<string, number> = {};
  for (const [k, t] of reached) {
    const router = k.split(' ')[0]!;
    perRouter[router] = Math.max(perRouter[router] ?? 0, (t - t0) / 1000);
  }
  const all = [...want.keys()].every((k) => reached.has(k));
  return {
    seconds: all ? Math.max(...[...reached.values()].map((t) => (t - t0) / 1000)) : undefined,
    perRouter,
    blackHoled: [...blackHoled].sort(),
    events: events.length,
  };
}

/**
 * Withdraws every VIP of the victim cluster (vip-withdrawn on each of its nodes) and times the
 * move to the survivors; `restore` then puts them back and times the return to every cluster.
 */
export async function withdrawAllVips(
  lab: LabHandle,
  plan: AllVipsPlan,
  deadlineMs: number,
): Promise<{ move: AllVipsMove; restore: (deadlineMs: number) => Promise<AllVipsMove> }> {
  let restores: (() => Promise<void>)[] = [];
  const move = await timeAllVipsMove(
    lab,
    plan,
    plan.survivors,
    async () => {
      restores = (await Promise.all(plan.victimNodes.map((n) => lab.injectFault('vip-withdrawn', n)))).map(
        (f) => f.restore,
      );
    },
    deadlineMs,
  );
  const restore = (ms: number) =>
    timeAllVipsMove(lab, plan, plan.full, async () => void (await Promise.all(restores.map((r) => r()))), ms);
  return { move, restore };
}
