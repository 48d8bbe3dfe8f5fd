/**
 * The executor's wait checks against a stand-in for the Kubernetes clients: each kind of
 * wait reads its own object and says what is still missing, in the words `up` shows while
 * it waits; every wait of the seed lab's plan has a check that passes on a ready lab.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { loadVersions } from '../../helpers/model/version-pins.js';
import type { KubeClients } from '../../helpers/providers/containerlab/kube.js';
import { upPlan } from '../../helpers/providers/containerlab/plan.js';
import { waitProblem } from '../../helpers/providers/containerlab/wait-checks.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const nodeConfigSample = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'test/unit/data/ciliumbgpnodeconfig-cluster01.json'), 'utf8'),
);

/** A cluster in the given state; `reads` records each object read, in order. */
function cluster(state: { established?: string[]; ingressIp?: string; nodeConfig?: unknown }) {
  const reads: string[] = [];
  const k = {
    context: 'cluster01',
    crds: {
      readCustomResourceDefinition: async ({ name }: { name: string }) => {
        reads.push(`crd ${name}`);
        return {
          status: {
            conditions: [{ type: 'Established', status: state.established?.includes(name) ? 'True' : 'False' }],
          },
        };
      },
    },
    core: {
      readNamespacedService: async ({ namespace, name }: { namespace: string; name: string }) => {
        reads.push(`service ${namespace}/${name}`);
        return { status: { loadBalancer: { ingress: state.ingressIp ? [{ ip: state.ingressIp }] : [] } } };
      },
    },
    custom: {
      getClusterCustomObject: async ({ plural, name }: { plural: string; name: string }) => {
        reads.push(`${plural}/${name}`);
        return state.nodeConfig ?? {};
      },
    },
  };
  return { reads, k: k as unknown as KubeClients };
}

describe('wait checks', () => {
  it('CRDs: names the ones not yet Established', async () => {
    const { reads, k } = cluster({ established: ['a.cilium.io'] });
    expect(await waitProblem({ what: 'crds-established', crds: ['a.cilium.io', 'b.cilium.io'] }, k)).toBe(
      'not established yet: b.cilium.io',
    );
    expect(reads).toEqual(['crd a.cilium.io', 'crd b.cilium.io']);
    expect(await waitProblem({ what: 'crds-established', crds: ['a.cilium.io'] }, k)).toBeUndefined();
  });

  it('Service ingress IP: names the IP it has, until it is the one the plan expects', async () => {
    const want = { what: 'service-ingress-ip', namespace: 'anycast-echo', name: 'echo', ip: '172.30.0.10' } as const;
    expect(await waitProblem(want, cluster({}).k)).toBe('ingress IP is not assigned');
    expect(await waitProblem(want, cluster({ ingressIp: '172.30.0.11' }).k)).toBe('ingress IP is 172.30.0.11');
    const ready = cluster({ ingressIp: '172.30.0.10' });
    expect(await waitProblem(want, ready.k)).toBeUndefined();
    expect(ready.reads).toEqual(['service anycast-echo/echo']);
  });

  it("BGP peers: lists each peer's state until every one is established", async () => {
    const want = { what: 'bgp-peers-established', node: 'cluster01' } as const;
    expect(await waitProblem(want, cluster({}).k)).toBe('peers: none reported yet');
    const idle = structuredClone(nodeConfigSample);
    idle.status.bgpInstances[0].peers[0].peeringState = 'active';
    expect(await waitProblem(want, cluster({ nodeConfig: idle }).k)).toBe('peers: 192.168.49.101 active');
    const ready = cluster({ nodeConfig: nodeConfigSample });
    expect(await waitProblem(want, ready.k)).toBeUndefined();
    expect(ready.reads).toEqual(['ciliumbgpnodeconfigs/cluster01']);
  });

  it("has a check for every wait of the seed lab's plan, each passing on a ready lab", async () => {
    const model = loadLabModel({ root: PROJECT_ROOT });
    const waits = upPlan(model, loadVersions(PROJECT_ROOT, {})).flatMap((s) => (s.kind === 'wait' ? [s.until] : []));
    const ready = cluster({
      established: waits.flatMap((w) => (w.what === 'crds-established' ? w.crds : [])),
      ingressIp: '172.30.0.10',
      nodeConfig: nodeConfigSample,
    });
    for (const w of waits) expect(await waitProblem(w, ready.k), JSON.stringify(w)).toBeUndefined();
    expect(ready.reads).toContain('service anycast-echo/echo');
    expect(ready.reads).toContain('ciliumbgpnodeconfigs/cluster02');
  });
});
