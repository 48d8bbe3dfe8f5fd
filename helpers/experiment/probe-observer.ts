/**
 * Fresh connections through a fault: a probe in every client opening a connection to the VIP
 * every few milliseconds (helpers/traffic/probe.mjs), recording time, source port, outcome and
 * serving cluster. Settled after the move once every request sent before it has ended; after
 * the fail-back once the victim's cluster answers again.
 */
import { startProbe, type ProbeRecord } from '../traffic/probe.js';
import { Deadline, waitUntil } from '../os/poll.js';
import type { Moments, ObserverFactory, Phase } from './timeline.js';

export interface ProbeOptions {
  intervalMs: number;
  timeoutMs: number;
}

/**
 * The baseline: the last ANSWERS requests every probe completed were all answered, before the
 * fault; and answers from the victim after the fail-back. A steady baseline, not a count: a fault
 * starts from a lab that serves every probe (two lanes on 2 cores, 2026-12-05: the observers of a
 * fault run started while an echo pod answered 310–364 ms late for 0.7 s, and those requests, lost
 * before the fault, failed the run).
 */
const ANSWERS = 20;

/** Why a probe's baseline is not steady yet, or undefined when its last ANSWERS requests were all answered. */
export function unsteady(client: string, records: { ok: boolean }[]): string | undefined {
  const last = records.slice(-ANSWERS);
  const failed = last.filter((r) => !r.ok).length;
  if (last.length < ANSWERS) return `${client}: ${last.length} requests completed, ${ANSWERS} wanted`;
  return failed ? `${client}: ${failed} of its last ${ANSWERS} requests failed` : undefined;
}

export type ProbeRecords = Record<string, ProbeRecord[]>;

export function probeObserver(opts: ProbeOptions): ObserverFactory<ProbeRecords> {
  return ({ lab, target, maxSeconds }) => {
    const target4 = `${target.vip}:${target.service.port}`;
    const probes = Object.keys(lab.model.hosts).map((c) => startProbe(lab, c, target4, { ...opts, maxSeconds }));
    const wait = (what: string, ms: number, problem: () => string | undefined) =>
      waitUntil(async () => problem(), { what, deadline: new Deadline(ms), intervalMs: 20 });
    const settledMoved = (m: Moments) =>
      // Every request sent before the move has ended (answered or timed out): a later one has ended, past the timeout.
      wait('requests in flight at the move to end', opts.timeoutMs + 5000, () => {
        const waiting = probes.filter((p) => !p.soFar().some((r) => r.t >= m.tMoved! + opts.timeoutMs));
        return waiting.length ? `in flight: ${waiting.map((p) => p.client).join(', ')}` : undefined;
      });
    const settledBack = (m: Moments) =>
      wait(`${target.victimCluster} to answer again`, 5000, () => {
        const n = probes
          .flatMap((p) => p.soFar())
          .filter((r) => r.t > m.tBack! && r.ok && r.cluster === target.victimCluster).length;
        return n >= ANSWERS ? undefined : `${n} answers from ${target.victimCluster}`;
      });
    return {
      ready: () =>
        wait(`every probe's last ${ANSWERS} requests answered (a steady baseline)`, 10_000, () => {
          const why = probes.map((p) => unsteady(p.client, p.soFar())).filter(Boolean);
          return why.length ? why.join('; ') : undefined;
        }).then(() => undefined),
      settled: async (phase: Phase, m: Moments) => void (await (phase === 'moved' ? settledMoved(m) : settledBack(m))),
      stop: async () =>
        Object.fromEntries(await Promise.all(probes.map(async (p) => [p.client, await p.stop()] as const))),
      abort: async () => void (await Promise.all(probes.map((p) => p.stop().catch(() => undefined)))),
    };
  };
}
