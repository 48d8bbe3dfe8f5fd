/**
 * Every BGP session of the lab, as the configs define it, with what each end should see:
 * ASNs, negotiated timers, MD5, graceful restart, and (towards a cluster) the prefixes.
 * Suites iterate this list; adding a router or a cluster adds its sessions here by itself.
 */
import { asTowards, neighborTimers } from './frr-config.js';
import type { LabModel } from './lab-model.js';
import { addressOwner, addressTowards } from './expected-routes.js';
import type { SpeakerPeer } from './clusters.js';

export interface SessionEnd {
  node: string;
  /** This end's own address on the session. */
  address: string;
  asn: number;
  kind: 'frr' | 'speaker';
  holdSeconds: number;
  keepaliveSeconds: number;
  password?: string;
}

export interface LabSession {
  name: string;
  a: SessionEnd;
  b: SessionEnd;
  /** Negotiated hold: the smaller of the two offers. */
  holdSeconds: number;
  /** What each end should apply: its configured keepalive, capped at a third of the negotiated hold. */
  keepaliveSeconds: (end: SessionEnd) => number;
  md5: boolean;
  /** Set when one end is a cluster node whose PeerConfig enables graceful restart. */
  gracefulRestart?: { restartTimeSeconds: number };
  /** For a node ↔ leaf session: the node's speaker intent for this peer. */
  speakerPeer?: SpeakerPeer;
  cluster?: string;
}

export function labSessions(model: LabModel): LabSession[] {
  const out: LabSession[] = [];
  const seen = new Set<string>();
  for (const r of Object.values(model.routers)) {
    const bgp = r.frr.bgp;
    if (!bgp) continue;
    for (const nb of Object.values(bgp.neighbors)) {
      const peer = addressOwner(model, nb.address);
      if (!peer) continue;
      const key = [r.name, peer].sort().join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      const myAddr = addressTowards(model, r.name, nb.address)?.address;
      if (!myAddr) continue; // not directly connected: reported by the model's cross-checks
      const t = neighborTimers(bgp, nb.address);
      const a: SessionEnd = {
        node: r.name,
        address: myAddr,
        asn: asTowards(bgp, nb.address),
        kind: 'frr',
        holdSeconds: t.hold,
        keepaliveSeconds: t.keepalive,
        password: nb.password,
      };
      let b: SessionEnd;
      let speakerPeer: SpeakerPeer | undefined;
      let cluster: string | undefined;
      const k8s = model.k8sNodes[peer];
      if (k8s) {
        const intent = model.clusters[k8s.cluster]?.speakers[peer];
        speakerPeer = intent?.peers.find((p) => p.address === myAddr);
        if (!intent || !speakerPeer) continue; // checked by the model's cross-checks
        cluster = k8s.cluster;
        b = {
          node: peer,
          address: nb.address,
          asn: intent.localASN,
          kind: 'speaker',
          holdSeconds: speakerPeer.holdSeconds,
          keepaliveSeconds: speakerPeer.keepaliveSeconds,
          password: speakerPeer.password,
        };
      } else {
        const pr = model.routers[peer]!;
        const pbgp = pr.frr.bgp!;
        const pt = neighborTimers(pbgp, myAddr);
        b = {
          node: peer,
          address: nb.address,
          asn: asTowards(pbgp, myAddr),
          kind: 'frr',
          holdSeconds: pt.hold,
          keepaliveSeconds: pt.keepalive,
          password: pbgp.neighbors[myAddr]?.password,
        };
      }
      const hold = Math.min(a.holdSeconds, b.holdSeconds);
      out.push({
        name: `${a.node} (AS${a.asn}) <-> ${b.node} (AS${b.asn})`,
        a,
        b,
        holdSeconds: hold,
        keepaliveSeconds: (end) => Math.min(end.keepaliveSeconds, Math.floor(hold / 3)),
        md5: !!a.password && !!b.password,
        gracefulRestart: speakerPeer?.gracefulRestart,
        speakerPeer,
        cluster,
      });
    }
  }
  return out;
}
