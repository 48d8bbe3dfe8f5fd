/**
 * What a fault suite aims at, derived from the lab model, and the two steps every fault
 * starts with: the lab settled, and the fault's budgets. The failover suite (fresh
 * connections) and the held-connections suite (established ones) hit the same node the
 * same way, so they share this.
 */
import { convergenceProblem } from '../claims/convergence.js';
import { labSessions, type LabSession } from '../model/lab-sessions.js';
import { advertisedVips, expectedVipRoutes, vipService, type ExpectedVipRoute } from '../model/expected-routes.js';
import type { ServiceModel } from '../model/clusters.js';
import { networkOf, parseCidr } from '../model/ipv4.js';
import type { FaultKind, LabHandle } from '../providers/api/lab-handle.js';
import { Deadline, waitUntil } from '../os/poll.js';
import { gobgpBehaviour } from '../runtimes/gobgp-behaviour.js';
import {
  coalesceBudget,
  faultSpec,
  fromCommand,
  type FabricFacts,
  type FaultSpec,
  type NegotiatedSession,
} from './budgets.js';
import type { LabModel } from '../model/lab-model.js';
import { uplinkEnds } from '../model/uplinks.js';
import { grSettleProblem, negotiatedSession } from './negotiated.js';
import { injectionAllowance, type Allowance } from './hop-allowance.js';

export interface FaultTarget {
  /** The first advertised VIP, the clusters advertising it, and its Service. */
  vip: string;
  clusters: string[];
  service: ServiceModel;
  /** The first node of the first cluster, and its BGP session to its leaf. */
  victimCluster: string;
  victim: string;
  session: LabSession;
  /** The routers holding the VIP over more than one cluster (the meeting points), with every next hop and with the survivors' only. */
  ecmp: ExpectedVipRoute[];
  ecmpRouters: string[];
  fullSet: Map<string, string[]>;
  survivors: Map<string, string[]>;
  /** BGP hops from the node to the ECMP point: the AS-path length the ECMP router sees for the victim's path. */
  hops: number;
  /** Each client's own address, and the prefix of its network (the route the fabric reaches it by). */
  clientAddress: Record<string, string>;
  clientPrefix: Record<string, string>;
  /**
   * Why these suites cannot aim at this lab, if they cannot: a fault on one node fails its
   * cluster only when that node is the cluster's one speaker. With several, the leaf's ECMP
   * over the others absorbs it, and no meeting point moves (faulting a whole multi-node
   * cluster at once is not built).
   */
  unsupported?: string;
}

/** What the fault suites aim at: only the lab's model is read (the gate-mutant harness calls it with a model alone). */
export function faultTarget(lab: Pick<LabHandle, 'model'>): FaultTarget {
  const model = lab.model;
  const [vip, clusters] = [...advertisedVips(model)][0]!;
  const service = vipService(model, vip)!;
  const victimCluster = clusters[0]!;
  const victim = model.clusters[victimCluster]!.nodes[0]!;
  // Meeting points only: leaf1's ECMP over several spines survives any one cluster (each spine
  // reaches every cluster), so its next hops do not move; watched as one, it would wait for none.
  const ecmp = expectedVipRoutes(model).filter((e) => e.vip === vip && e.installed > 1 && e.meetingPoint);
  const hopsOf = (e: ExpectedVipRoute, keep: (clusters: string[]) => boolean) =>
    e.candidates
      .filter((c) => keep(c.clusters))
      .map((c) => c.nextHop)
      .sort();
  return {
    vip,
    clusters,
    service,
    victimCluster,
    victim,
    session: labSessions(model).find((s) => s.b.node === victim)!,
    ecmp,
    ecmpRouters: ecmp.map((e) => e.router),
    fullSet: new Map(ecmp.map((e) => [e.router, hopsOf(e, () => true)])),
    survivors: new Map(ecmp.map((e) => [e.router, hopsOf(e, (c) => !c.includes(victimCluster))])),
    unsupported:
      Object.keys(model.clusters[victimCluster]!.speakers).length > 1
        ? `${victimCluster} has ${Object.keys(model.clusters[victimCluster]!.speakers).length} nodes with a BGP speaker; a fault on ${victim} alone leaves the others advertising the VIP, so no ECMP router moves (faulting a whole multi-node cluster is not built)`
        : undefined,
    hops: ecmp[0]?.candidates.find((c) => c.clusters.includes(victimCluster))?.asPaths[0]?.split(' ').length ?? 1,
    clientAddress: Object.fromEntries(
      Object.values(model.hosts).map((h) => [h.name, h.addresses[0]!.cidr.split('/')[0]!]),
    ),
    clientPrefix: Object.fromEntries(
      Object.values(model.hosts).map((h) => [h.name, networkOf(parseCidr(h.addresses[0]!.cidr))]),
    ),
  };
}

