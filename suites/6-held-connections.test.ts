/**
 * Suite 6, established connections through a fault and its fail-back (the ECMP rehash).
 * Every client holds 64 keep-alive connections to the VIP, each from its own source port,
 * with a request on each every 100 ms; a connection that breaks is replaced by a new one,
 * as a client pool does. For each fault on one node of the first cluster:
 *   - before the fault, the FIB (`ip route get` hop by hop) names the cluster serving each
 *     connection;
 *   - a connection breaks during the fault exactly when the FIB, once the fabric has moved,
 *     sends its 5-tuple elsewhere, and during the fail-back exactly when the restored FIB
 *     does; both checked connection by connection;
 *   - the number broken lies in the binomial band of the share hash-threshold moves
 *     (helpers/traffic/hash-threshold.ts) for the next-hop sets the ECMP router held;
 *   - a connection that lived through the fault is not broken by the fail-back (the restored
 *     next-hop set is the one it was hashed on): the fail-back breaks only connections
 *     opened while the fault lasted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it, type RunnerTask } from 'vitest';
import { readHashing } from '../helpers/lab/hashing.js';
import { FAULT_TITLES } from '../helpers/faults/budgets.js';
import { judgeRehash, connectionKey, type PredictedClusters, type RehashJudgement } from '../helpers/faults/rehash.js';
import { kernelNextHops } from '../helpers/clients/frr.js';
import { aliveAt, HELD_DEFAULTS, startHeld, type HeldConnection } from '../helpers/traffic/held-connections.js';
import { movedShare } from '../helpers/traffic/hash-threshold.js';
import { predictability, predictFlows } from '../helpers/traffic/path-prediction.js';
import { binomialBand, Z } from '../helpers/traffic/binomial.js';
import { renderConnections } from '../helpers/report/connections-svg.js';
import { recordArtefact, recordMetric } from '../helpers/report/metrics.js';
import { Deadline, sleep, waitUntil } from '../helpers/runtime/poll.js';
import type { FaultKind } from '../helpers/providers/api/lab-handle.js';
import { budgetFault, faultTarget, settleBeforeFault } from '../helpers/faults/fault-target.js';
import { useLab } from './lab.js';

const lab = await useLab();
const model = lab.model;
const target = faultTarget(lab);
const { vip, clusters, service, victimCluster, victim, ecmpRouters, fullSet, survivors, clientAddress } = target;
const clients = Object.keys(model.hosts);
const HELD = HELD_DEFAULTS;
/**
 * After a FIB change, how long until every break it causes has shown: a moved connection is
 * reset by its next request (at most one interval later, plus the stagger of the slots, one
 * more interval), a black-holed one times out (the request timeout).
 */
const SETTLE_MS = HELD.timeoutMs + 2 * HELD.intervalMs;
const reports = join(inject('reportsDir'), 'connections');
const now = () => performance.timeOrigin + performance.now();

const FAULTS: FaultKind[] = ['vip-withdrawn', 'node-link-down'];

/** Every ECMP router's next hops for the VIP, in the kernel's order (the order hash-threshold cuts the hash space in). */
async function ecmpHops(): Promise<Map<string, string[]>> {
  return new Map(
    await Promise.all(
      ecmpRouters.map(async (r) => [r, (await kernelNextHops(lab, r, `${vip}/32`)).map((h) => h.gateway)] as const),
    ),
  );
}

async function waitEcmp(want: Map<string, string[]>, what: string, deadline: Deadline): Promise<number> {
  await waitUntil(
    async () => {
      const got = await ecmpHops();
      const off = ecmpRouters.filter((r) => [...got.get(r)!].sort().join() !== want.get(r)!.join());
      return off.length ? off.map((r) => `${r}: [${got.get(r)!.join(', ')}]`).join('; ') : undefined;
    },
    { what, deadline, intervalMs: 20 },
  );
  return now();
}

/** The cluster the current FIB sends each connection's 5-tuple to. */
async function predictAll(conns: HeldConnection[]): Promise<PredictedClusters> {
  const out: PredictedClusters = new Map();
  for (const client of clients) {
    const mine = conns.filter((c) => c.client === client);
    const preds = await predictFlows(
      lab,
      client,
      mine.map((c) => ({ src: clientAddress[client]!, sport: c.sport, dst: vip, dport: service.port })),
    );
    mine.forEach((c, i) => out.set(connectionKey(c), preds[i]!.cluster));
  }
  return out;
}

