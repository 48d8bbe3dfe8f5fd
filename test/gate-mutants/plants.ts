/**
 * Behavioural regressions the gate must catch, planted in a *running* lab (never through the
 * lab's files: a version bump changes behaviour, not configs). Each is a live FRR knob on one
 * router, applied with vtysh after `up`, that slows one link of the waterfall by a known amount
 * and nothing else; the gate-mutant harness (./gate-mutants.ts) then runs the fault and checks
 * that `compare` flags exactly that router and event.
 *
 * The FIB install knob: zebra holds every RIB change in its work queue for
 * ZEBRA_RIB_PROCESS_HOLD_TIME = 10 ms before processing it (zebra/zebra_router.h, the hold set
 * in zebra/zebra_rib.c's work-queue init, at frr-10.3 and frr-10.5.1; docs/failover.md "The
 * waterfall" measures it as part of the ~62 ms receive-to-FIB link). `zebra work-queue N`
 * (zebra/zebra_vty.c) sets that hold to N ms on the running zebra, so N = 10 + d slows exactly
 * that router's FIB install by d ms: the "slower FIB programming" a zebra regression would be.
 */
import type { LabModel } from '../../helpers/model/lab-model.js';
import { faultTarget } from '../../helpers/faults/fault-target.js';
import type { FaultKind } from '../../helpers/providers/api/fault-kinds.js';

/** zebra's default work-queue hold, ms (ZEBRA_RIB_PROCESS_HOLD_TIME, see above). */
export const ZEBRA_HOLD_DEFAULT_MS = 10;

export interface Plant {
  name: string;
  /** What it does, for people: `+50 ms FIB install at spine`. */
  what: string;
  router: string;
  /** vtysh configuration lines (after `configure terminal`), and the ones that undo them. */
  config: string[];
  undo: string[];
  /** A line `show running-config` must hold once planted: a plant that did not take is a harness error, never a "missed". */
  evidence: string;
  /** The waterfall link the gate must flag: `waterfall.<phase>.<node>.<event>`, in any of these phases. */
  expect: { node: string; event: string; phases: string[] };
  /** The faults whose waterfall crosses that link. */
  faults: FaultKind[];
}

/** Where the plants go on this lab: the ECMP router (the meeting point) and the victim's leaf. */
export interface PlantSites {
  ecmpRouter: string;
  leaf: string;
}

export function plantSites(model: LabModel): PlantSites {
  const t = faultTarget({ model });
  const ecmpRouter = t.ecmpRouters[0];
  if (!ecmpRouter) throw new Error('the lab has no ECMP router for its first VIP: there is no waterfall to plant in');
  return { ecmpRouter, leaf: t.session.a.node };
}

const fibSlower = (router: string, extraMs: number, phases: string[]): Plant => {
  const hold = ZEBRA_HOLD_DEFAULT_MS + extraMs;
  return {
    name: `fib+${extraMs}ms@${router}`,
    what: `+${extraMs} ms FIB install at ${router} (zebra work-queue ${ZEBRA_HOLD_DEFAULT_MS} → ${hold} ms)`,
    router,
    config: [`zebra work-queue ${hold}`],
    undo: [`no zebra work-queue`],
    evidence: `zebra work-queue ${hold}`,
    expect: { node: router, event: 'fib', phases },
    faults: ['vip-withdrawn'],
  };
};

/** The catalogue on this lab's sites. */
export function plantsFor(sites: PlantSites): Plant[] {
  const both = ['fault', 'failBack'];
  return [
    fibSlower(sites.ecmpRouter, 50, both),
    fibSlower(sites.ecmpRouter, 20, both),
    fibSlower(sites.leaf, 50, both),
  ];
}
