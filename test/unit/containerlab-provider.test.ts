/**
 * The containerlab provider at its boundaries, without Docker: the version pins, the
 * ordered plan of commands and API calls (pinned here), the docker IPAM range, and the
 * parsing of CiliumBGPNodeConfig status (a sample that validates against the upstream CRD).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { findSchemas, schemaAjv } from '../../helpers/model/schema-validate.js';
import { notVerified } from '../../helpers/report/not-verified.js';
import { parseNodeConfigStatus } from '../../helpers/providers/containerlab/kube.js';
import {
  CILIUM_CRDS,
  describeWait,
  dockerIpRange,
  downPlan,
  formatPlan,
  realLabProblems,
  upPlan,
  type PlanStep,
  type WaitFor,
} from '../../helpers/providers/containerlab/plan.js';
import { loadVersions, parseVersionsEnv } from '../../helpers/model/version-pins.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const versions = loadVersions(PROJECT_ROOT, {});
const cmd = (s: PlanStep) =>
  s.kind === 'command'
    ? `${
        s.env
          ? Object.entries(s.env)
              .map(([k, v]) => `${k}=${v} `)
              .join('')
          : ''
      }${s.argv.join(' ')}`
    : s.kind === 'k8s'
      ? `k8s[${s.context}] ${s.call}`
      : `wait[${s.context}] ${describeWait(s.until)}`;

describe('versions.env', () => {
  it('holds every pin, each under a Renovate annotation', () => {
    const text = readFileSync(join(PROJECT_ROOT, 'versions.env'), 'utf8');
    const v = parseVersionsEnv(text);
    for (const [k, val] of Object.entries(v))
      expect(text, `${k} is annotated for Renovate`).toMatch(
        new RegExp(`# renovate: datasource=\\S+ depName=\\S+\\n(#.*\\n)*${k}=${val.replace(/\./g, '\\.')}`),
      );
  });
  it('lets the environment override a pin (the nightly matrix)', () => {
    expect(loadVersions(PROJECT_ROOT, { CILIUM_VERSION: '1.19.8' }).CILIUM_VERSION).toBe('1.19.8');
  });
  it('rejects an unknown pin with its line', () => {
    expect(() => parseVersionsEnv('FRR_VERSION=1\nFOO=2\n')).toThrow('versions.env:2: unknown pin FOO');
  });
});

describe('the containerlab plan', () => {
  const up = upPlan(model, versions);
  const lines = up.map(cmd);

  it('is pinned for the default versions (order matters: networks, clusters, Cilium, fabric, manifests, waits)', () => {
    expect(lines.slice(0, 12)).toEqual([
      'docker version --format {{.Server.Version}}',
      'containerlab version',
      'minikube version --short',
      'helm version --short',
      'sudo sysctl -w fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288',
      'docker network create --driver bridge --subnet 192.168.49.0/24 --gateway 192.168.49.1 --ip-range 192.168.49.0/26 -o com.docker.network.bridge.name=br-cluster01 --label created_by.anycast-verify=true cluster01',
      `minikube start -p cluster01 --driver=docker --network=cluster01 --static-ip=192.168.49.2 --cni=false --kubernetes-version=${versions.K8S_VERSION} --cpus=2 --memory=3g --wait=apiserver,system_pods`,
      'docker network create --driver bridge --subnet 192.168.99.0/24 --gateway 192.168.99.1 --ip-range 192.168.99.0/26 -o com.docker.network.bridge.name=br-cluster02 --label created_by.anycast-verify=true cluster02',
      `minikube start -p cluster02 --driver=docker --network=cluster02 --static-ip=192.168.99.2 --cni=false --kubernetes-version=${versions.K8S_VERSION} --cpus=2 --memory=3g --wait=apiserver,system_pods`,
      `helm upgrade --install cilium oci://quay.io/cilium/charts/cilium --version ${versions.CILIUM_VERSION} --kube-context cluster01 --namespace kube-system --set bgpControlPlane.enabled=true --set bgpControlPlane.secretsNamespace.name=kube-system --set ipam.mode=kubernetes --set operator.replicas=1 --set kubeProxyReplacement=false --set cluster.name=cluster01 --wait --timeout 10m`,
      `helm upgrade --install cilium oci://quay.io/cilium/charts/cilium --version ${versions.CILIUM_VERSION} --kube-context cluster02 --namespace kube-system --set bgpControlPlane.enabled=true --set bgpControlPlane.secretsNamespace.name=kube-system --set ipam.mode=kubernetes --set operator.replicas=1 --set kubeProxyReplacement=false --set cluster.name=cluster02 --wait --timeout 10m`,
      `FRR_VERSION=${versions.FRR_VERSION} sudo -E containerlab deploy -t containerlab/anycast.clab.yml --reconfigure`,
    ]);
  });

  it('applies every fixture of each cluster, in dependency order, after its CRDs are registered', () => {
    for (const c of Object.values(model.clusters)) {
      const ctx = c.nodes[0]!;
      const mine = up.filter((s) => 'context' in s && s.context === ctx);
      expect(mine[0]!.kind === 'wait' && mine[0]!.until.what === 'crds-established').toBe(true);
      const applied = mine.filter((s) => s.kind === 'k8s').map((s) => (s.kind === 'k8s' ? s.title : ''));
      expect(applied).toEqual(
        c.manifests.map((m) => `apply ${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`),
      );
      expect(applied.indexOf('apply Namespace anycast-echo')).toBeLessThan(
        applied.indexOf('apply Deployment anycast-echo/echo'),
      );
      expect(mine.slice(-2).map(cmd)).toEqual([
        `wait[${ctx}] Service anycast-echo/echo status.loadBalancer.ingress[0].ip == 172.30.0.10`,
        `wait[${ctx}] CiliumBGPNodeConfig ${ctx} status: every peer peeringState == established`,
      ]);
    }
  });

  it('says what each wait step waits for as data, one step per CRD set, VIP and node', () => {
    const waits = up.flatMap((s) => (s.kind === 'wait' ? [{ context: s.context, until: s.until }] : []));
    expect(waits).toEqual(
      ['cluster01', 'cluster02'].flatMap((ctx) => [
        { context: ctx, until: { what: 'crds-established', crds: CILIUM_CRDS } },
        {
          context: ctx,
          until: { what: 'service-ingress-ip', namespace: 'anycast-echo', name: 'echo', ip: '172.30.0.10' },
        },
        { context: ctx, until: { what: 'bgp-peers-established', node: ctx } },
      ]),
    );
  });

  it('prints each kind of wait as the sentence naming the field it reads', () => {
    const wait = (until: WaitFor): PlanStep => ({
      kind: 'wait',
      title: 'a wait',
      context: 'cluster01',
      until,
      budgetSeconds: 120,
    });
    expect(
      formatPlan([
        wait({ what: 'crds-established', crds: ['a.cilium.io', 'b.cilium.io'] }),
        wait({ what: 'service-ingress-ip', namespace: 'anycast-echo', name: 'echo', ip: '172.30.0.10' }),
        wait({ what: 'bgp-peers-established', node: 'cluster02' }),
      ]),
    ).toBe(
      [
        ' 1. a wait\n      wait[cluster01] ≤ 120 s: CRDs a.cilium.io, b.cilium.io have condition Established=True',
        ' 2. a wait\n      wait[cluster01] ≤ 120 s: Service anycast-echo/echo status.loadBalancer.ingress[0].ip == 172.30.0.10',
        ' 3. a wait\n      wait[cluster01] ≤ 120 s: CiliumBGPNodeConfig cluster02 status: every peer peeringState == established',
      ].join('\n'),
    );
  });

  it('tears down containerlab before minikube, and removes the networks last', () => {
    expect(downPlan(model).map(cmd)).toEqual([
      'sudo -E containerlab destroy -t containerlab/anycast.clab.yml --cleanup',
      'minikube delete -p cluster01',
      'minikube delete -p cluster02',
      'docker network rm -f cluster01',
      'docker network rm -f cluster02',
    ]);
  });

  it('follows the files: a changed node address changes the network and minikube flags', () => {
    const c = labCopy();
    c.edit(
      'containerlab/anycast.clab.yml',
      'anycast-verify/node-ip: 192.168.49.2/24',
      'anycast-verify/node-ip: 192.168.49.130/24',
    );
    c.edit('containerlab/configs/leaf2.frr.conf', /neighbor 192\.168\.49\.2 /g, 'neighbor 192.168.49.130 ');
    const m = loadLabModel({ root: c.root });
    const steps = upPlan(m, versions).map(cmd);
    expect(steps.find((s) => s.includes('--static-ip=192.168.49.130'))).toBeDefined();
    expect(steps.find((s) => s.includes('--ip-range 192.168.49.128/25'))).toBeDefined();
  });

  it("keeps docker's address range off the leaves' addresses", () => {
    expect(dockerIpRange('192.168.49.2/24', ['192.168.49.101'])).toBe('192.168.49.0/26');
    expect(dockerIpRange('192.168.49.2/24', ['192.168.49.3'])).toBe('192.168.49.2/32');
    expect(() => dockerIpRange('192.168.49.2/24', ['192.168.49.2'])).toThrow(/no docker IP range/);
  });

  it("finds no conflict between the fabric and minikube's pod CIDR in the seed lab", () => {
    expect(realLabProblems(model)).toEqual([]);
  });
});

describe('CiliumBGPNodeConfig status', () => {
  const sample = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'test/unit/data/ciliumbgpnodeconfig-cluster01.json'), 'utf8'),
  );

  it('the sample conforms to the upstream CRD schema', (ctx) => {
    const schemas = findSchemas(PROJECT_ROOT);
    if (!schemas.dir) notVerified(ctx, `no upstream schemas: ${schemas.why}`);
    const crd = parseYaml(readFileSync(join(schemas.dir, 'cilium', 'ciliumbgpnodeconfigs.yaml'), 'utf8')) as {
      spec: { versions: { name: string; schema: { openAPIV3Schema: object } }[] };
    };
    const validate = schemaAjv().compile(crd.spec.versions.find((v) => v.name === 'v2')!.schema.openAPIV3Schema);
    expect(validate(sample), JSON.stringify(validate.errors)).toBe(true);
  });

  it('reads into the speaker view the suites compare', () => {
    expect(parseNodeConfigStatus(sample)).toEqual([
      {
        peerAddress: '192.168.49.101',
        peerASN: 65002,
        localASN: 65101,
        state: 'established',
        appliedHoldSeconds: 9,
        appliedKeepaliveSeconds: 3,
        advertised: 1,
        received: 2,
      },
    ]);
  });
});
