/**
 * Predicting which cluster serves a flow, from the fabric's own FIB: starting at the
 * client's gateway, ask each router `ip route get <vip> from <src> iif <if> ipproto tcp
 * sport <s> dport <d>` (the kernel's own multipath hash for that 5-tuple) and follow the
 * chosen next hop until it is a Kubernetes node. One `ip -batch` per router and hop keeps
 * it to a handful of processes for any number of flows.
 */
import type { LabModel } from '../model/lab-model.js';
import { addressOwner, interfaceTowards } from '../model/expected-routes.js';
import { hostGateway } from '../model/lab-addresses.js';
import type { LabHandle } from '../providers/api/lab-handle.js';

export interface Flow {
  src: string;
  sport: number;
  dst: string;
  dport: number;
}

export interface Prediction {
  flow: Flow;
  /** Routers and the next hop each chose. */
  hops: { router: string; iif: string; nextHop: string }[];
  cluster?: string;
  error?: string;
}

/** The router a host sends to first, and the interface it arrives on. */
function firstHop(model: LabModel, client: string, dst: string): { router: string; iif: string } {
  if (!model.hosts[client]) throw new Error(`${client} is not a client of the lab`);
  const gw = hostGateway(model, client);
  if (!gw) throw new Error(`${client} has no route towards ${dst}`);
  const { router, via } = gw;
  if (!router || !model.routers[router]) throw new Error(`${client}'s gateway ${via} is not an FRR router`);
  return { router, iif: interfaceTowards(model, router, via)! };
}

export async function predictFlows(lab: LabHandle, client: string, flows: Flow[]): Promise<Prediction[]> {
  const model = lab.model;
  const preds: Prediction[] = flows.map((flow) => ({ flow, hops: [] }));
  // Work list: prediction index → where it currently is.
  let at = new Map<number, { router: string; iif: string }>();
  preds.forEach((p, i) => at.set(i, firstHop(model, client, p.flow.dst)));
  for (let depth = 0; depth < 16 && at.size > 0; depth++) {
    const byRouter = new Map<string, number[]>();
    for (const [i, pos] of at) byRouter.set(pos.router, [...(byRouter.get(pos.router) ?? []), i]);
    const next = new Map<number, { router: string; iif: string }>();
    await Promise.all(
      [...byRouter].map(async ([router, idx]) => {
        const lines = idx.map((i) => {
          const f = preds[i]!.flow;
          return `route get ${f.dst} from ${f.src} iif ${at.get(i)!.iif} ipproto tcp sport ${f.sport} dport ${f.dport}`;
        });
        const r = await lab.exec(router, ['ip', '-j', '-batch', '-'], {
          input: `${lines.join('\n')}\n`,
          reject: false,
        });
        const outs = r.stdout.split('\n').filter((l) => l.trim().startsWith('['));
        idx.forEach((i, k) => {
          const p = preds[i]!;
          const out = outs[k];
          const hop = out ? (JSON.parse(out) as { gateway?: string; dev?: string }[])[0] : undefined;
          if (!hop?.gateway) {
            p.error = `${router}: no route for the flow (${r.stderr.trim() || 'no gateway'})`;
            return;
          }
          p.hops.push({ router, iif: at.get(i)!.iif, nextHop: hop.gateway });
          const owner = addressOwner(model, hop.gateway);
          if (owner && model.k8sNodes[owner]) p.cluster = model.k8sNodes[owner]!.cluster;
          else if (owner && model.routers[owner]) {
            const iif = interfaceTowards(model, owner, hop.gateway);
            if (!iif) p.error = `${owner} has no interface towards ${hop.gateway}`;
            else next.set(i, { router: owner, iif });
          } else p.error = `${router} forwards to ${hop.gateway}, which is no node of the lab`;
        });
      }),
    );
    at = next;
  }
  return preds;
}

/**
 * Whether per-flow prediction is meaningful under a hash policy. In a lab where every node
 * shares one kernel, policy 1 hashes the socket's own random flow hash (it travels with the
 * packet across veths), not the 5-tuple, so `ip route get` cannot know the choice.
 */
export function predictability(policy: number, sharedKernel: boolean): { possible: boolean; reason?: string } {
  if (policy === 1 && sharedKernel) {
    return {
      possible: false,
      reason:
        "hash policy 1 in a shared-kernel lab: the kernel reuses the socket's random flow hash (skb->hash) that travels with the packet across namespaces, so the choice does not follow the 5-tuple and `ip route get` cannot predict it; use policy 3 with fields 0x0037 (5-tuple) or policy 0 (L3)",
    };
  }
  if (policy === 2)
    return {
      possible: false,
      reason: 'hash policy 2 (inner L3 for encapsulated traffic) is not modelled by the predictor',
    };
  return { possible: true };
}
