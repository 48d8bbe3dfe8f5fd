/** Turning probe records around a fault into the numbers the failover report states. */
import type { ProbeRecord } from '../traffic/probe.js';

export interface OutageStats {
  requests: number;
  lost: number;
  /** First failed to last failed request start, seconds (0 when nothing failed). */
  outageSeconds: number;
  firstFailure?: number;
  lastFailure?: number;
  /** Requests started inside [from, to) that the failed cluster answered. */
  answeredByFailed: number;
}

export function outageStats(records: ProbeRecord[], failedCluster: string, from: number, to: number): OutageStats {
  const window = records.filter((r) => r.t >= from && r.t < to);
  const failures = window.filter((r) => !r.ok);
  const first = failures[0]?.t;
  const last = failures.at(-1)?.t;
  return {
    requests: window.length,
    lost: failures.length,
    outageSeconds: first !== undefined && last !== undefined ? (last - first) / 1000 : 0,
    firstFailure: first,
    lastFailure: last,
    answeredByFailed: window.filter((r) => r.ok && r.cluster === failedCluster).length,
  };
}
