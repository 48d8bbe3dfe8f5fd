/**
 * How long each fault may take to heal, derived from the configured timers and the
 * capabilities the sessions actually negotiated, never typed in as a number. Each budget
 * carries its formula so the report can show it next to the measurement.
 *
 * Why the formulas look like this (measured on this lab, see docs/failover.md):
 * - A node reaches its leaf through its cluster network's bridge, so a node-side link
 *   failure or silent drop drops no carrier on the leaf: only hold-timer expiry finds it.
 * - With graceful restart negotiated and the N-bit set (RFC 8538), FRR treats a hold-timer
 *   expiry like a restart: it keeps the routes as stale for the peer's restart time.
 * - A crashed speaker closes its TCP session without a NOTIFICATION; with GR the leaf keeps
 *   the routes (stale) for the restart time, while the node's data plane keeps serving.
 * - When the speaker dials again (first dial of a fresh process, retries while the peer is
 *   unreachable, how long one dial may hang) depends on the GoBGP version: every such number
 *   comes from helpers/runtimes/gobgp-behaviour.ts, which cites each version's source.
 */
import type { SpeakerPeer } from '../model/clusters.js';
import type { FaultKind, SpeakerRestart } from '../providers/api/lab-handle.js';
import type { GobgpBehaviour } from '../runtimes/gobgp-behaviour.js';

/** Allowance per BGP hop for an UPDATE to be processed and the FIB to follow (measured ~0.06 s). */
export const PER_HOP_SECONDS = 0.5;
/** Starting a speaker process and loading its routes (measured ~0.3 s for the emulated node). */
export const SPEAKER_START_SECONDS = 1;

export interface NegotiatedSession {
  holdSeconds: number;
  /** Graceful restart negotiated (the leaf reports the node's GR mode as Restart). */
  gracefulRestart: boolean;
  /** RFC 8538 N-bit exchanged. */
  nBit: boolean;
  /** The node's advertised restart time (seconds). */
  restartSeconds: number;
}

export interface Budget {
  seconds: number;
  formula: string;
  /** The width of the random wait inside it (see Metric.jitterSeconds); absent when none. */
  jitterSeconds?: number;
}

export interface FaultSpec {
  kind: FaultKind;
  title: string;
  /**
   * Whether the node's data plane still answers during the fault. Then requests may fail
   * only in the withdrawal transient: from the first router on the victim's path that
   * changes (its leaf) until the ECMP router drops the victim, traffic the ECMP router still
   * hashes to that leaf finds no route there (a black hole) or is sent back (a micro-loop),
   * depending on which path the ECMP router advertised to the leaf (docs/versions-and-findings.md, findings).
   */
  dataPlaneAlive: boolean;
  /** Injection → every ECMP router holds only the surviving clusters' next hops. */
  detect: Budget;
  /** Restore → the ECMP routers hold every cluster's next hop again. */
  failBack: Budget;
  /** The withdrawal transient: the victim's leaf changed → every ECMP router dropped the victim (hops − 1 BGP hops). */
  transient: Budget;
  /**
   * The earliest the fabric may move: with graceful restart the leaf must keep the node's
   * routes (stale) for the restart time, so moving sooner means GR did not hold (e.g. the
   * speaker said goodbye with a Hard Reset instead of crashing).
   */
  notBefore?: Budget;
  /**
   * Speaker crash only: what the fabric is expected to do, derived from what restarts the
   * speaker and how soon (the provider's figure) against the GR restart time the leaf honours.
   *   fabric-moves: the speaker is not back within the restart time (the netns emulation
   *     restarts it only at the restore; no graceful restart): the stale path expires and
   *     every ECMP router drops the victim (detect/notBefore/failBack apply);
   *   fabric-holds: the speaker redials within the restart time (kubelet restarts a killed
   *     cilium-agent, GoBGP dials with the Restarting bit): the leaf keeps the stale path,
   *     then takes the refreshed one; no ECMP router may change and no request may be lost,
   *     and the session must be back within `speakerBack`.
   */
  outcome?: { kind: 'fabric-moves' | 'fabric-holds'; why: string; speakerBack?: Budget };
}

/** What a provider adds to a fault's budgets for its own control-plane path (LabHandle.detectAllowance/failBackAllowance) and how its speaker comes back after a crash. */
export interface ProviderFactors {
  detect?: Budget;
  failBack?: Budget;
  speakerRestart?: SpeakerRestart;
}

export const FAULT_TITLES: Record<FaultKind, string> = {
  'vip-withdrawn': 'VIP withdrawn by the cluster (advertisement removed)',
  'node-link-down': "node's link down",
  'speaker-crash': "node's BGP speaker crashes (SIGKILL, as a crashed cilium-agent)",
  'silent-drop': 'node silently drops everything (nftables)',
};

export function faultSpec(
  kind: FaultKind,
  s: NegotiatedSession,
  peer: SpeakerPeer,
  hops: number,
  gobgp: GobgpBehaviour,
  provider: ProviderFactors = {},
): FaultSpec {
  const spec = baseSpec(kind, s, peer, hops, gobgp);
  const add = (b: Budget, extra: Budget): Budget => ({
    ...b,
    seconds: b.seconds + extra.seconds,
    formula: `${b.formula} + ${extra.formula}`,
  });
  if (provider.failBack) spec.failBack = add(spec.failBack, provider.failBack);
  if (provider.detect) spec.detect = add(spec.detect, provider.detect);
  if (kind === 'speaker-crash') spec.outcome = crashOutcome(s, hops, provider.speakerRestart);
  return spec;
}

