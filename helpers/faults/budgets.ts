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
import type { Allowance as ProviderAllowance, FaultKind, SpeakerRestart } from '../providers/api/lab-handle.js';
import { FAULT_KINDS } from '../providers/api/fault-kinds.js';
import type { GobgpBehaviour } from '../runtimes/gobgp-behaviour.js';
import { hopAllowance, reconnectAllowance, speakerStartAllowance } from './hop-allowance.js';

/** Allowance per BGP hop for an UPDATE to be processed and the FIB to follow: FRR's holds plus the measured work (./hop-allowance.ts). */
export const PER_HOP = hopAllowance();
export const PER_HOP_SECONDS = PER_HOP.seconds;
/** `2 hops × 77 ms` with the per-hop figure's source once, for a budget's formula. */
const hopsTimes = (n: number) => `${n} hop${n === 1 ? '' : 's'} × ${(PER_HOP_SECONDS * 1000).toFixed(0)} ms`;

/** Starting a speaker process and loading its routes: the band of the measured starts (./hop-allowance.ts). */
export const SPEAKER_START = speakerStartAllowance();

export interface NegotiatedSession {
  holdSeconds: number;
  /** Graceful restart negotiated (the leaf reports the node's GR mode as Restart). */
  gracefulRestart: boolean;
  /** RFC 8538 N-bit exchanged. */
  nBit: boolean;
  /** The node's advertised restart time (seconds). */
  restartSeconds: number;
}

/**
 * Where the victim attaches to the fabric: its leaf and the routers linked above it, and the
 * longest time any of them may hold back the first UPDATE to a peer whose session just came up.
 * FRR (bgpd) coalesces a new update group's first announcements for
 * C = min(10 000 ms, 1000 ms + 50 ms × S), unless `coalesce-time` is set (bgpd/bgp_updgrp.h:31-37
 * @ frr-10.3). S is the instance's peer structs when bgpd last created one (bgpd/bgpd.c:1980-1993
 * @ frr-10.3, in peer_create; nothing lowers it on delete): the configured peers, plus the second
 * struct bgpd creates for each connection it accepts while the peer's own is open
 * (bgp_accept, bgpd/bgp_network.c:604-616 @ frr-10.3: at most one per configured peer). So
 * S ≤ 2 × P, P the configured peers: measured on the seed's spine (P = 3) after one re-opened
 * session, 1.20 s from Established to the first UPDATE (S = 4), bound 1.30 s (docs/failover.md).
 * A session dropped at an interface-down reconnects as soon as the peer is reachable again, with
 * no ConnectRetry wait (bgpd/bgp_fsm.c:2419-2424 @ frr-10.3, bgp_fsm_nht_update); the re-opening
 * itself is measured work (reconnectAllowance, ./hop-allowance.ts).
 */
export interface FabricFacts {
  leaf: string;
  upstream: string[];
  coalesce: Budget;
}

/** The longest update-group coalesce time of an FRR instance with `peers` configured peers (see FabricFacts). */
export function coalesceBudget(router: string, peers: number): Budget {
  const ms = Math.min(10_000, 1000 + 50 * 2 * peers);
  return {
    seconds: ms / 1000,
    formula: `${router}'s update-group coalesce time min(10 s, 1 s + 2 × ${peers} peers × 50 ms)`,
  };
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
  /**
   * The provider's own path from its command to the fault taking effect, per phase
   * (LabHandle.detectAllowance, failBackAllowance): `detect` and `failBack` above start where the
   * fault took effect; a time measured from the command instead (no evidence of the effect, or a
   * suite that times from the command) is held to their sum (fromCommand).
   */
  command: { detect?: CommandAllowance; failBack?: CommandAllowance };
}

/** A fault's budgets as the timers give them, before the provider's own path. */
type BaseSpec = Omit<FaultSpec, 'command'>;

/** A provider's allowance for its own path, and whose time it is (LabHandle's Allowance.part). */
export interface CommandAllowance extends Budget {
  part: 'harness' | 'control-plane';
}

/** A phase's budget counted from the fault's command: the budget from its effect plus the provider's path to it. */
export function fromCommand(spec: FaultSpec, phase: 'detect' | 'failBack'): Budget {
  const b = spec[phase];
  const extra = spec.command[phase];
  return extra ? { ...b, seconds: b.seconds + extra.seconds, formula: `${b.formula} + ${extra.formula}` } : b;
}

/** What a provider adds to a fault's budgets for its own control-plane path (LabHandle.detectAllowance/failBackAllowance) and how its speaker comes back after a crash. */
export interface ProviderFactors {
  detect?: ProviderAllowance;
  failBack?: ProviderAllowance;
  speakerRestart?: SpeakerRestart;
  /** Where the victim attaches to the fabric, for faults on the fabric's side of its path. */
  fabric?: FabricFacts;
}

