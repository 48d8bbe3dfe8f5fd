/**
 * What a fault suite aims at, derived from the lab model, and the two steps every fault
 * starts with: the lab settled, and the fault's budgets. The failover suite (fresh
 * connections) and the held-connections suite (established ones) hit the same node the
 * same way, so they share this.
 */
import { convergenceProblem } from '../lab/convergence.js';
import { labSessions, type LabSession } from '../lab/sessions.js';
import { advertisedVips, expectedVipRoutes, vipService, type ExpectedVipRoute } from '../model/expected-routes.js';
import type { ServiceModel } from '../model/clusters.js';
import type { FaultKind, LabHandle } from '../providers/api/lab-handle.js';
import { Deadline, waitUntil } from '../runtime/poll.js';
import { gobgpBehaviour } from '../runtimes/gobgp-behaviour.js';
import { faultSpec, type FaultSpec, type NegotiatedSession } from './budgets.js';
import { grSettleProblem, negotiatedSession } from './negotiated.js';

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
  /** Each client's own address. */
  clientAddress: Record<string, string>;
  /**
   * Why these suites cannot aim at this lab, if they cannot: a fault on one node fails its
   * cluster only when that node is the cluster's one speaker. With several, the leaf's ECMP
   * over the others absorbs it, and no meeting point moves (faulting a whole multi-node
   * cluster at once is not built).
   */
  unsupported?: string;
}

export function faultTarget(lab: LabHandle): FaultTarget {
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
  const gobgp = gobgpBehaviour(lab.speakerGobgpVersion());
  // What restarts a crashed speaker, and how soon, decides what the fabric must do (budgets.ts crashOutcome).
  const speakerRestart = kind === 'speaker-crash' ? await lab.speakerRestart(t.victim, gobgp) : undefined;
  const spec = faultSpec(kind, negotiated, t.session.speakerPeer!, t.hops, gobgp, {
    detect: lab.detectAllowance?.(kind),
    failBack: lab.failBackAllowance?.(kind),
    speakerRestart,
  });
  return { spec, negotiated };
}