/** The speaker-crash outcome table: see FaultSpec.outcome. */
export function crashOutcome(
  s: NegotiatedSession,
  hops: number,
  restart?: SpeakerRestart,
): NonNullable<FaultSpec['outcome']> {
  const by = restart ? `${restart.formula}` : 'no restart figure from the provider';
  if (!s.gracefulRestart)
    return {
      kind: 'fabric-moves',
      why: `no graceful restart negotiated: the leaf drops the path when the TCP session closes (${by})`,
    };
  if (restart?.withinSeconds === undefined)
    return {
      kind: 'fabric-moves',
      why: `the speaker is not back before the restore (${by}), so the GR restart time ${s.restartSeconds} s runs out`,
    };
  if (restart.withinSeconds >= s.restartSeconds)
    return {
      kind: 'fabric-moves',
      why: `the speaker redials after ≤ ${restart.withinSeconds} s (${by}), not within the GR restart time ${s.restartSeconds} s`,
    };
  return {
    kind: 'fabric-holds',
    why: `the speaker redials after ≤ ${restart.withinSeconds} s (${by}), within the GR restart time ${s.restartSeconds} s: the leaf keeps the stale path and takes the refreshed one`,
    speakerBack: {
      seconds: s.restartSeconds,
      formula: `GR restart time ${s.restartSeconds} s (expected ≤ ${restart.withinSeconds} s: ${by})`,
    },
  };
}

function baseSpec(
  kind: FaultKind,
  s: NegotiatedSession,
  peer: SpeakerPeer,
  hops: number,
  gobgp: GobgpBehaviour,
): FaultSpec {
  const prop = { seconds: hops * PER_HOP_SECONDS, formula: `${hops} hops × ${PER_HOP_SECONDS} s` };
  // The leaf is the first hop; the transient lasts the remaining hops up to the ECMP router.
  const transient = {
    seconds: (hops - 1) * PER_HOP_SECONDS,
    formula: `${hops - 1} hop${hops === 2 ? '' : 's'} from the victim's leaf to the ECMP router × ${PER_HOP_SECONDS} s`,
  };
  const gr = s.gracefulRestart && s.nBit;
  // After a long outage the speaker is cycling through retries (its idle hold ended long
  // ago): at the restore a dial may be hanging on a dead peer (up to the dial timeout), and
  // the next one comes at most one retry interval later.
  const retry = gobgp.retry(peer.connectRetrySeconds);
  const dialTimeout = gobgp.dialTimeout(peer.connectRetrySeconds);
  const redial: Budget = {
    seconds: dialTimeout + retry.max + prop.seconds,
    formula: `a hanging dial ${dialTimeout} s + the next retry ≤ ${retry.max} s (${retry.formula}) + ${prop.formula}`,
    // The restore lands at any phase of the dial/retry cycle.
    jitterSeconds: dialTimeout + retry.max,
  };
  const firstDial = gobgp.firstDial(peer.connectRetrySeconds);
  switch (kind) {
    case 'vip-withdrawn':
      return { kind, title: FAULT_TITLES[kind], dataPlaneAlive: true, detect: prop, failBack: prop, transient };
    case 'speaker-crash':
      return {
        kind,
        title: FAULT_TITLES[kind],
        dataPlaneAlive: true,
        detect: s.gracefulRestart
          ? {
              seconds: s.restartSeconds + prop.seconds,
              formula: `GR restart time ${s.restartSeconds} s + ${prop.formula}`,
            }
          : { seconds: prop.seconds, formula: `TCP close (no GR) + ${prop.formula}` },
        ...(s.gracefulRestart
          ? {
              notBefore: {
                seconds: s.restartSeconds,
                formula: `GR restart time ${s.restartSeconds} s (stale routes kept)`,
              },
            }
          : {}),
        failBack: {
          seconds: SPEAKER_START_SECONDS + firstDial.max + prop.seconds,
          formula: `speaker start ${SPEAKER_START_SECONDS} s + first dial ≤ ${firstDial.max} s (${firstDial.formula}) + ${prop.formula}`,
          jitterSeconds: firstDial.max - firstDial.min,
        },
        transient,
      };
    case 'node-link-down':
    case 'silent-drop':
      return {
        kind,
        title: FAULT_TITLES[kind],
        dataPlaneAlive: false,
        // The last keepalive came at any phase of its interval before the fault.
        detect: gr
          ? {
              seconds: s.holdSeconds + s.restartSeconds + prop.seconds,
              formula: `hold ${s.holdSeconds} s + GR restart time ${s.restartSeconds} s (N-bit: hold expiry keeps stale routes) + ${prop.formula}`,
              jitterSeconds: peer.keepaliveSeconds,
            }
          : {
              seconds: s.holdSeconds + prop.seconds,
              formula: `hold ${s.holdSeconds} s + ${prop.formula}`,
              jitterSeconds: peer.keepaliveSeconds,
            },
        // The last keepalive may have come up to one interval before the fault.
        notBefore: gr
          ? {
              seconds: s.holdSeconds - peer.keepaliveSeconds + s.restartSeconds,
              formula: `hold ${s.holdSeconds} s − keepalive ${peer.keepaliveSeconds} s + GR restart time ${s.restartSeconds} s`,
            }
          : {
              seconds: s.holdSeconds - peer.keepaliveSeconds,
              formula: `hold ${s.holdSeconds} s − keepalive ${peer.keepaliveSeconds} s`,
            },
        failBack: redial,
        transient,
      };
  }
}
