/** Turning probe records around a fault into the numbers the failover report states. */
import type { ProbeRecord } from '../traffic/probe.js';

export interface OutageStats {
  /** Requests that left the client (those the probe could not send are `harness`, not requests). */
  requests: number;
  lost: number;
  /** Requests the probe could not send (a harness fault: never lost, never in the outage window). */
  harness: number;
  /** First failed to last failed request start, seconds (0 when nothing failed). */
  outageSeconds: number;
  firstFailure?: number;
  lastFailure?: number;
  /** Requests started inside [from, to) that the failed cluster answered. */
  answeredByFailed: number;
}

export function outageStats(records: ProbeRecord[], failedCluster: string, from: number, to: number): OutageStats {
  const inWindow = records.filter((r) => r.t >= from && r.t < to);
  const window = inWindow.filter((r) => r.harness === undefined);
  const failures = window.filter((r) => !r.ok);
  const first = failures[0]?.t;
  const last = failures.at(-1)?.t;
  return {
    requests: window.length,
    lost: failures.length,
    harness: inWindow.length - window.length,
    outageSeconds: first !== undefined && last !== undefined ? (last - first) / 1000 : 0,
    firstFailure: first,
    lastFailure: last,
    answeredByFailed: window.filter((r) => r.ok && r.cluster === failedCluster).length,
  };
}
