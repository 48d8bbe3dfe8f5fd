/**
 * The executor's side of the plan's wait steps: one Kubernetes read per kind of WaitFor,
 * answering what is still wrong (undefined once it holds), the shape waitUntil polls.
 */
import { crdEstablished, nodeConfig, parseNodeConfigStatus, serviceIngressIp, type KubeClients } from './kube.js';
import type { WaitFor } from './plan.js';

export async function waitProblem(w: WaitFor, k: KubeClients): Promise<string | undefined> {
  switch (w.what) {
    case 'crds-established': {
      const missing = [];
      for (const crd of w.crds) if (!(await crdEstablished(k, crd))) missing.push(crd);
      return missing.length ? `not established yet: ${missing.join(', ')}` : undefined;
    }
    case 'service-ingress-ip': {
      const ip = await serviceIngressIp(k, w.namespace, w.name);
      return ip === w.ip ? undefined : `ingress IP is ${ip ?? 'not assigned'}`;
    }
    case 'bgp-peers-established': {
      const peers = parseNodeConfigStatus(await nodeConfig(k, w.node));
      const down = peers.filter((p) => p.state !== 'established');
      return peers.length && !down.length
        ? undefined
        : `peers: ${peers.map((p) => `${p.peerAddress} ${p.state}`).join(', ') || 'none reported yet'}`;
    }
    default: {
      // The return type allows undefined, so only this makes a kind without a check a compile error.
      const unchecked: never = w;
      throw new Error(`no check for wait ${JSON.stringify(unchecked)}`);
    }
  }
}
