/**
 * A router's links to the other routers of the fabric, seen from their far end: the interface
 * on each router above (or beside) it. The uplink-down fault takes these down, and its budget
 * reads the routers they lead to.
 */
import type { LabModel } from './lab-model.js';
import type { Endpoint } from './topology.js';

export function uplinkEnds(model: LabModel, router: string): Endpoint[] {
  return model.links.flatMap((l) =>
    l.a.node === router && model.routers[l.b.node]
      ? [l.b]
      : l.b.node === router && model.routers[l.a.node]
        ? [l.a]
        : [],
  );
}
