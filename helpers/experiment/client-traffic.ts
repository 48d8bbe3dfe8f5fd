/**
 * Every client's fresh requests (the probe) and held connections to the VIP, for an experiment
 * that changes the lab in steps (a drain, an upgrade rehearsal), with the waits its steps share:
 * a baseline before anything changes, and "settled" after a step (every request started after
 * it has ended, every held connection answered since).
 */
import type { FaultTarget } from '../faults/fault-target.js';
import { Deadline, waitUntil } from '../os/poll.js';
import type { LabHandle } from '../providers/api/lab-handle.js';
import { HELD_DEFAULTS, startHeld } from '../traffic/held-connections.js';
import { startProbe } from '../traffic/probe.js';
import { unsteady } from './probe-observer.js';

export interface ProbeSettings {
  intervalMs: number;
  timeoutMs: number;
}

export function startClientTraffic(lab: LabHandle, target: FaultTarget, probe: ProbeSettings, maxSeconds: number) {
  const to = `${target.vip}:${target.service.port}`;
  const clients = Object.keys(lab.model.hosts);
  const probes = clients.map((c) => startProbe(lab, c, to, { ...probe, maxSeconds }));
  const held = clients.map((c) => startHeld(lab, c, to, { ...HELD_DEFAULTS, maxSeconds }));
  const wait = (what: string, ms: number, problem: () => Promise<string | undefined> | string | undefined) =>
    waitUntil(async () => problem(), { what, deadline: new Deadline(ms), intervalMs: 20 });
  return {
    wait,
    /**
     * A steady baseline before anything changes: every probe's last requests answered (as a
     * fault's, ./probe-observer.ts `unsteady`), and every held connection swept.
     */
    ready: () =>
      wait('every client answered before the first change', 10_000, () => {
        const why = probes.map((p) => unsteady(p.client, p.soFar())).filter(Boolean);
        if (!held.every((h) => h.lastSweep() !== undefined)) why.push('a held connection not swept yet');
        return why.length ? why.join('; ') : undefined;
      }),
    /** Every request started after `t` plus the timeout has ended, and every held connection was answered since `t`. */
    settled: (what: string, t: number) =>
      wait(`requests and held connections to settle after ${what}`, HELD_DEFAULTS.timeoutMs + 10_000, () => {
        const p = probes.filter((x) => !x.soFar().some((r) => r.t >= t + probe.timeoutMs));
        const h = held.filter((x) => (x.lastSweep() ?? 0) < t + HELD_DEFAULTS.timeoutMs);
        return p.length || h.length ? `waiting for ${[...p, ...h].map((x) => x.client).join(', ')}` : undefined;
      }),
    stop: async () => {
      const [p, h] = await Promise.all([
        Promise.all(probes.map(async (x) => [x.client, await x.stop()] as const)),
        Promise.all(held.map((x) => x.stop())),
      ]);
      return { probes: Object.fromEntries(p), held: h.flat() };
    },
  };
}
