/**
 * The containerlab provider's Kubernetes calls against a stand-in API server on loopback
 * that answers with recorded-shape responses: the request each call makes (method, path,
 * content type, field manager) and how each answer is read.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import {
  crdEstablished,
  kubeClients,
  nodeConfig,
  parseNodeConfigStatus,
  serverSideApply,
  serviceIngressIp,
  timeBoxed,
} from '../../helpers/providers/containerlab/kube.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Seen {
  method: string;
  url: string;
  contentType?: string;
  body: string;
}
const seen: Seen[] = [];
let server: Server;
let port = 0;

const responses: Record<string, unknown> = {
  'GET /apis/cilium.io/v2': {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'cilium.io/v2',
    resources: [
      {
        name: 'ciliumbgppeerconfigs',
        singularName: 'ciliumbgppeerconfig',
        namespaced: false,
        kind: 'CiliumBGPPeerConfig',
        verbs: ['get', 'patch'],
      },
    ],
  },
  'GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/ciliumbgppeerconfigs.cilium.io': {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'ciliumbgppeerconfigs.cilium.io' },
    spec: {
      group: 'cilium.io',
      names: { kind: 'CiliumBGPPeerConfig', plural: 'ciliumbgppeerconfigs' },
      scope: 'Cluster',
      versions: [],
    },
    status: {
      conditions: [
        { type: 'NamesAccepted', status: 'True' },
        { type: 'Established', status: 'True' },
      ],
    },
  },
  'GET /api/v1/namespaces/anycast-echo/services/echo': {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'echo', namespace: 'anycast-echo' },
    spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
    status: { loadBalancer: { ingress: [{ ip: '172.30.0.10', ipMode: 'VIP' }] } },
  },
  'GET /apis/cilium.io/v2/ciliumbgpnodeconfigs/cluster01': JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'test/unit/data/ciliumbgpnodeconfig-cluster01.json'), 'utf8'),
  ),
};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'], body });
      const path = req.url!.split('?')[0]!;
      const key = `${req.method} ${path}`;
      if (req.method === 'PATCH') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(JSON.parse(body)));
        return;
      }
      if (key in responses)
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(responses[key]));
      else
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function clients() {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'cluster01', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'cluster01', cluster: 'cluster01', user: 'u' }],
    currentContext: 'cluster01',
  });
  return kubeClients('cluster01', kc);
}

describe('Kubernetes calls of the containerlab provider', () => {
  it('applies a fixture with server-side apply, as field manager anycast-verify, forcing ownership', async () => {
    const model = loadLabModel({ root: PROJECT_ROOT });
    const peer = model.clusters.cluster01!.manifests.find((m) => m.kind === 'CiliumBGPPeerConfig')!;
    await serverSideApply(clients(), peer.doc.data as never);
    const patch = seen.find((s) => s.method === 'PATCH')!;
    expect(patch.url).toMatch(/^\/apis\/cilium\.io\/v2\/ciliumbgppeerconfigs\/fabric-leaf\?/);
    expect(new URLSearchParams(patch.url.split('?')[1]).get('fieldManager')).toBe('anycast-verify');
    expect(new URLSearchParams(patch.url.split('?')[1]).get('force')).toBe('true');
    expect(patch.contentType).toBe('application/apply-patch+yaml');
    expect(JSON.parse(patch.body).spec.timers).toEqual({
      holdTimeSeconds: 9,
      keepAliveTimeSeconds: 3,
      connectRetryTimeSeconds: 5,
    });
  });

  it('reads a CRD as registered only once it is Established', async () => {
    expect(await crdEstablished(clients(), 'ciliumbgppeerconfigs.cilium.io')).toBe(true);
    expect(await crdEstablished(clients(), 'ciliumbgpclusterconfigs.cilium.io')).toBe(false); // 404: not registered yet
  });

  it('reads the LoadBalancer IP LB-IPAM assigned', async () => {
    expect(await serviceIngressIp(clients(), 'anycast-echo', 'echo')).toBe('172.30.0.10');
  });

  it("reads a node's BGP peers from its CiliumBGPNodeConfig", async () => {
    expect(parseNodeConfigStatus(await nodeConfig(clients(), 'cluster01'))).toEqual([
      expect.objectContaining({ peerAddress: '192.168.49.101', state: 'established', appliedHoldSeconds: 9 }),
    ]);
  });
});

describe('time-boxed Kubernetes calls', () => {
  it('a call the apiserver never answers fails after the box, naming the context (a node link held down by a fault)', async () => {
    const t0 = Date.now();
    await expect(
      timeBoxed(
        { context: 'cluster01' },
        'read CiliumBGPNodeConfig cluster01',
        () => new Promise<never>(() => undefined),
        0.05,
      ),
    ).rejects.toThrow(/kube\[cluster01\] read CiliumBGPNodeConfig cluster01: no answer within 0.05 s/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('an answer within the box passes through', async () => {
    expect(await timeBoxed({ context: 'cluster01' }, 'x', async () => 42, 1)).toBe(42);
  });
});