/** Each fault starts from a converged lab, with the victim's session settled. */
export async function settleBeforeFault(lab: LabHandle, t: FaultTarget): Promise<void> {
  // Converged: the previous fault re-converged, or this fails first.
  await waitUntil(() => convergenceProblem(lab), {
    what: 'the lab to be converged before the fault',
    deadline: new Deadline(30_000),
  });
  // …and the victim's session settled (End-of-RIB exchanged both ways after a reconnect), so
  // every fault meets the same state of the graceful-restart machinery.
  await waitUntil(() => grSettleProblem(lab, t.session), {
    what: `${t.session.a.node} ↔ ${t.victim} to finish its graceful-restart exchange before the fault`,
    deadline: new Deadline(10_000),
  });
}

/** The fault's budgets (and, for a speaker crash, its expected outcome) from the session as negotiated, the speaker's GoBGP and the provider. */
export async function budgetFault(
  lab: LabHandle,
  t: FaultTarget,
  kind: FaultKind,
): Promise<{ spec: FaultSpec; negotiated: NegotiatedSession }> {
  const negotiated = await negotiatedSession(lab, t.session);
  const gobgp = gobgpBehaviour(lab.speakerGobgpVersion(t.victim));
  // What restarts a crashed speaker, and how soon, decides what the fabric must do (budgets.ts crashOutcome).
  const speakerRestart = kind === 'speaker-crash' ? await lab.speakerRestart(t.victim, gobgp) : undefined;
  const spec = faultSpec(kind, negotiated, t.session.speakerPeer!, t.hops, gobgp, {
    ...providerAllowances(lab, kind),
    speakerRestart,
    fabric: fabricFacts(lab.model, t.session.a.node),
  });
  return { spec, negotiated };
}

/**
 * What a provider adds to a fault's budgets for its own path (LabHandle.detectAllowance,
 * failBackAllowance). A provider that says nothing is the embedded lab: its withdrawal (and the
 * re-advertisement at the restore) costs the measured injection (./hop-allowance.ts).
 */
export function providerAllowances(
  lab: Pick<LabHandle, 'detectAllowance' | 'failBackAllowance'>,
  kind: FaultKind,
): { detect?: Allowance; failBack?: Allowance } {
  const embedded = kind === 'vip-withdrawn' ? injectionAllowance() : undefined;
  return {
    detect: lab.detectAllowance ? lab.detectAllowance(kind) : embedded,
    failBack: lab.failBackAllowance ? lab.failBackAllowance(kind) : embedded,
  };
}

/** The victim's leaf, the routers linked above it, and the longest update-group coalesce time among them (FabricFacts). */
export function fabricFacts(model: LabModel, leaf: string): FabricFacts {
  const upstream = [...new Set(uplinkEnds(model, leaf).map((e) => e.node))];
  const peers = (r: string) => Object.keys(model.routers[r]?.frr.bgp?.neighbors ?? {}).length;
  const slowest = [leaf, ...upstream].reduce((a, b) => (peers(b) > peers(a) ? b : a));
  return { leaf, upstream, coalesce: coalesceBudget(slowest, peers(slowest)) };
}

/**
 * Each fault's expected length in seconds, its detect plus fail-back budget on this lab: the
 * scenario-lab pool starts the longest first (the run's critical path). A fault this lab cannot
 * budget (unsupported on the provider) weighs 0.
 */
export async function scenarioWeights(
  lab: LabHandle,
  t: FaultTarget,
  kinds: readonly FaultKind[],
): Promise<Record<FaultKind, number>> {
  const weigh = async (kind: FaultKind) => {
    if (t.unsupported || !t.session) return 0;
    const { spec } = await budgetFault(lab, t, kind).catch(() => ({ spec: undefined }));
    return spec ? fromCommand(spec, 'detect').seconds + fromCommand(spec, 'failBack').seconds : 0;
  };
  return Object.fromEntries(await Promise.all(kinds.map(async (k) => [k, await weigh(k)]))) as Record<
    FaultKind,
    number
  >;
}
