/**
 * What the scenario-lab pool (./lab-pool.ts) did, in the run's clock (performance.now() of the
 * process that owns the pool): each copy's bring-ups and each lease, so a run can say where its
 * wall time went: the critical path is the copy that finished last, its bring-up and the
 * scenarios it ran one after another, and the slowest scenario is named.
 */
/** The pool's summary in the run's reports folder. */
export const SCENARIO_LABS_FILE = 'scenario-labs.json';

export interface PoolLog {
  t0: number;
  bringUps: { copy: string; start: number; end: number; failed?: string }[];
  leases: {
    copy: string;
    label: string;
    weight: number;
    /** When the lease was asked for, granted, given back. */
    asked: number;
    start: number;
    end?: number;
    outcome?: 'converged' | 'broken' | 'worker gone';
  }[];
}

export interface PoolSummary {
  copies: {
    copy: string;
    bringUpSeconds: number[];
    scenarios: { label: string; waitedSeconds: number; seconds: number; outcome: string }[];
    busyUntilSeconds: number;
  }[];
  /** The copy whose last lease ended last: what the run's scenario part waited for. */
  criticalPath?: { copy: string; seconds: number; chain: string[] };
  slowest?: { label: string; seconds: number };
}

const s = (ms: number) => Number((ms / 1000).toFixed(2));

export function summarisePool(log: PoolLog): PoolSummary {
  const names = [...new Set([...log.bringUps.map((b) => b.copy), ...log.leases.map((l) => l.copy)])].sort();
  const copies = names.map((copy) => {
    const ups = log.bringUps.filter((b) => b.copy === copy);
    const leases = log.leases.filter((l) => l.copy === copy && l.end !== undefined);
    const ends = [...ups.map((b) => b.end), ...leases.map((l) => l.end!)];
    return {
      copy,
      bringUpSeconds: ups.map((b) => s(b.end - b.start)),
      scenarios: leases.map((l) => ({
        label: l.label,
        waitedSeconds: s(l.start - l.asked),
        seconds: s(l.end! - l.start),
        outcome: l.outcome ?? 'open',
      })),
      busyUntilSeconds: s(Math.max(log.t0, ...ends) - log.t0),
    };
  });
  const last = [...copies].sort((a, b) => b.busyUntilSeconds - a.busyUntilSeconds)[0];
  const done = log.leases.filter((l) => l.end !== undefined);
  const slowest = [...done].sort((a, b) => b.end! - b.start - (a.end! - a.start))[0];
  return {
    copies,
    criticalPath: last && {
      copy: last.copy,
      seconds: last.busyUntilSeconds,
      chain: [
        ...last.bringUpSeconds.map((b) => `bring-up ${b} s`),
        ...last.scenarios.map((x) => `${x.label} ${x.seconds} s`),
      ],
    },
    slowest: slowest && { label: slowest.label, seconds: s(slowest.end! - slowest.start) },
  };
}
