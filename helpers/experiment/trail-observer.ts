/**
 * The packet trail through a fault: tcpdump in every router, client and Kubernetes node
 * (helpers/observe/packet-trail.ts), so each lost request has a place and a cause.
 */
import { startPacketTrail, type TrailPacket } from '../observe/packet-trail.js';
import { captureObserver, type ObserverFactory } from './timeline.js';

export interface Trail {
  packets: TrailPacket[];
  /** Per node, why its trail is incomplete. */
  gaps: Record<string, string>;
}

export function trailObserver(): ObserverFactory<Trail> {
  return ({ lab, target }) => {
    const m = lab.model;
    const nodes = [...Object.keys(m.routers), ...Object.keys(m.hosts), ...Object.keys(m.k8sNodes)];
    return captureObserver(startPacketTrail(lab, nodes, target.vip, Object.keys(m.hosts)));
  };
}
