/**
 * The claims about one BGP session, one check per aspect (the one shape: helpers/claims/claim-shape.ts).
 * Each reads both ends itself; suite 1 hands them `oneReading(lab)`, so every aspect of a
 * session judges the same reading, and the breakage suite polls a single aspect live.
 */
import { acceptedFromSpeaker } from '../model/path-derivation.js';
import { bgpNeighbors, vtyshJson, type FrrNeighborState } from '../readers/frr.js';
import type { LabSession, SessionEnd } from '../model/lab-sessions.js';
import type { SpeakerPeerView } from '../providers/api/lab-handle.js';
import { allOf, type Check, type Problem } from './claim-shape.js';

/** What each end reports about the session: `a` is always FRR, `b` FRR or a node's speaker. */
interface Ends {
  a?: FrrNeighborState;
  b?: FrrNeighborState | SpeakerPeerView;
}

const isSpeaker = (v: unknown): v is SpeakerPeerView => !!v && typeof v === 'object' && 'peerAddress' in v;
const state = (v: Ends['b']) => (v ? (isSpeaker(v) ? v.state : v.state.toLowerCase()) : 'not configured');

/** A check that reads both ends of the session, then judges them. */
const onBothEnds =
  (judge: (s: LabSession, ends: Ends, problems: Problem[]) => void): Check<LabSession> =>
  async (lab, s) => {
    const a = (await bgpNeighbors(lab, s.a.node))[s.b.address];
    const b =
      s.b.kind === 'frr'
        ? (await bgpNeighbors(lab, s.b.node))[s.a.address]
        : (await lab.speakerPeers(s.b.node)).find((p) => p.peerAddress === s.a.address);
    const problems: Problem[] = [];
    judge(s, { a, b }, problems);
    return problems;
  };

export const sessionEstablished = onBothEnds((s, { a, b }, problems) => {
  if (state(a) !== 'established')
    problems.push(
      `${s.a.node} sees its session to ${s.b.node} (${s.b.address}) as ${a?.state ?? 'not configured'}${a?.raw.lastResetDueTo ? ` (last reset: ${String(a.raw.lastResetDueTo)})` : ''}`,
    );
  if (state(b) !== 'established')
    problems.push(`${s.b.node} sees its session to ${s.a.node} (${s.a.address}) as ${state(b)}`);
});

export const sessionAsns = onBothEnds((s, { a, b }, problems) => {
  const asn = (who: string, got: [number | undefined, number | undefined], want: [number, number]) => {
    if (got[0] !== want[0] || got[1] !== want[1])
      problems.push(`${who}: local AS ${got[0]}, remote AS ${got[1]}; expected ${want[0]} and ${want[1]}`);
  };
  if (a) asn(s.a.node, [a.localAs, a.remoteAs], [s.a.asn, s.b.asn]);
  if (b) asn(s.b.node, isSpeaker(b) ? [b.localASN, b.peerASN] : [b.localAs, b.remoteAs], [s.b.asn, s.a.asn]);
});

/** Checked only on an end that is Established (elsewhere nothing was negotiated; sessionEstablished says so). */
export const sessionTimers = onBothEnds((s, { a, b }, problems) => {
  const timers = (end: SessionEnd, hold?: number, ka?: number) => {
    if (hold !== s.holdSeconds || ka !== s.keepaliveSeconds(end))
      problems.push(
        `${end.node} applies hold ${hold ?? '?'} s / keepalive ${ka ?? '?'} s; the configs imply ${s.holdSeconds} s / ${s.keepaliveSeconds(end)} s`,
      );
  };
  if (a && state(a) === 'established') timers(s.a, a.holdSeconds, a.keepaliveSeconds);
  if (b && state(b) === 'established') {
    if (isSpeaker(b)) timers(s.b, b.appliedHoldSeconds, b.appliedKeepaliveSeconds);
    else timers(s.b, b.holdSeconds, b.keepaliveSeconds);
  }
});

export const sessionMd5 = onBothEnds((s, { a, b }, problems) => {
  const aMd5 = a?.raw.authenticationEnabled === 1;
  const bMd5 = b ? (isSpeaker(b) ? !!b.tcpPasswordEnabled : b.raw.authenticationEnabled === 1) : false;
  if (aMd5 !== s.md5 || bMd5 !== s.md5)
    problems.push(`TCP-MD5 on ${s.a.node}: ${aMd5}, on ${s.b.node}: ${bMd5}; configured: ${s.md5}`);
});

/** What an FRR end reports of the graceful-restart capability on the session ("advertisedAndReceived" when both sides offered it). */
const grCapability = (n: FrrNeighborState) =>
  (n.raw.neighborCapabilities as { gracefulRestart?: string } | undefined)?.gracefulRestart;

