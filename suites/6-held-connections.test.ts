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
import { describe, expect, inject, it } from 'vitest';
import { readHashing } from '../helpers/readers/hash-policy.js';
import { faultTarget, scenarioWeights } from '../helpers/faults/fault-target.js';
import { HELD_DEFAULTS } from '../helpers/traffic/held-connections.js';
import { predictability } from '../helpers/traffic/path-prediction.js';
import { runFault } from '../helpers/experiment/run-fault.js';
import { heldObserver } from '../helpers/experiment/held-observer.js';
import { rehashFindings, type RehashFindings } from '../helpers/experiment/rehash-findings.js';
import { recordRehash, recordRehashHarness, writeRehashArtefacts } from '../helpers/report/rehash-report.js';
import { faultKindsOf } from '../helpers/providers/api/fault-kinds.js';
import { notVerifiedUnsupported } from '../helpers/report/not-verified.js';
import { SCENARIO_TIMEOUT_MS, scenarioLab, scenariosInParallel, useLab } from './lab.js';

const lab = await useLab();
const target = faultTarget(lab);
const { victimCluster, victim, ecmpRouters } = target;
const FAULTS = faultKindsOf('held-connections');
const WEIGHTS = await scenarioWeights(lab, target, FAULTS);

function judge({ judged, faultBand, backBand }: RehashFindings): void {
  const { fault, failBack } = judged.counts;
  expect(judged.misserved, 'before the fault, every connection is served by the cluster its FIB path ends at').toEqual(
    [],
  );
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
}

// Each fault on a lab of its own, side by side when the run has copies (suites/lab.ts scenarioLab).
(scenariosInParallel() ? describe.concurrent : describe)(
  `established connections through faults on ${victim} (${victimCluster})`,
  async () => {
    const hashing = await readHashing(lab);
    const can = predictability(hashing.policy, lab.sharedKernel);

    it('preconditions: an ECMP point, and a hash policy the FIB can predict', () => {
      expect(ecmpRouters, 'routers holding the VIP over more than one cluster').not.toEqual([]);
      expect(target.unsupported, 'a victim whose fault fails its cluster').toBeUndefined();
      expect(can.reason, `per-connection prediction under hash policy ${hashing.policy}`).toBeUndefined();
    });

    for (const kind of FAULTS) {
      it(
        `${kind}: a connection breaks exactly when the FIB moves it, on the fault and on the fail-back`,
        async (ctx) => {
          const { task } = ctx;
          expect(target.unsupported, 'a victim whose fault fails its cluster').toBeUndefined();
          const own = await scenarioLab(ctx, WEIGHTS[kind]);
          const ownTarget = faultTarget(own);
          const tl = await runFault(own, { target: ownTarget, kind }, { held: heldObserver(HELD_DEFAULTS) }).catch(
            notVerifiedUnsupported(ctx),
          );
          recordRehashHarness(task, tl);
          // A connection the script could not even open (bind or connect failed inside the client)
          // is a harness error: it is neither a break nor a pass, and fails the test by name.
          expect(
            tl.observed.held.harness.map(
              (h) => `${((h.t - tl.tFault) / 1000).toFixed(3)} s ${h.client} port ${h.sport}: ${h.cause}`,
            ),
            'harness errors: connections the script could not open (not network breaks; see probe.mjs on source ports)',
          ).toEqual([]);
          expect(tl.late, 'the fabric moved within its budget and came back within its budget').toEqual([]);
          const found = rehashFindings(ownTarget, tl)!;
          writeRehashArtefacts(task, inject('reportsDir'), ownTarget, tl, found);
          recordRehash(task, ownTarget, found);
          judge(found);
        },
        SCENARIO_TIMEOUT_MS,
      );
    }
  },
);
