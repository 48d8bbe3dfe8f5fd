/**
 * The BGP messages through a fault: a capture on TCP port 179 in every router and Kubernetes
 * node (helpers/observe/bgp-messages.ts), for the waterfall of each phase.
 */
import { startBgpCapture, type BgpMessage, type BgpSegment } from '../observe/bgp-messages.js';
import { captureObserver, type ObserverFactory } from './timeline.js';

export interface BgpSeen {
  messages: BgpMessage[];
  segments: BgpSegment[];
  /** Per node, why its capture is incomplete. */
  gaps: Record<string, string>;
}

export function bgpObserver(): ObserverFactory<BgpSeen> {
  return ({ lab }) => {
    const nodes = [...Object.keys(lab.model.routers), ...Object.keys(lab.model.k8sNodes)];
    return captureObserver(startBgpCapture(lab, nodes));
  };
}
