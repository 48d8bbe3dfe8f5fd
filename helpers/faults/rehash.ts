/**
 * Established connections through a fault and its fail-back, judged against the fabric's
 * own FIB. Three predictions, each from `ip route get` hop by hop (helpers/traffic/
 * path-prediction.ts) on the FIB of the moment: before the fault, once the fabric has
 * moved, once it has failed back. A connection is predicted to break at a transition when
 * the FIB sends its 5-tuple to another cluster afterwards than the one serving it (that
 * cluster has no state for it and answers with a reset; a black-holed path times out).
 *
 * Under hash-threshold the fail-back gives the routers the next-hop set they had before the
 * fault, so a connection that lived through the fault is back where it was and does not
 * move; only connections opened during the fault can break on fail-back.
 */
import type { HeldConnection } from '../traffic/held-connections.js';
import { aliveAt } from '../traffic/held-connections.js';

/** The FIB's cluster for each connection, by client and source port. */
export type PredictedClusters = Map<string, string | undefined>;

export const connectionKey = (c: Pick<HeldConnection, 'client' | 'sport'>) => `${c.client}:${c.sport}`;

export interface Phases {
  fault: number;
  /** When every ECMP router held only the survivors' next hops. */
  moved: number;
  restore: number;
  /** When the observation stopped: every break caused by the fail-back has been seen by then. */
  end: number;
}

export interface ConnectionVerdict {
  conn: HeldConnection;
  transition: 'fault' | 'fail-back';
  /** The cluster serving it when the transition began. */
  servedBy: string;
  predicted?: string;
  predictedBreak: boolean;
  observedBreak: boolean;
}

export interface RehashJudgement {
  verdicts: ConnectionVerdict[];
  /** Connections whose observed fate differs from the prediction, one sentence each. */
  disagreements: string[];
  /** Connections before the fault served by another cluster than the FIB names. */
  misserved: string[];
  counts: {
    fault: { alive: number; predicted: number; broken: number };
    failBack: {
      alive: number;
      predicted: number;
      broken: number;
      /** Up at the restore although opened before the fault: they lived through it. */
      survivedFault: number;
      brokenSurvivedFault: number;
      /** Opened once the fabric had moved: hashed on the fault's next-hop set only. */
      openedAfterMove: number;
      brokenOpenedAfterMove: number;
    };
  };
}

function judgeTransition(
  conns: HeldConnection[],
  at: number,
  until: number,
  transition: ConnectionVerdict['transition'],
  after: PredictedClusters,
): ConnectionVerdict[] {
  return conns
    .filter((c) => aliveAt(c, at))
    .map((c) => {
      const predicted = after.get(connectionKey(c));
      return {
        conn: c,
        transition,
        servedBy: c.cluster!,
        predicted,
        predictedBreak: predicted !== c.cluster,
        observedBreak: c.brokeAt !== undefined && c.brokeAt < until,
      };
    });
}

const describe = (v: ConnectionVerdict) =>
  `${v.conn.client} port ${v.conn.sport} (served by ${v.servedBy}): the FIB after the ${v.transition} sends it to ${v.predicted ?? 'no cluster'}, so it should ${v.predictedBreak ? 'break' : 'survive'}; it ${v.observedBreak ? `broke (${v.conn.how}: ${v.conn.err ?? ''}) at ${v.conn.brokeAt}` : 'survived'}`;

export function judgeRehash(
  conns: HeldConnection[],
  phases: Phases,
  before: PredictedClusters,
  moved: PredictedClusters,
  back: PredictedClusters,
): RehashJudgement {
  const misserved = conns
    .filter((c) => aliveAt(c, phases.fault) && before.get(connectionKey(c)) !== c.cluster)
    .map(
      (c) =>
        `${c.client} port ${c.sport}: served by ${c.cluster}, the FIB before the fault names ${before.get(connectionKey(c)) ?? 'no cluster'}`,
    );
  const fault = judgeTransition(conns, phases.fault, phases.restore, 'fault', moved);
  const failBack = judgeTransition(conns, phases.restore, phases.end, 'fail-back', back);
  const verdicts = [...fault, ...failBack];
  const survived = failBack.filter((v) => v.conn.openedAt < phases.fault);
  const openedAfterMove = failBack.filter((v) => v.conn.openedAt > phases.moved);
  return {
    verdicts,
    misserved,
    disagreements: verdicts.filter((v) => v.predictedBreak !== v.observedBreak).map(describe),
    counts: {
      fault: {
        alive: fault.length,
        predicted: fault.filter((v) => v.predictedBreak).length,
        broken: fault.filter((v) => v.observedBreak).length,
      },
      failBack: {
        alive: failBack.length,
        predicted: failBack.filter((v) => v.predictedBreak).length,
        broken: failBack.filter((v) => v.observedBreak).length,
        survivedFault: survived.length,
        brokenSurvivedFault: survived.filter((v) => v.observedBreak).length,
        openedAfterMove: openedAfterMove.length,
        brokenOpenedAfterMove: openedAfterMove.filter((v) => v.observedBreak).length,
      },
    },
  };
}
