/**
 * Who holds an address in the lab, and which of a router's own addresses faces another: the
 * look-ups the session checks and the route derivations share.
 */
import { parseCidr, cidrContains } from './ipv4.js';
import type { LabModel } from './lab-model.js';
import type { SpeakerIntent } from './clusters.js';

/** Node that owns an address (router interface, host or Kubernetes node), if any. */
export function addressOwner(model: LabModel, ip: string): string | undefined {
  for (const r of Object.values(model.routers))
    for (const addrs of Object.values(r.interfaces)) if (addrs.some((a) => a.split('/')[0] === ip)) return r.name;
  for (const n of Object.values(model.k8sNodes)) if (n.ip === ip) return n.name;
  for (const h of Object.values(model.hosts)) if (h.addresses.some((a) => a.cidr.split('/')[0] === ip)) return h.name;
  return undefined;
}

/** The speaker of a Kubernetes node, if the node is one and its cluster runs one on it. */
export function speakerOf(model: LabModel, node: string): SpeakerIntent | undefined {
  const n = model.k8sNodes[node];
  return n ? model.clusters[n.cluster]?.speakers[node] : undefined;
}

/** Whether one of a router's interfaces holds `ip`. */
export function ownsAddress(model: LabModel, router: string, ip: string): boolean {
  const r = model.routers[router];
  return !!r && Object.values(r.interfaces).some((addrs) => addrs.some((a) => a.split('/')[0] === ip));
}

/** A client's route out (its default, else its first) and the router that owns its gateway address. */
export function hostGateway(model: LabModel, host: string): { via: string; router?: string } | undefined {
  const h = model.hosts[host];
  const route = h?.routes.find((r) => r.prefix === 'default') ?? h?.routes[0];
  return route ? { via: route.via, router: addressOwner(model, route.via) } : undefined;
}

/** The router's own interface and address on the subnet that holds `ip` (a directly connected neighbour). */
export function addressTowards(
  model: LabModel,
  router: string,
  ip: string,
): { iface: string; address: string } | undefined {
  const r = model.routers[router];
  if (!r) return undefined;
  for (const [iface, addrs] of Object.entries(r.interfaces)) {
    const a = addrs.find((x) => cidrContains(parseCidr(x), ip));
    if (a) return { iface, address: a.split('/')[0]! };
  }
  return undefined;
}

/** The router interface whose subnet holds `ip`. */
export function interfaceTowards(model: LabModel, router: string, ip: string): string | undefined {
  return addressTowards(model, router, ip)?.iface;
}
