/**
 * The Kubernetes side of the real lab through @kubernetes/client-node: one client set per
 * cluster (kube context = minikube profile), server-side apply of the fixtures, and the
 * reads the waits and the suites need. Parsing of API objects is kept pure for unit tests.
 */
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { SpeakerPeerView } from '../api/lab-handle.js';

export interface KubeClients {
  context: string;
  objects: KubernetesObjectApi;
  crds: ApiextensionsV1Api;
  core: CoreV1Api;
  custom: CustomObjectsApi;
}

/**
 * Every call is time-boxed. The host reaches a minikube apiserver through the node container's
 * interface on the cluster network (docker's published port), so while a fault has that link
 * down a call would hang; it fails after this long instead, naming the context.
 */
export const KUBE_CALL_SECONDS = 15;

export async function timeBoxed<T>(
  k: Pick<KubeClients, 'context'>,
  what: string,
  call: () => Promise<T>,
  seconds = KUBE_CALL_SECONDS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `kube[${k.context}] ${what}: no answer within ${seconds} s (the apiserver is reached through the node's link: is a fault holding it down?)`,
          ),
        ),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Clients for one context of the user's kubeconfig (or of `kc`, e.g. in tests). */
export function kubeClients(context: string, kc: KubeConfig = defaultKubeConfig()): KubeClients {
  if (!kc.getContexts().some((c) => c.name === context))
    throw new Error(`no kube context "${context}" in the kubeconfig (minikube writes one per profile)`);
  kc.setCurrentContext(context);
  return {
    context,
    objects: KubernetesObjectApi.makeApiClient(kc),
    crds: kc.makeApiClient(ApiextensionsV1Api),
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

/** Server-side apply, field manager anycast-verify, taking ownership of conflicting fields. */
export async function serverSideApply(k: KubeClients, obj: KubernetesObject): Promise<void> {
  await timeBoxed(k, `apply ${obj.kind} ${obj.metadata?.name}`, () =>
    k.objects.patch(obj, undefined, undefined, 'anycast-verify', true, PatchStrategy.ServerSideApply),
  );
}

export async function deleteObject(k: KubeClients, obj: KubernetesObject): Promise<void> {
  await timeBoxed(k, `delete ${obj.kind} ${obj.metadata?.name}`, () => k.objects.delete(obj));
}

export async function crdEstablished(k: KubeClients, name: string): Promise<boolean> {
  try {
    const crd = await timeBoxed(k, `read CRD ${name}`, () => k.crds.readCustomResourceDefinition({ name }));
    return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
  } catch {
    return false;
  }
}

export async function serviceIngressIp(k: KubeClients, namespace: string, name: string): Promise<string | undefined> {
  const s = await timeBoxed(k, `read Service ${namespace}/${name}`, () =>
    k.core.readNamespacedService({ name, namespace }),
  );
  return s.status?.loadBalancer?.ingress?.[0]?.ip;
}

export async function nodeConfig(k: KubeClients, node: string): Promise<unknown> {
  return timeBoxed(k, `read CiliumBGPNodeConfig ${node}`, () =>
    k.custom.getClusterCustomObject({ group: 'cilium.io', version: 'v2', plural: 'ciliumbgpnodeconfigs', name: node }),
  );
}

interface NodeConfigStatus {
  spec?: {
    bgpInstances?: {
      name: string;
      localASN?: number;
      peers?: { name: string; peerAddress?: string; peerASN?: number }[];
    }[];
  };
  status?: {
    bgpInstances?: {
      name: string;
      localASN?: number;
      peers?: {
        name: string;
        peerAddress?: string;
        peerASN?: number;
        peeringState?: string;
        timers?: { appliedHoldTimeSeconds?: number; appliedKeepaliveSeconds?: number };
        routeCount?: { afi: string; safi: string; advertised?: number; received?: number }[];
      }[];
    }[];
  };
}

/**
 * CiliumBGPNodeConfig status (Cilium ≥ 1.17) → the speaker view the suites compare.
 * MD5 and graceful restart are not in the status; the caller fills them from the applied
 * CiliumBGPPeerConfig (FRR's side proves what was negotiated).
 */
export function parseNodeConfigStatus(obj: unknown): SpeakerPeerView[] {
  const nc = obj as NodeConfigStatus;
  const out: SpeakerPeerView[] = [];
  for (const inst of nc.status?.bgpInstances ?? []) {
    for (const p of inst.peers ?? []) {
      const v4 = p.routeCount?.find((r) => r.afi === 'ipv4' && r.safi === 'unicast');
      out.push({
        peerAddress: p.peerAddress ?? '',
        peerASN: p.peerASN ?? 0,
        localASN: inst.localASN ?? 0,
        state: p.peeringState ?? 'unknown',
        appliedHoldSeconds: p.timers?.appliedHoldTimeSeconds,
        appliedKeepaliveSeconds: p.timers?.appliedKeepaliveSeconds,
        advertised: v4?.advertised,
        received: v4?.received,
      });
    }
  }
  return out;
}
