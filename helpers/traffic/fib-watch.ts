/**
 * Watches the kernel FIB entry of a VIP on some routers and timestamps every change of its
 * next-hop set: the "when did the fabric move" signal of the failover suite. Polling every
 * 25 ms bounds the error of each timestamp by the interval, which the report states.
 */
import { kernelNextHops } from '../clients/frr.js';
import type { LabHandle } from '../providers/provider.js';

export interface FibChange {
  /** Epoch ms of the poll that first saw the new set. */
  t: number;
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
  const loop = (async () => {
    while (running) {
      const t = now();
      await Promise.all(
        routers.map(async (r) => {
          const hops = (await kernelNextHops(lab, r, vip).catch(() => [])).map((h) => h.gateway).sort();
          const prev = last.get(r);
          if (!prev || prev.join() !== hops.join()) {
            last.set(r, hops);
            changes.push({ t, router: r, nextHops: hops });
          }
        }),
      );
      const wait = FIB_POLL_MS - (now() - t);
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
