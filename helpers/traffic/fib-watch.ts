/**
 * Watches the kernel FIB entry of a VIP on some routers and timestamps every change of its
 * next-hop set: the "when did the fabric move" signal of the failover suite. A change is
 * stamped with the time the poll that saw it *finished*, so the stamp is never earlier than
 * the change (stamping the poll's start could put it before the change by the poll's own
 * duration, which grows under load). The change happened after the previous poll started:
 * `uncertaintyMs` is that span, which the report states.
 */
import { kernelNextHops } from '../clients/frr.js';
import type { LabHandle } from '../providers/provider.js';

export interface FibChange {
  /** Epoch ms by which the new set was seen (end of the poll that saw it). */
  t: number;
  /** How long before `t` the change may have happened (back to the previous poll's start). */
  uncertaintyMs: number;
  router: string;
  nextHops: string[];
}

export const FIB_POLL_MS = 25;

export interface FibWatch {
  changes: FibChange[];
  current(router: string): string[] | undefined;
  /** The first change at or after `since` where `ok` holds for every watched router, or undefined. */
  firstTimeAll(since: number, ok: (router: string, hops: string[]) => boolean): number | undefined;
  stop(): Promise<void>;
}

export function watchFib(lab: LabHandle, routers: string[], vip: string): FibWatch {
  const changes: FibChange[] = [];
  const last = new Map<string, string[]>();
  let running = true;
  const now = () => performance.timeOrigin + performance.now();
  let previousStart: number | undefined;
  const loop = (async () => {
    while (running) {
      const start = now();
      await Promise.all(
        routers.map(async (r) => {
          const hops = (await kernelNextHops(lab, r, vip).catch(() => [])).map((h) => h.gateway).sort();
          const seen = now();
          const prev = last.get(r);
          if (!prev || prev.join() !== hops.join()) {
            last.set(r, hops);
            changes.push({ t: seen, uncertaintyMs: seen - (previousStart ?? start), router: r, nextHops: hops });
          }
        }),
      );
      previousStart = start;
      const wait = FIB_POLL_MS - (now() - start);
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    }
  })();
  return {
    changes,
    current: (r) => last.get(r),
    firstTimeAll(since, ok) {
      // Replay the changes in time order and find when all routers first satisfy `ok` together.
      const state = new Map<string, string[]>();
      const all = () => routers.every((r) => state.has(r) && ok(r, state.get(r)!));
      const sorted = [...changes].sort((a, b) => a.t - b.t);
      for (const c of sorted.filter((x) => x.t < since)) state.set(c.router, c.nextHops);
      if (all()) return since;
      for (const c of sorted.filter((x) => x.t >= since)) {
        state.set(c.router, c.nextHops);
        if (all()) return c.t;
      }
      return undefined;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
