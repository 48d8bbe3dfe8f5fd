/**
 * The claims about one BGP session, each as a list of problems (empty = holds). Suite 1
 * asserts each list is empty; the breakage suite asserts the right one is not.
 */
import { bgpNeighbors, vtyshJson, type FrrNeighborState } from '../clients/frr.js';
import type { LabSession, SessionEnd } from '../lab/sessions.js';
import type { LabHandle, SpeakerPeerView } from '../providers/api/lab-handle.js';

export interface SessionFindings {
  established: string[];
  asns: string[];
  timers: string[];
  md5: string[];
  gracefulRestart: string[];
  prefixes: string[];
  speaker: string[];
}

const isSpeaker = (v: unknown): v is SpeakerPeerView => !!v && typeof v === 'object' && 'peerAddress' in v;

export async function checkSession(lab: LabHandle, s: LabSession): Promise<SessionFindings> {
  const f: SessionFindings = { established: [], asns: [], timers: [], md5: [], gracefulRestart: [], prefixes: [], speaker: [] };
  const a: FrrNeighborState | undefined = (await bgpNeighbors(lab, s.a.node))[s.b.address];
  const b: FrrNeighborState | SpeakerPeerView | undefined = s.b.kind === 'frr' ? (await bgpNeighbors(lab, s.b.node))[s.a.address] : (await lab.speakerPeers(s.b.node)).find((p) => p.peerAddress === s.a.address);
  const state = (v: typeof b) => (v ? (isSpeaker(v) ? v.state : v.state.toLowerCase()) : 'not configured');
  if (state(a) !== 'established') f.established.push(`${s.a.node} sees its session to ${s.b.node} (${s.b.address}) as ${a?.state ?? 'not configured'}${a?.raw.lastResetDueTo ? ` (last reset: ${String(a.raw.lastResetDueTo)})` : ''}`);
  if (state(b) !== 'established') f.established.push(`${s.b.node} sees its session to ${s.a.node} (${s.a.address}) as ${state(b)}`);

  const asn = (who: string, got: [number | undefined, number | undefined], want: [number, number]) => {
    if (got[0] !== want[0] || got[1] !== want[1]) f.asns.push(`${who}: local AS ${got[0]}, remote AS ${got[1]}; expected ${want[0]} and ${want[1]}`);
  };
  if (a) asn(s.a.node, [a.localAs, a.remoteAs], [s.a.asn, s.b.asn]);
  if (b) asn(s.b.node, isSpeaker(b) ? [b.localASN, b.peerASN] : [b.localAs, b.remoteAs], [s.b.asn, s.a.asn]);

  const timers = (end: SessionEnd, hold?: number, ka?: number) => {
    if (hold !== s.holdSeconds || ka !== s.keepaliveSeconds(end)) f.timers.push(`${end.node} applies hold ${hold ?? '?'} s / keepalive ${ka ?? '?'} s; the configs imply ${s.holdSeconds} s / ${s.keepaliveSeconds(end)} s`);
  };
  if (a && state(a) === 'established') timers(s.a, a.holdSeconds, a.keepaliveSeconds);
  if (b && state(b) === 'established') isSpeaker(b) ? timers(s.b, b.appliedHoldSeconds, b.appliedKeepaliveSeconds) : timers(s.b, b.holdSeconds, b.keepaliveSeconds);

  const aMd5 = a?.raw.authenticationEnabled === 1;
  const bMd5 = b ? (isSpeaker(b) ? !!b.tcpPasswordEnabled : b.raw.authenticationEnabled === 1) : false;
  if (aMd5 !== s.md5 || bMd5 !== s.md5) f.md5.push(`TCP-MD5 on ${s.a.node}: ${aMd5}, on ${s.b.node}: ${bMd5}; configured: ${s.md5}`);

  if (s.gracefulRestart && a) {
    const gr = a.raw.gracefulRestartInfo as { remoteGrMode?: string; nBit?: boolean; timers?: { receivedRestartTimer?: number } } | undefined;
    const cap = (a.raw.neighborCapabilities as { gracefulRestart?: string } | undefined)?.gracefulRestart;
    if (cap !== 'advertisedAndReceived') f.gracefulRestart.push(`${s.a.node}: graceful-restart capability ${cap ?? 'absent'}, expected advertisedAndReceived`);
    if (gr?.remoteGrMode !== 'Restart') f.gracefulRestart.push(`${s.a.node}: ${s.b.node}'s GR mode is ${gr?.remoteGrMode ?? 'unknown'}, expected Restart (GR not negotiated: per-address-family GR missing?)`);
    if (gr?.nBit !== true) f.gracefulRestart.push(`${s.a.node}: RFC 8538 N-bit not exchanged`);
    if (gr?.timers?.receivedRestartTimer !== s.gracefulRestart.restartTimeSeconds) f.gracefulRestart.push(`${s.a.node}: ${s.b.node}'s restart time is ${gr?.timers?.receivedRestartTimer}, expected ${s.gracefulRestart.restartTimeSeconds}`);
  }

  if (s.speakerPeer) {
    const routes = await vtyshJson<{ routes?: Record<string, { path: string; origin: string; valid: boolean }[]> }>(lab, s.a.node, `show bgp ipv4 unicast neighbors ${s.b.address} routes`);
    const got = Object.entries(routes.routes ?? {}).map(([prefix, paths]) => `${prefix} [${paths[0]?.path}] ${paths[0]?.origin}${paths[0]?.valid ? '' : ' invalid'}`).sort();
    const want = s.speakerPeer.advertise.map((x) => `${x.prefix} [${s.b.asn}] IGP`).sort();
    if (got.join() !== want.join()) f.prefixes.push(`${s.a.node} receives from ${s.b.node}: ${got.join(', ') || 'nothing'}; expected exactly ${want.join(', ') || 'nothing'}`);
    if (isSpeaker(b)) {
      if (b.advertised !== s.speakerPeer.advertise.length) f.speaker.push(`${s.b.node}'s speaker advertises ${b.advertised} prefixes to ${s.a.address}, expected ${s.speakerPeer.advertise.length}`);
      if ((b.gracefulRestart?.enabled ?? false) !== !!s.speakerPeer.gracefulRestart) f.speaker.push(`${s.b.node}'s speaker has graceful restart ${b.gracefulRestart?.enabled ? 'on' : 'off'}, the PeerConfig says ${s.speakerPeer.gracefulRestart ? 'on' : 'off'}`);
    } else f.speaker.push(`${s.b.node} reports no peer ${s.a.address}`);
  }
  return f;
}
