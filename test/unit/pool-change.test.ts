/**
 * Suite 5's "changed VIP pool" on each provider, without a lab: the containerlab path goes
 * through a recording command runner and a stand-in Kubernetes API server, and must issue no
 * command at all (no docker network, minikube or containerlab call: nothing against the
 * running lab's cluster01/02 resources) and no API call but the server-side apply of the
 * lab's own pool object, changed and then restored. The netns path builds and removes a
 * second lab under another name.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { loadLabModel, type LabModel } from '../../helpers/model/lab-model.js';
import { ContainerlabHandle } from '../../helpers/providers/containerlab/containerlab-provider.js';
import { withChangedPool, type PoolChangeDeps } from '../../suites/breakage/pool-change.js';
import { advertisedVips } from '../../helpers/model/expected-routes.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import type { LabProvider } from '../../helpers/providers/api/lab-provider.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const requests: { method: string; url: string; body: string }[] = [];
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, body });
      const json = (code: number, v: unknown) =>
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      if (req.method === 'GET' && req.url!.split('?')[0] === '/apis/cilium.io/v2') {
        json(200, {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: 'cilium.io/v2',
          resources: [
            {
              name: 'ciliumloadbalancerippools',
              singularName: 'ciliumloadbalancerippool',
              namespaced: false,
              kind: 'CiliumLoadBalancerIPPool',
              verbs: ['get', 'patch'],
            },
            {
              name: 'ciliumbgpadvertisements',
              singularName: 'ciliumbgpadvertisement',
              namespaced: false,
              kind: 'CiliumBGPAdvertisement',
              verbs: ['get', 'patch', 'delete'],
            },
          ],
        });
      } else if (req.method === 'PATCH') json(200, JSON.parse(body));
      else if (req.method === 'DELETE') json(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
      else json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  const nodes = Object.keys(model.k8sNodes);
  kc.loadFromOptions({
    clusters: nodes.map((n) => ({ name: n, server: `http://127.0.0.1:${port}`, skipTLSVerify: true })),
    users: [{ name: 'u' }],
    contexts: nodes.map((n) => ({ name: n, cluster: n, user: 'u' })),
    currentContext: nodes[0]!,
  });
  return kc;
}

const refuse: PoolChangeDeps = {
  createProvider: () => Promise.reject(new Error('a second lab was created')),
  bringUp: () => Promise.reject(new Error('a second lab was brought up')),
  converged: async () => undefined,
};

describe('changed VIP pool on containerlab: the running lab reconfigured and restored, nothing else touched', () => {
  it("no command, no second lab; only the lab's own pool applied changed, then as it was", async () => {
    requests.length = 0;
    const commands: string[] = [];
    const handle = new ContainerlabHandle(model, {
      run: (async (argv: readonly string[]) => (
        commands.push(argv.join(' ')),
        { stdout: '', stderr: '', exitCode: 0 }
      )) as never,
      kubeConfig: kubeConfig(),
    });
    expect(handle.canRunSecondLab).toBe(false);
    const copy = labCopy();
    copy.edit(
      'fixtures/cilium/lb-ip-pool.yaml',
      /start: (\S+)\n(\s+)stop: (\S+)/,
      'start: 172.31.9.40\n$2stop: 172.31.9.50',
    );
    let seen: { lab: string; vip: string; handle: string } | undefined;
    const method = await withChangedPool(
      handle,
      copy,
      async (view, changed) => {
        seen = { lab: changed.name, vip: [...advertisedVips(view.model).keys()][0]!, handle: view.provider };
      },
      refuse,
    );
    expect(method).toBe("the running lab's pool reconfigured, then restored");
    expect(seen).toEqual({ lab: model.name, vip: '172.31.9.40', handle: 'containerlab' });
    expect(commands, 'commands run on the host (docker, minikube, containerlab)').toEqual([]);
    const writes = requests.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      'PATCH /apis/cilium.io/v2/ciliumloadbalancerippools/anycast-vips',
      'PATCH /apis/cilium.io/v2/ciliumloadbalancerippools/anycast-vips',
      'PATCH /apis/cilium.io/v2/ciliumloadbalancerippools/anycast-vips',
      'PATCH /apis/cilium.io/v2/ciliumloadbalancerippools/anycast-vips',
    ]);
    const blocks = writes.map((r) => (JSON.parse(r.body) as { spec: { blocks: unknown } }).spec.blocks);
    expect(blocks.slice(0, 2)).toEqual([
      [{ start: '172.31.9.40', stop: '172.31.9.50' }],
      [{ start: '172.31.9.40', stop: '172.31.9.50' }],
    ]);
    expect(blocks.slice(2), "restored: the lab's own pool again").toEqual([
      [{ start: '172.30.0.10', stop: '172.30.0.20' }],
      [{ start: '172.30.0.10', stop: '172.30.0.20' }],
    ]);
  });

  it('restores the pool even when the check fails', async () => {
    requests.length = 0;
    const handle = new ContainerlabHandle(model, {
      run: (async () => ({ stdout: '', stderr: '', exitCode: 0 })) as never,
      kubeConfig: kubeConfig(),
    });
    const copy = labCopy();
    copy.edit(
      'fixtures/cilium/lb-ip-pool.yaml',
      /start: (\S+)\n(\s+)stop: (\S+)/,
      'start: 172.31.9.40\n$2stop: 172.31.9.50',
    );
    await expect(
      withChangedPool(handle, copy, async () => Promise.reject(new Error('claim failed')), refuse),
    ).rejects.toThrow('claim failed');
    const last = requests.filter((r) => r.method === 'PATCH').at(-1)!;
    expect((JSON.parse(last.body) as { spec: { blocks: unknown } }).spec.blocks).toEqual([
      { start: '172.30.0.10', stop: '172.30.0.20' },
    ]);
  });
});

describe('changed VIP pool on a provider that runs a second lab (netns)', () => {
  it('builds a second lab under another name from the changed copy, checks it, and removes it', async () => {
    const events: string[] = [];
    const lab = { provider: 'netns', canRunSecondLab: true, model } as unknown as LabHandle;
    const copy = labCopy();
    copy.edit(
      'fixtures/cilium/lb-ip-pool.yaml',
      /start: (\S+)\n(\s+)stop: (\S+)/,
      'start: 172.31.9.40\n$2stop: 172.31.9.50',
    );
    const method = await withChangedPool(lab, copy, async (view) => void events.push(`check ${view.model.name}`), {
      createProvider: async (name, m: LabModel) => {
        events.push(`create ${name} ${m.name}`);
        return { name, down: async () => void events.push(`down ${m.name}`) } as unknown as LabProvider;
      },
      bringUp: async () => {
        events.push('up');
        return { lab: { model: loadLabModel({ root: copy.root }) } as unknown as LabHandle };
      },
      converged: async () => void events.push('converged on the running lab'),
    });
    expect(method).toBe('second lab from a changed copy');
    expect(events).toEqual([
      `create netns ${model.name}-pool`,
      'up',
      `check ${model.name}-pool`,
      `down ${model.name}-pool`,
    ]);
  });
});

describe('a drain advertisement on containerlab: applied, then deleted on restore', () => {
  it('applies the changed advertisements, and restoring deletes the one only the changed model has', async () => {
    requests.length = 0;
    const handle = new ContainerlabHandle(model, {
      run: (async () => ({ stdout: '', stderr: '', exitCode: 0 })) as never,
      kubeConfig: kubeConfig(),
    });
    const copy = labCopy();
    copy.write(
      'fixtures/cilium/cluster01/drain.yaml',
      'apiVersion: cilium.io/v2\nkind: CiliumBGPAdvertisement\nmetadata:\n  name: drain\n  labels: {advertise: bgp}\nspec:\n  advertisements:\n    - advertisementType: Service\n      service: {addresses: [LoadBalancerIP]}\n      selector: {matchLabels: {lbmode: bgp}}\n      attributes: {communities: {wellKnown: [planned-shut]}}\n',
    );
    const { restore } = await handle.reconfigure(loadLabModel({ root: copy.root }), ['CiliumBGPAdvertisement']);
    await restore();
    const writes = requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url.split('?')[0]}`);
    expect(writes).toEqual([
      'PATCH /apis/cilium.io/v2/ciliumbgpadvertisements/anycast-services',
      'PATCH /apis/cilium.io/v2/ciliumbgpadvertisements/drain',
      'PATCH /apis/cilium.io/v2/ciliumbgpadvertisements/anycast-services',
      'PATCH /apis/cilium.io/v2/ciliumbgpadvertisements/anycast-services',
      'PATCH /apis/cilium.io/v2/ciliumbgpadvertisements/anycast-services',
      'DELETE /apis/cilium.io/v2/ciliumbgpadvertisements/drain',
    ]);
  });
});
