/**
 * The real lab's own contributions to the failover budgets, each with its formula and where
 * each term comes from. The netns lab has none of these paths (its faults act on the wire
 * directly, its speaker is restarted only by the restore), so it adds nothing.
 *
 * Sources, and how far each was verified here (docs/real-lab.md, "What is verified where, in full"):
 * - kubelet's container restart back-off: k8s.io/client-go v0.33.7 (the staging copy of
 *   Kubernetes v1.33.7) util/flowcontrol/backoff.go:119-130 IsInBackOffSince is false for a
 *   container with no back-off entry, and :96-109 Next creates the entry only then (initial
 *   period) or doubles it; :185-186 an entry expires 2 × the maximum after its last update.
 *   Verified at the tag. kubelet calls them in pkg/kubelet/kuberuntime/kuberuntime_manager.go
 *   doBackOff with the container's FinishedAt, and sets the initial period 10 s
 *   (containerBackOffPeriod) and the maximum 300 s (MaxContainerBackOff) in pkg/kubelet; the
 *   container death is noticed by the generic PLEG relist every 1 s (genericPlegRelistPeriod,
 *   pkg/kubelet/kubelet.go). Read in the search index's stored versions of kubernetes/kubernetes
 *   (same logic in every stored version), NOT at v1.33.7: that repository is too large to
 *   fetch here.
 * - GoBGP's first dial after the agent starts: helpers/runtimes/gobgp-behaviour.ts (verified
 *   at the tags), with the Restarting bit because cilium sets LocalRestarting on every peer
 *   with graceful restart (cilium pkg/bgpv1/gobgp/peer.go setPeerGracefulRestart; GoBGP
 *   v3.37.0 grpc_server.go:763 and fsm.go:775-797 put it in the OPEN). Cilium read in the
 *   index's stored versions, not at v1.18.14 (too large to fetch here).
 * - NOT derived from source, stated as estimates for the first nightly to confirm (the
 *   failover suite records each measured figure beside its budget): how long cilium-agent
 *   takes from process start until its BGP reconciler has added the peers, how long the
 *   container runtime takes to start the container, and how long a Kubernetes watch event and
 *   one BGP reconcile take on a busy 4-vCPU runner. Cilium's own docs say the agent's boot
 *   time "varies depending on the deployment" and default the GR restart time to 120 s.
 */
import type { Allowance, FaultKind, SpeakerRestart } from '../api/lab-handle.js';
import type { GobgpBehaviour } from '../../runtimes/gobgp-behaviour.js';

/** kubelet: generic PLEG relist period (pkg/kubelet/kubelet.go genericPlegRelistPeriod). */
export const PLEG_RELIST_SECONDS = 1;
/** kubelet: initial and maximum container restart back-off (pkg/kubelet containerBackOffPeriod, MaxContainerBackOff). */
export const CONTAINER_BACKOFF = { initialSeconds: 10, maxSeconds: 300 };
/** Estimate: CRI create + start of the cilium-agent container (image present). */
export const CONTAINER_START_SECONDS = 1;
/** Estimate: cilium-agent process start → BGP control plane has configured its GoBGP peers. */
export const AGENT_BGP_START_SECONDS = 8;
/** Estimate: one `docker exec` on the runner (a fault's inject or restore command). */
export const DOCKER_EXEC_SECONDS = 0.5;
/** Estimate: Kubernetes API call + watch event to the agent + one BGP reconcile (signal-driven, no timer in the path). */
export const CONTROL_PLANE_SECONDS = 2;

/** The cilium-agent container's restart history, from its pod status. */
export interface AgentRestartHistory {
  restartCount: number;
  /** When the previous run of the container ended (status.containerStatuses[].lastState.terminated.finishedAt). */
  lastFinishedAt?: Date;
}

