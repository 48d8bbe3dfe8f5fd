/**
 * Established connections through a fault: every client holds keep-alive connections to the
 * VIP (helpers/traffic/held-connections.mjs), each from its own source port. Before the fault,
 * once the fabric has moved and once it is back, the observer reads every ECMP router's next
 * hops in the kernel's order (the order hash-threshold cuts the hash space in) and asks the
 * FIB which cluster each connection's 5-tuple goes to. "Settled" is evidence, not a wait: the
 * script's sweep has passed the FIB change, so every connection has either been answered on a
 * request sent after it or broken.
 */
import { connectionKey, type PredictedClusters } from '../faults/rehash.js';
import { kernelNextHops } from '../readers/frr.js';
import {
  aliveAt,
  startHeld,
  type HeldConnection,
  type HeldHarnessError,
  type HeldOptions,
} from '../traffic/held-connections.js';
import { predictFlows } from '../traffic/path-prediction.js';
import type { LabHandle } from '../providers/api/lab-handle.js';
import type { FaultTarget } from '../faults/fault-target.js';
import { Deadline, waitUntil } from '../os/poll.js';
import type { Moments, ObserverFactory, Phase } from './timeline.js';
import { epochNow } from '../os/epoch-clock.mjs';

/** What the FIB said at one moment: each ECMP router's next hops, and the cluster of each connection then up. */
export interface FibReading {
  hops: Map<string, string[]>;
  clusters: PredictedClusters;
}

export interface HeldSeen {
  conns: HeldConnection[];
  harness: HeldHarnessError[];
  /** When the observation stopped: every break the fail-back caused has shown by then. */
  tEnd: number;
  before: FibReading;
  moved?: FibReading;
  back?: FibReading;
}

async function ecmpHops(lab: LabHandle, t: FaultTarget): Promise<Map<string, string[]>> {
  const read = async (r: string) => [r, (await kernelNextHops(lab, r, `${t.vip}/32`)).map((h) => h.gateway)] as const;
  return new Map(await Promise.all(t.ecmpRouters.map(read)));
}

async function predictAll(lab: LabHandle, t: FaultTarget, conns: HeldConnection[]): Promise<PredictedClusters> {
  const out: PredictedClusters = new Map();
  for (const client of Object.keys(lab.model.hosts)) {
    const mine = conns.filter((c) => c.client === client);
    const flows = mine.map((c) => ({
      src: t.clientAddress[client]!,
      sport: c.sport,
      dst: t.vip,
      dport: t.service.port,
    }));
    const preds = await predictFlows(lab, client, flows);
    mine.forEach((c, i) => out.set(connectionKey(c), preds[i]!.cluster));
  }
  return out;
}

export function heldObserver(opts: Omit<HeldOptions, 'maxSeconds'>): ObserverFactory<HeldSeen> {
  return ({ lab, target, maxSeconds }) => {
    const to = `${target.vip}:${target.service.port}`;
    const held = Object.keys(lab.model.hosts).map((c) => startHeld(lab, c, to, { ...opts, maxSeconds }));
    const soFar = () => held.flatMap((h) => h.soFar());
    const reading = async (conns: HeldConnection[]) => ({
      hops: await ecmpHops(lab, target),
      clusters: await predictAll(lab, target, conns),
    });
    const readings: Partial<Record<'before' | Phase, FibReading>> = {};
    const up = (h: (typeof held)[number]) => h.soFar().filter((c) => c.cluster && !c.brokeAt).length;
    return {
      async ready() {
        await waitUntil(
          async () =>
            held.every((h) => up(h) >= opts.connections)
              ? undefined
              : `open and answered: ${held.map((h) => `${h.client} ${up(h)}`).join(', ')}`,
          {
            what: `${opts.connections} answered connections from every client`,
            deadline: new Deadline(15_000),
            intervalMs: 50,
          },
        );
        readings.before = await reading(soFar());
      },
      async settled(phase: Phase, m: Moments) {
        const since = phase === 'moved' ? m.tMoved! : m.tBack!;
        // A black-holed connection shows by its request's timeout; a moved one by its next request's reset.
        await waitUntil(
          async () => {
            const behind = held.filter((h) => (h.lastSweep() ?? -Infinity) < since);
            return behind.length ? `not swept past the change: ${behind.map((h) => h.client).join(', ')}` : undefined;
          },
          {
            what: 'every held connection to meet the new FIB',
            deadline: new Deadline(opts.timeoutMs + 5000),
            intervalMs: 20,
          },
        );
        const conns = phase === 'moved' ? soFar() : soFar().filter((c) => aliveAt(c, m.tRestore!));
        readings[phase] = await reading(conns);
      },
      async stop() {
        const tEnd = epochNow();
        const conns = (await Promise.all(held.map((h) => h.stop()))).flat();
        const harness = held.flatMap((h) => h.harness());
        return { conns, harness, tEnd, before: readings.before!, moved: readings.moved, back: readings.back };
      },
      abort: async () => void (await Promise.all(held.map((h) => h.stop().catch(() => undefined)))),
    };
  };
}