/** Where the node's PeerConfig enables graceful restart: negotiated as configured, read on the FRR end. */
export const sessionGracefulRestart = onBothEnds((s, { a }, problems) => {
  if (!s.gracefulRestart || !a) return;
  const gr = a.gr;
  const cap = grCapability(a);
  if (cap !== 'advertisedAndReceived')
    problems.push(`${s.a.node}: graceful-restart capability ${cap ?? 'absent'}, expected advertisedAndReceived`);
  if (gr?.remoteMode !== 'Restart')
    problems.push(
      `${s.a.node}: ${s.b.node}'s GR mode is ${gr?.remoteMode ?? 'unknown'}, expected Restart (GR not negotiated: per-address-family GR missing?)`,
    );
  if (gr?.nBit !== true) problems.push(`${s.a.node}: RFC 8538 N-bit not exchanged`);
  if (gr?.receivedRestartSeconds !== s.gracefulRestart.restartTimeSeconds)
    problems.push(
      `${s.a.node}: ${s.b.node}'s restart time is ${gr?.receivedRestartSeconds}, expected ${s.gracefulRestart.restartTimeSeconds}`,
    );
});

/**
 * Between two FRR routers whose configs were given graceful restart (the upgrade rehearsal's
 * overlay; the model does not derive it for fabric sessions): both ends negotiated it.
 */
export const sessionGrNegotiated = onBothEnds((s, { a, b }, problems) => {
  for (const [end, n, peer] of [
    [s.a, a, s.b],
    [s.b, b, s.a],
  ] as const) {
    if (!n || isSpeaker(n)) continue;
    const cap = grCapability(n);
    if (cap !== 'advertisedAndReceived')
      problems.push(
        `${end.node}: graceful-restart capability towards ${peer.node} ${cap ?? 'absent'}, expected advertisedAndReceived`,
      );
  }
});

/** Towards a cluster node: the leaf receives exactly the node's VIP /32s, AS path = the cluster's ASN, ORIGIN IGP. */
export const sessionPrefixes: Check<LabSession> = async (lab, s) => {
  if (!s.speakerPeer) return [];
  const routes = await vtyshJson<{ routes?: Record<string, { path: string; origin: string; valid: boolean }[]> }>(
    lab,
    s.a.node,
    `show bgp ipv4 unicast neighbors ${s.b.address} routes`,
  );
  const got = Object.entries(routes.routes ?? {})
    .map(([prefix, paths]) => `${prefix} [${paths[0]?.path}] ${paths[0]?.origin}${paths[0]?.valid ? '' : ' invalid'}`)
    .sort();
  // What the leaf keeps after its inbound policy (the AS path a route-map may prepend to, none it denies).
  const kept = acceptedFromSpeaker(
    lab.model,
    s.a.node,
    s.b.address,
    s.b.asn,
    s.speakerPeer.advertise,
    s.speakerPeer.asn,
  );
  const want = kept.map((x) => `${x.prefix} [${x.asPath}] IGP`).sort();
  return got.join() === want.join()
    ? []
    : [
        `${s.a.node} receives from ${s.b.node}: ${got.join(', ') || 'nothing'}; expected exactly ${want.join(', ') || 'nothing'}`,
      ];
};

/** Towards a cluster node: the node's own speaker reports the session as Cilium would (routes advertised, GR as the PeerConfig says). */
export const sessionSpeaker = onBothEnds((s, { b }, problems) => {
  if (!s.speakerPeer) return;
  if (!isSpeaker(b)) {
    problems.push(`${s.b.node} reports no peer ${s.a.address}`);
    return;
  }
  if (b.advertised !== s.speakerPeer.advertise.length)
    problems.push(
      `${s.b.node}'s speaker advertises ${b.advertised} prefixes to ${s.a.address}, expected ${s.speakerPeer.advertise.length}`,
    );
  if ((b.gracefulRestart?.enabled ?? false) !== !!s.speakerPeer.gracefulRestart)
    problems.push(
      `${s.b.node}'s speaker has graceful restart ${b.gracefulRestart?.enabled ? 'on' : 'off'}, the PeerConfig says ${s.speakerPeer.gracefulRestart ? 'on' : 'off'}`,
    );
});

/** Every claim above, judged on one reading. */
export const sessionAsConfigured = allOf(
  sessionEstablished,
  sessionAsns,
  sessionTimers,
  sessionMd5,
  sessionGracefulRestart,
  sessionPrefixes,
  sessionSpeaker,
);