/** How long kubelet waits before restarting the container that exits now (client-go Backoff as kubelet uses it). */
export function kubeletBackOff(history: AgentRestartHistory | undefined, now: Date): Allowance {
  if (!history) return { seconds: 0, formula: 'restart back-off 0 s (restart history unknown: assumed first restart)' };
  const expiry = 2 * CONTAINER_BACKOFF.maxSeconds;
  const since = history.lastFinishedAt ? (now.getTime() - history.lastFinishedAt.getTime()) / 1000 : Infinity;
  if (history.restartCount === 0 || since > expiry) {
    return {
      seconds: 0,
      formula: `restart back-off 0 s (${history.restartCount === 0 ? 'first restart of the container' : `last restart ${since.toFixed(0)} s ago, > 2 × ${CONTAINER_BACKOFF.maxSeconds} s: entry expired`}: no back-off entry)`,
    };
  }
  // Each restart within the expiry window doubled the entry; the next restart waits that long after the exit.
  const seconds = Math.min(
    CONTAINER_BACKOFF.maxSeconds,
    CONTAINER_BACKOFF.initialSeconds * 2 ** (history.restartCount - 1),
  );
  return {
    seconds,
    formula: `restart back-off ${seconds} s (CrashLoopBackOff: ${history.restartCount} restart${history.restartCount === 1 ? '' : 's'}, the last ${since.toFixed(0)} s ago)`,
  };
}

/** kubelet restarts the killed agent; the agent starts, configures GoBGP, which dials. */
export function agentRestart(
  history: AgentRestartHistory | undefined,
  now: Date,
  gobgp: GobgpBehaviour,
): SpeakerRestart {
  const backOff = kubeletBackOff(history, now);
  const firstDial = gobgp.firstDial(0);
  const withinSeconds =
    PLEG_RELIST_SECONDS + backOff.seconds + CONTAINER_START_SECONDS + AGENT_BGP_START_SECONDS + firstDial.max;
  return {
    withinSeconds,
    formula: `kubelet: PLEG relist ≤ ${PLEG_RELIST_SECONDS} s + ${backOff.formula} + container start ≤ ${CONTAINER_START_SECONDS} s (estimate) + cilium-agent start to BGP peers ≤ ${AGENT_BGP_START_SECONDS} s (estimate) + first dial ≤ ${firstDial.max} s (GoBGP ${gobgp.version})`,
  };
}

/** What the real lab adds between the fault's start and the moment the fabric can see it. */
export function realLabDetectAllowance(kind: FaultKind): Allowance | undefined {
  switch (kind) {
    case 'vip-withdrawn':
      return {
        seconds: CONTROL_PLANE_SECONDS,
        formula: `control plane ≤ ${CONTROL_PLANE_SECONDS} s (API delete → agent watch → BGP reconcile → GoBGP withdraw; estimate)`,
        part: 'control-plane',
      };
    case 'node-link-down':
      return {
        seconds: 2 * DOCKER_EXEC_SECONDS,
        formula: `2 docker exec ≤ ${2 * DOCKER_EXEC_SECONDS} s (route dump, link down)`,
      };
    case 'silent-drop':
      return {
        seconds: 2 * DOCKER_EXEC_SECONDS,
        formula: `2 docker exec ≤ ${2 * DOCKER_EXEC_SECONDS} s (ingress, then egress rule)`,
      };
    case 'speaker-crash':
      return { seconds: DOCKER_EXEC_SECONDS, formula: `docker exec ≤ ${DOCKER_EXEC_SECONDS} s (pkill)` };
  }
}

/** What the real lab adds between the restore's start and the moment the speaker can redial. */
export function realLabFailBackAllowance(kind: FaultKind, crash?: SpeakerRestart): Allowance | undefined {
  switch (kind) {
    case 'vip-withdrawn':
      return {
        seconds: CONTROL_PLANE_SECONDS,
        formula: `control plane ≤ ${CONTROL_PLANE_SECONDS} s (API apply → agent watch → BGP reconcile → GoBGP advertise; estimate)`,
        part: 'control-plane',
      };
    case 'node-link-down':
      return { seconds: DOCKER_EXEC_SECONDS, formula: `docker exec ≤ ${DOCKER_EXEC_SECONDS} s (link up)` };
    case 'silent-drop':
      return {
        seconds: 2 * DOCKER_EXEC_SECONDS,
        formula: `2 docker exec ≤ ${2 * DOCKER_EXEC_SECONDS} s (both rules removed)`,
      };
    case 'speaker-crash':
      // The restore does nothing here: kubelet brings the agent back on its own clock.
      return crash?.withinSeconds !== undefined
        ? {
            seconds: crash.withinSeconds,
            formula: `agent back by itself ≤ ${crash.withinSeconds} s (${crash.formula})`,
          }
        : undefined;
  }
}
