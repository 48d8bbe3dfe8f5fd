/**
 * Suite 1, BGP sessions: every session of the topology is Established on both ends, with
 * the configured ASNs, the negotiated hold/keepalive, MD5 where configured and graceful
 * restart where configured (checked as a precondition, never assumed), and each leaf
 * receives exactly the VIP /32s from its cluster node, AS path = the cluster's ASN, ORIGIN IGP.
 * The cluster side is read from the node's own speaker (GoBGP here, CiliumBGPNodeConfig on
 * the real lab).
 */
import { describe, expect, it } from 'vitest';
import { oneReading } from '../helpers/claims/claim-shape.js';
import {
  sessionAsns,
  sessionEstablished,
  sessionGracefulRestart,
  sessionMd5,
  sessionPrefixes,
  sessionSpeaker,
  sessionTimers,
} from '../helpers/claims/session-claims.js';
import { labSessions } from '../helpers/model/lab-sessions.js';
import { useLab } from './lab.js';

const lab = await useLab();

describe.each(labSessions(lab.model).map((s) => [s.name, s] as const))('BGP session %s', (_name, s) => {
  // Each end is asked once per session (by the first claim that needs it); every claim below judges that one reading.
  const reading = oneReading(lab);
  it('is Established on both ends', async () => expect(await sessionEstablished(reading, s)).toEqual([]));
  it('runs between the configured ASNs on both ends', async () => expect(await sessionAsns(reading, s)).toEqual([]));
  it('negotiated the hold time and keepalive the configs imply', async () =>
    expect(await sessionTimers(reading, s)).toEqual([]));
  it(s.md5 ? 'uses TCP-MD5 on both ends' : 'uses no TCP-MD5 (none configured)', async () =>
    expect(await sessionMd5(reading, s)).toEqual([]),
  );
  if (s.gracefulRestart) {
    it(`negotiated graceful restart (restart time ${s.gracefulRestart.restartTimeSeconds} s, N-bit), a precondition of the failover budgets`, async () =>
      expect(await sessionGracefulRestart(reading, s)).toEqual([]));
  }
  if (s.speakerPeer) {
    const prefixes = s.speakerPeer.advertise.map((x) => x.prefix).join(', ') || 'nothing';
    it(`${s.a.node} receives exactly ${prefixes} from ${s.b.node}, AS path ${s.b.asn}, ORIGIN IGP`, async () =>
      expect(await sessionPrefixes(reading, s)).toEqual([]));
    it(`${s.b.node}'s speaker reports it as Cilium would (${s.speakerPeer.advertise.length} advertised, GR as configured)`, async () =>
      expect(await sessionSpeaker(reading, s)).toEqual([]));
  }
});