/** Each kind's title, from the catalogue (helpers/providers/api/fault-kinds.ts). */
export const FAULT_TITLES = Object.fromEntries(Object.entries(FAULT_KINDS).map(([k, v]) => [k, v.title])) as Record<
  FaultKind,
  string
>;

export function faultSpec(
  kind: FaultKind,
  s: NegotiatedSession,
  peer: SpeakerPeer,
  hops: number,
  gobgp: GobgpBehaviour,
  provider: ProviderFactors = {},
): FaultSpec {
  const spec: FaultSpec = { ...baseSpec(kind, s, peer, hops, gobgp, provider.fabric), command: {} };
  const own = (a: ProviderAllowance): CommandAllowance => ({
    seconds: a.seconds,
    formula: a.formula,
    part: a.part ?? 'harness',
  });
  if (provider.detect) spec.command.detect = own(provider.detect);
  if (provider.failBack) spec.command.failBack = own(provider.failBack);
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

/** A fault's budgets before the provider's own allowances: the BGP propagation and the transient, then by kind. */
function baseSpec(
  kind: FaultKind,
  s: NegotiatedSession,
  peer: SpeakerPeer,
  hops: number,
  gobgp: GobgpBehaviour,
  fabric?: FabricFacts,
): BaseSpec {
  const prop = { seconds: hops * PER_HOP_SECONDS, formula: hopsTimes(hops) };
  // The leaf is the first hop; the transient lasts the remaining hops up to the ECMP router.
  const transient = {
    seconds: (hops - 1) * PER_HOP_SECONDS,
    formula: `${hopsTimes(hops - 1)} from the victim's leaf to the ECMP router`,
  };
  switch (kind) {
    case 'vip-withdrawn':
      return { kind, title: FAULT_TITLES[kind], dataPlaneAlive: true, detect: prop, failBack: prop, transient };
    case 'speaker-crash':
      return speakerCrashSpec({ s, peer, gobgp, prop, transient });
    case 'node-link-down':
    case 'silent-drop':
      return sessionLostSpec(kind, { s, peer, gobgp, prop, transient });
    case 'uplink-down':
      return uplinkDownSpec(fabric!, transient);
  }
}

/**
 * The leaf loses its links to the routers above it: they see their interfaces go down, the
 * kernel flushes the next hops through them at once and bgpd drops the session (no timer). At
 * the restore the session comes back as soon as the peer is reachable (bgpd's next-hop tracking
 * ends the ConnectRetry wait; the re-opening is measured work), and each side holds its first
 * UPDATE for its coalesce time.
 */
function uplinkDownSpec(f: FabricFacts, transient: Budget): BaseSpec {
  const kind = 'uplink-down';
  const reconnect = reconnectAllowance();
  return {
    kind,
    title: FAULT_TITLES[kind],
    dataPlaneAlive: false,
    detect: { seconds: transient.seconds, formula: `link down, no timer: ${transient.formula}` },
    failBack: {
      seconds: reconnect.seconds + f.coalesce.seconds + transient.seconds,
      formula: `link up, ${reconnect.formula} + ${f.coalesce.formula} + ${transient.formula}`,
    },
    transient,
  };
}

/** What every node-side fault's budgets are made of: the session as negotiated, the speaker's peer and GoBGP, and the per-hop allowances. */
interface SpecInputs {
  s: NegotiatedSession;
  peer: SpeakerPeer;
  gobgp: GobgpBehaviour;
  prop: Budget;
  transient: Budget;
}

/**
 * The speaker crashes, the node's data plane keeps serving: the leaf drops the path when the
 * TCP session closes, or with GR after the restart time; fail-back waits for the restarted
 * speaker's first dial.
 */
function speakerCrashSpec({ s, peer, gobgp, prop, transient }: SpecInputs): BaseSpec {
  const kind = 'speaker-crash';
  const firstDial = gobgp.firstDial(peer.connectRetrySeconds);
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
      seconds: SPEAKER_START.seconds + firstDial.max + prop.seconds,
      formula: `speaker start ≤ ${SPEAKER_START.seconds.toFixed(2)} s + first dial ≤ ${firstDial.max} s (${firstDial.formula}) + ${prop.formula}`,
      jitterSeconds: firstDial.max - firstDial.min,
    },
    transient,
  };
}

/**
 * The node goes dark (link down, or silently dropping): no carrier drops on the leaf, so only
 * the hold timer finds it (plus the GR restart time when the N-bit keeps stale routes); at the
 * restore the speaker redials from somewhere in its retry cycle.
 */
function sessionLostSpec(
  kind: 'node-link-down' | 'silent-drop',
  { s, peer, gobgp, prop, transient }: SpecInputs,
): BaseSpec {
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
