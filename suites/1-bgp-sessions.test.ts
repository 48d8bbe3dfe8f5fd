/**
 * Suite 1, BGP sessions: every session of the topology is Established on both ends, with
 * the configured ASNs, the negotiated hold/keepalive, MD5 where configured and graceful
 * restart where configured (checked as a precondition, never assumed), and each leaf
 * receives exactly the VIP /32s from its cluster node, AS path = the cluster's ASN, ORIGIN IGP.
 * The cluster side is read from the node's own speaker (GoBGP here, CiliumBGPNodeConfig on
 * the real lab).
 */
import { describe, expect, it } from 'vitest';
import { bgpNeighbors, vtyshJson, type FrrNeighborState } from '../helpers/clients/frr.js';
import { labSessions, type LabSession, type SessionEnd } from '../helpers/lab/sessions.js';
import type { SpeakerPeerView } from '../helpers/providers/provider.js';
import { useLab } from './lab.js';

const lab = await useLab();
const sessions = labSessions(lab.model);

/** Both ends' views, read once per test. */
async function views(s: LabSession): Promise<{ a: FrrNeighborState | undefined; b: FrrNeighborState | SpeakerPeerView | undefined }> {
  const a = (await bgpNeighbors(lab, s.a.node))[s.b.address];
  const b = s.b.kind === 'frr' ? (await bgpNeighbors(lab, s.b.node))[s.a.address] : (await lab.speakerPeers(s.b.node)).find((p) => p.peerAddress === s.a.address);
  return { a, b };
}

const isSpeaker = (v: unknown): v is SpeakerPeerView => !!v && typeof v === 'object' && 'peerAddress' in v;
const stateOf = (v: FrrNeighborState | SpeakerPeerView | undefined) => (v ? (isSpeaker(v) ? v.state : v.state.toLowerCase()) : 'not configured');

describe.each(sessions.map((s) => [s.name, s] as const))('BGP session %s', (_name, s) => {
  it('is Established on both ends', async () => {
    const v = await views(s);
    expect(stateOf(v.a), `${s.a.node} → ${s.b.address}`).toBe('established');
    expect(stateOf(v.b), `${s.b.node} → ${s.a.address}`).toBe('established');
  });

  it('runs between the configured ASNs on both ends', async () => {
    const v = await views(s);
    expect({ local: v.a?.localAs, remote: v.a?.remoteAs }, `${s.a.node}'s view`).toEqual({ local: s.a.asn, remote: s.b.asn });
    const b = v.b!;
    expect(isSpeaker(b) ? { local: b.localASN, remote: b.peerASN } : { local: b.localAs, remote: b.remoteAs }, `${s.b.node}'s view`).toEqual({ local: s.b.asn, remote: s.a.asn });
  });

  it('negotiated the hold time and keepalive the configs imply', async () => {
    const v = await views(s);
    const expectEnd = (end: SessionEnd, hold?: number, ka?: number) => expect({ hold, keepalive: ka }, `${end.node}'s applied timers`).toEqual({ hold: s.holdSeconds, keepalive: s.keepaliveSeconds(end) });
    expectEnd(s.a, v.a?.holdSeconds, v.a?.keepaliveSeconds);
    const b = v.b!;
    if (isSpeaker(b)) expectEnd(s.b, b.appliedHoldSeconds, b.appliedKeepaliveSeconds);
    else expectEnd(s.b, b.holdSeconds, b.keepaliveSeconds);
  });

  it(s.md5 ? 'uses TCP-MD5 on both ends' : 'uses no TCP-MD5 (none configured)', async () => {
    const v = await views(s);
    expect(v.a?.raw.authenticationEnabled === 1, `${s.a.node} authenticationEnabled`).toBe(s.md5);
    const b = v.b!;
    expect(isSpeaker(b) ? b.tcpPasswordEnabled : b.raw.authenticationEnabled === 1, `${s.b.node} MD5`).toBe(s.md5);
  });

  if (s.gracefulRestart) {
    it(`negotiated graceful restart (restart time ${s.gracefulRestart.restartTimeSeconds} s, N-bit) — a precondition of the failover budgets`, async () => {
      const v = await views(s);
      const gr = v.a?.raw.gracefulRestartInfo as { remoteGrMode?: string; nBit?: boolean; timers?: { receivedRestartTimer?: number } } | undefined;
      const caps = v.a?.raw.neighborCapabilities as { gracefulRestart?: string } | undefined;
      expect(caps?.gracefulRestart, `${s.a.node}: GR capability`).toBe('advertisedAndReceived');
      expect(gr?.remoteGrMode, `${s.a.node}: the node's GR mode`).toBe('Restart');
      expect(gr?.nBit, `${s.a.node}: RFC 8538 N-bit`).toBe(true);
      expect(gr?.timers?.receivedRestartTimer, `${s.a.node}: the node's restart time`).toBe(s.gracefulRestart!.restartTimeSeconds);
    });
  }

  if (s.speakerPeer) {
    const peer = s.speakerPeer;
    it(`${s.a.node} receives exactly ${peer.advertise.map((x) => x.prefix).join(', ') || 'nothing'} from ${s.b.node}, AS path ${s.b.asn}, ORIGIN IGP`, async () => {
      const routes = await vtyshJson<{ routes?: Record<string, { path: string; origin: string; valid: boolean }[]> }>(lab, s.a.node, `show bgp ipv4 unicast neighbors ${s.b.address} routes`);
      const got = Object.entries(routes.routes ?? {}).map(([prefix, paths]) => ({ prefix, asPath: paths[0]?.path, origin: paths[0]?.origin, valid: paths[0]?.valid }));
      expect(got.sort((x, y) => x.prefix.localeCompare(y.prefix))).toEqual(
        peer.advertise.map((x) => ({ prefix: x.prefix, asPath: String(s.b.asn), origin: 'IGP', valid: true })).sort((x, y) => x.prefix.localeCompare(y.prefix)),
      );
    });

    it(`${s.b.node}'s speaker reports the session as Cilium would (established, ${peer.advertise.length} advertised)`, async () => {
      const p = (await lab.speakerPeers(s.b.node)).find((x) => x.peerAddress === s.a.address);
      expect(p, `${s.b.node} has a peer ${s.a.address}`).toBeDefined();
      expect({ state: p!.state, advertised: p!.advertised, gracefulRestart: p!.gracefulRestart?.enabled ?? false }).toEqual({ state: 'established', advertised: peer.advertise.length, gracefulRestart: !!peer.gracefulRestart });
    });
  }
});