function writeArtefacts(
  task: RunnerTask,
  kind: FaultKind,
  conns: HeldConnection[],
  judged: RehashJudgement,
  marks: { t: number; label: string }[],
  tFault: number,
  tEnd: number,
): void {
  mkdirSync(reports, { recursive: true });
  writeFileSync(
    join(reports, `${kind}.svg`),
    renderConnections({
      title: `${FAULT_TITLES[kind]}: established connections (${victim}, ${victimCluster})`,
      t0: tFault,
      end: tEnd,
      conns,
      clusters,
      marks,
    }),
  );
  const verdicts = judged.verdicts.map((v) => ({
    client: v.conn.client,
    sport: v.conn.sport,
    transition: v.transition,
    servedBy: v.servedBy,
    predicted: v.predicted,
    predictedBreak: v.predictedBreak,
    observedBreak: v.observedBreak,
    how: v.conn.how,
    brokeAt: v.conn.brokeAt,
  }));
  writeFileSync(
    join(reports, `${kind}.json`),
    JSON.stringify({ kind, tFault, marks, counts: judged.counts, verdicts, conns }, null, 1),
  );
  recordArtefact(task, `connections/${kind}.svg`);
}

describe(`established connections through faults on ${victim} (${victimCluster})`, async () => {
  const hashing = await readHashing(lab);
  const can = predictability(hashing.policy, lab.sharedKernel);

  it('preconditions: an ECMP point, and a hash policy the FIB can predict', () => {
    expect(ecmpRouters, 'routers holding the VIP over more than one cluster').not.toEqual([]);
    expect(target.unsupported, 'a victim whose fault fails its cluster').toBeUndefined();
    expect(can.reason, `per-connection prediction under hash policy ${hashing.policy}`).toBeUndefined();
  });

  for (const kind of FAULTS) {
    it(`${kind}: a connection breaks exactly when the FIB moves it, on the fault and on the fail-back`, async ({
      task,
    }) => {
      expect(target.unsupported, 'a victim whose fault fails its cluster').toBeUndefined();
      await settleBeforeFault(lab, target);
      const { spec } = await budgetFault(lab, target, kind);
      const maxSeconds = Math.ceil(spec.detect.seconds + spec.failBack.seconds + 60);
      const held = clients.map((c) => startHeld(lab, c, `${vip}:${service.port}`, { ...HELD, maxSeconds }));
      let restore: (() => Promise<void>) | undefined;
      let conns: HeldConnection[] | undefined;
      try {
        const allUp = () =>
          held.every((h) => h.soFar().filter((c) => c.cluster && !c.brokeAt).length >= HELD.connections);
        await waitUntil(
          async () =>
            allUp()
              ? undefined
              : `open and answered: ${held.map((h) => `${h.client} ${h.soFar().filter((c) => c.cluster && !c.brokeAt).length}`).join(', ')}`,
          {
            what: `${HELD.connections} answered connections from every client`,
            deadline: new Deadline(15_000),
            intervalMs: 50,
          },
        );
        const hopsBefore = await ecmpHops();
        const atStart = held.flatMap((h) => h.soFar());
        const before = await predictAll(atStart);

        const tFault = now();
        const detect = new Deadline(spec.detect.seconds * 1000);
        restore = (await lab.injectFault(kind, victim)).restore;
        const tMoved = await waitEcmp(
          survivors,
          `every ECMP router to drop ${victimCluster} (${spec.detect.formula})`,
          detect,
        );
        await sleep(SETTLE_MS);
        const hopsMoved = await ecmpHops();
        const moved = await predictAll(held.flatMap((h) => h.soFar()));

        const tRestore = now();
        await restore();
        restore = undefined;
        const tBack = await waitEcmp(
          fullSet,
          `every ECMP router to take ${victimCluster} back (${spec.failBack.formula})`,
          new Deadline(spec.failBack.seconds * 1000),
        );
        await sleep(SETTLE_MS);
        const hopsBack = await ecmpHops();
        const back = await predictAll(held.flatMap((h) => h.soFar()).filter((c) => aliveAt(c, tRestore)));
        const tEnd = now();
        conns = (await Promise.all(held.map((h) => h.stop()))).flat();
        // A connection the script could not even open (bind or connect failed inside the client)
        // is a harness error: it is neither a break nor a pass, and fails the test by name.
        const harness = held.flatMap((h) => h.harness());
        recordMetric(task, {
          key: 'rehash.harness',
          name: 'connections the script could not open (harness errors)',
          value: harness.length,
          budget: 0,
        });
        expect(
          harness.map((h) => `${((h.t - tFault) / 1000).toFixed(3)} s ${h.client} port ${h.sport}: ${h.cause}`),
          'harness errors: connections the script could not open (not network breaks; see probe.mjs on source ports)',
        ).toEqual([]);

        const judged = judgeRehash(
          conns,
          { fault: tFault, moved: tMoved, restore: tRestore, end: tEnd },
          before,
          moved,
          back,
        );
        const marks = [
          { t: tFault, label: 'fault' },
          { t: tMoved, label: 'fabric moved' },
          { t: tRestore, label: 'restore' },
          { t: tBack, label: 'failed back' },
        ];
        writeArtefacts(task, kind, conns, judged, marks, tFault, tEnd);

        // The share hash-threshold moves, at the ECMP router, for each transition.
        const router = ecmpRouters[0]!;
        const pFault = movedShare(hopsBefore.get(router)!, hopsMoved.get(router)!);
        const pBack = movedShare(hopsMoved.get(router)!, hopsBack.get(router)!);
        const { fault, failBack } = judged.counts;
        const faultBand = binomialBand(fault.alive, pFault);
        const backBand = binomialBand(failBack.openedAfterMove, pBack);
        const band = (n: number, p: number, what: string) => `${n} × ${p.toFixed(3)} ± ${Z}·σ (${what})`;
        // The headline first (the summary shows the first few): broken by the fault, by the fail-back, prediction agreement.
        recordMetric(task, {
          key: 'rehash.fault.broken',
          name: 'connections broken by the fault',
          value: fault.broken,
          budget: faultBand.high,
          formula: band(
            fault.alive,
            pFault,
            `hash-threshold share moved from [${hopsBefore.get(router)!.join(', ')}] to [${hopsMoved.get(router)!.join(', ')}] at ${router}`,
          ),
        });
        recordMetric(task, {
          key: 'rehash.failBack.broken',
          name: 'connections broken by the fail-back',
          value: failBack.broken,
        });
        recordMetric(task, {
          key: 'rehash.agreement',
          name: 'connections whose fate the FIB predicted',
          value: judged.verdicts.length
            ? (100 * (judged.verdicts.length - judged.disagreements.length)) / judged.verdicts.length
            : 0,
          unit: '%',
        });
        // With two clusters the fault breaks exactly the failed cluster's connections; with more,
        // hash-threshold also shifts region boundaries between survivors and breaks some of theirs.
        recordMetric(task, {
          key: 'rehash.fault.brokenOnSurvivors',
          name: `of the connections broken by the fault, served by a survivor (not ${victimCluster})`,
          value: judged.verdicts.filter(
            (v) => v.transition === 'fault' && v.observedBreak && v.servedBy !== victimCluster,
          ).length,
        });
        recordMetric(task, { key: 'rehash.fault.alive', name: 'connections up at the fault', value: fault.alive });
        recordMetric(task, {
          key: 'rehash.failBack.alive',
          name: 'connections up at the restore',
          value: failBack.alive,
        });
        recordMetric(task, {
          key: 'rehash.failBack.share',
          name: 'share of connections up at the restore broken by the fail-back',
          value: failBack.alive ? (100 * failBack.broken) / failBack.alive : 0,
          unit: '%',
        });
        recordMetric(task, {
          key: 'rehash.failBack.brokenSurvivors',
          name: 'of them, connections that had lived through the fault',
          value: failBack.brokenSurvivedFault,
          budget: 0,
        });
        recordMetric(task, {
          key: 'rehash.failBack.openedAfterMove',
          name: 'connections opened after the fabric moved, up at the restore',
          value: failBack.openedAfterMove,
        });
        recordMetric(task, {
          key: 'rehash.failBack.brokenAfterMove',
          name: 'of them, broken by the fail-back',
          value: failBack.brokenOpenedAfterMove,
          budget: backBand.high,
          formula: band(
            failBack.openedAfterMove,
            pBack,
            `hash-threshold share moved from [${hopsMoved.get(router)!.join(', ')}] to [${hopsBack.get(router)!.join(', ')}] at ${router}`,
          ),
        });

        expect(
          judged.misserved,
          'before the fault, every connection is served by the cluster its FIB path ends at',
        ).toEqual([]);
        expect(
          judged.disagreements,
          'every connection broke exactly when the FIB moved it to another cluster (fault and fail-back)',
        ).toEqual([]);
        expect(
          failBack.brokenSurvivedFault,
          'no connection that lived through the fault is broken by the fail-back (the restored next-hop set is the one it was hashed on)',
        ).toBe(0);
        expect(
          fault.broken,
          `connections broken by the fault, out of ${fault.alive} (band ${faultBand.low}..${faultBand.high})`,
        ).toBeGreaterThanOrEqual(faultBand.low);
        expect(fault.broken).toBeLessThanOrEqual(faultBand.high);
        expect(
          failBack.brokenOpenedAfterMove,
          `connections opened after the fabric moved that the fail-back broke, out of ${failBack.openedAfterMove} (band ${backBand.low}..${backBand.high})`,
        ).toBeGreaterThanOrEqual(backBand.low);
        expect(failBack.brokenOpenedAfterMove).toBeLessThanOrEqual(backBand.high);
      } finally {
        if (restore) await restore().catch(() => undefined);
        if (!conns) await Promise.all(held.map((h) => h.stop().catch(() => undefined)));
      }
    });
  }
});
