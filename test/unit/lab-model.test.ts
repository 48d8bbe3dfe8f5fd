import { describe, expect, it } from 'vitest';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { LabConfigError } from '../../helpers/model/errors.js';
import { expectedVipRoutes } from '../../helpers/model/expected-routes.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

function problemsOf(root: string): string[] {
  try {
    loadLabModel({ root });
  } catch (err) {
    if (err instanceof LabConfigError)
      return err.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.field}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('the seed lab model', () => {
  const model = loadLabModel({ root: PROJECT_ROOT });

  it('reads the routers, clients and Kubernetes nodes from the topology', () => {
    expect(Object.keys(model.routers).sort()).toEqual(['leaf1', 'leaf2', 'leaf3', 'spine']);
    expect(Object.keys(model.hosts).sort()).toEqual(['client', 'client02']);
    expect(Object.values(model.k8sNodes).map((n) => [n.name, n.cluster, n.ip])).toEqual([
      ['cluster01', 'cluster01', '192.168.49.2'],
      ['cluster02', 'cluster02', '192.168.99.2'],
    ]);
  });

  it("resolves each node's speaker from the Cilium CRDs", () => {
    const sp = model.clusters.cluster01!.speakers.cluster01!;
    expect(sp).toMatchObject({ localASN: 65101, routerId: '192.168.49.2' });
    expect(sp.peers).toEqual([
      expect.objectContaining({
        address: '192.168.49.101',
        asn: 65002,
        holdSeconds: 9,
        keepaliveSeconds: 3,
        connectRetrySeconds: 5,
        gracefulRestart: { restartTimeSeconds: 15 },
        password: expect.any(String),
        advertise: [
          { prefix: '172.30.0.10/32', service: 'anycast-echo/echo', attributes: { communities: [], large: [] } },
        ],
      }),
    ]);
  });

  it("allocates the same VIP in both clusters (the pool's lowest address)", () => {
    expect(Object.values(model.clusters).map((c) => c.services[0]?.vip)).toEqual(['172.30.0.10', '172.30.0.10']);
  });

  it('expects ECMP over both clusters at the spine and one path elsewhere', () => {
    const byRouter = Object.fromEntries(expectedVipRoutes(model).map((e) => [e.router, e]));
    expect(byRouter.spine!.installed).toBe(2);
    expect(byRouter.spine!.candidates.map((c) => [c.nextHop, c.asPaths])).toEqual([
      ['10.0.2.11', ['65002 65101']],
      ['10.0.3.11', ['65003 65102']],
    ]);
    expect(byRouter.leaf1!.installed).toBe(1);
    expect(byRouter.leaf2!.candidates[0]!.nextHop).toBe('192.168.49.2');
  });

  it("reads the fabric hash policy from the routers' sysctls", () => {
    expect(model.hashing).toEqual({ policy: 3, fields: 0x37 });
  });
});

describe('mutated copies of the lab files', () => {
  it('without multipath-relax the spine is expected to install a single path', () => {
    const c = labCopy();
    c.edit('containerlab/configs/spine.frr.conf', ' bgp bestpath as-path multipath-relax\n', '');
    const spine = expectedVipRoutes(loadLabModel({ root: c.root })).find((e) => e.router === 'spine')!;
    expect(spine.multipath).toBe(false);
    expect(spine.installed).toBe(1);
  });

  it('a different pool moves the VIP in both clusters consistently', () => {
    const c = labCopy();
    c.edit(
      'fixtures/cilium/lb-ip-pool.yaml',
      /start: 172\.30\.0\.10\n(\s+)stop: 172\.30\.0\.20/,
      'start: 172.31.5.7\n$1stop: 172.31.5.9',
    );
    const m = loadLabModel({ root: c.root });
    expect(Object.values(m.clusters).map((x) => x.services[0]?.vip)).toEqual(['172.31.5.7', '172.31.5.7']);
    expect(expectedVipRoutes(m).every((e) => e.vip === '172.31.5.7')).toBe(true);
  });

  it('rejects a leaf MD5 password that differs from the Cilium auth Secret, naming both', () => {
    const c = labCopy();
    c.edit('containerlab/configs/leaf2.frr.conf', 'password anycast-lab-md5', 'password wrong-secret');
    expect(problemsOf(c.root)).toEqual([
      expect.stringMatching(
        /^containerlab\/configs\/leaf2\.frr\.conf:\d+: neighbor 192\.168\.49\.2 password: .*differs from Secret kube-system\/bgp-auth-secret/,
      ),
    ]);
  });

  it('rejects an MD5 password on the leaf only', () => {
    const c = labCopy();
    c.edit('fixtures/cilium/bgp-peer-config.yaml', '  authSecretRef: bgp-auth-secret\n', '');
    const p = problemsOf(c.root);
    expect(p.length).toBe(2);
    expect(p.every((x) => /MD5 on one side only/.test(x))).toBe(true);
  });

  it("rejects a peerASN that does not match the leaf's router bgp", () => {
    const c = labCopy();
    c.edit('fixtures/cilium/cluster01/bgp-cluster-config.yaml', 'peerASN: 65002', 'peerASN: 65009');
    const line =
      c
        .read('fixtures/cilium/cluster01/bgp-cluster-config.yaml')
        .split('\n')
        .findIndex((l) => l.includes('peerASN')) + 1;
    expect(problemsOf(c.root)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^fixtures/cilium/cluster01/bgp-cluster-config\\.yaml:${line}: spec\\.bgpInstances\\[0\\]\\.peers\\[0\\]\\.peerASN: 65009 does not match leaf2's "router bgp 65002"`,
        ),
      ),
    ]);
  });

  it("rejects a leaf remote-as that does not match the cluster's localASN", () => {
    const c = labCopy();
    c.edit('containerlab/configs/leaf3.frr.conf', 'remote-as 65102', 'remote-as 65103');
    expect(problemsOf(c.root)).toEqual([
      expect.stringMatching(
        /leaf3\.frr\.conf:\d+: neighbor 192\.168\.99\.2 remote-as: 65103 does not match cluster cluster02's localASN 65102/,
      ),
    ]);
  });

  it('rejects malformed YAML with file and line', () => {
    const c = labCopy();
    c.edit('fixtures/cilium/bgp-peer-config.yaml', 'holdTimeSeconds: 9', 'holdTimeSeconds: [9');
    expect(problemsOf(c.root)[0]).toMatch(/^fixtures\/cilium\/bgp-peer-config\.yaml:\d+: \(syntax\): malformed YAML/);
  });

  it('rejects a misspelled CRD field with its path and line', () => {
    const c = labCopy();
    c.edit('fixtures/cilium/bgp-peer-config.yaml', 'keepAliveTimeSeconds', 'keepaliveTimeSeconds');
    const line =
      c
        .read('fixtures/cilium/bgp-peer-config.yaml')
        .split('\n')
        .findIndex((l) => l.includes('keepaliveTimeSeconds')) + 1;
    const timers =
      c
        .read('fixtures/cilium/bgp-peer-config.yaml')
        .split('\n')
        .findIndex((l) => l.includes('timers:')) + 1;
    expect(problemsOf(c.root)).toEqual([
      `fixtures/cilium/bgp-peer-config.yaml:${line}: spec.timers.keepaliveTimeSeconds: unknown field (misspelled, or not supported by anycast-verify)`,
      // The misspelt field leaves keepAliveTimeSeconds unset: Kubernetes would default it to 30, above hold 9.
      `fixtures/cilium/bgp-peer-config.yaml:${timers}: spec.timers.keepAliveTimeSeconds: unset, so Kubernetes applies the CRD default 30, which exceeds holdTimeSeconds 9 (the CRD requires keepAliveTimeSeconds <= holdTimeSeconds)`,
    ]);
  });

  it('rejects a timer outside the CRD range', () => {
    const c = labCopy();
    c.edit('fixtures/cilium/bgp-peer-config.yaml', 'holdTimeSeconds: 9', 'holdTimeSeconds: 2');
    expect(problemsOf(c.root).join('\n')).toMatch(/bgp-peer-config\.yaml:\d+: spec\.timers\.holdTimeSeconds: .*>=3/);
  });

  it('says "not emulated" for a Cilium feature the netns lab cannot reproduce', () => {
    const c = labCopy();
    c.edit(
      'fixtures/cilium/bgp-advertisement.yaml',
      '          - LoadBalancerIP',
      '          - LoadBalancerIP\n        aggregationLengthIPv4: 24',
    );
    expect(problemsOf(c.root).join('\n')).toMatch(
      /bgp-advertisement\.yaml:\d+: spec\.advertisements\[0\]\.service: aggregation is not emulated/,
    );
  });

  it("carries an advertisement's communities and local preference to the node's path; a malformed one is refused by line", () => {
    const c = labCopy();
    c.edit(
      'fixtures/cilium/bgp-advertisement.yaml',
      '      selector:',
      '      attributes:\n        communities:\n          standard: ["65000:100", "4259840100"]\n          wellKnown: [planned-shut]\n          large: ["64512:1:2"]\n        localPreference: 200\n      selector:',
    );
    const m = loadLabModel({ root: c.root });
    expect(m.clusters.cluster01!.speakers.cluster01!.peers[0]!.advertise[0]!.attributes).toEqual({
      communities: ['65000:100', '65535:0'],
      large: ['64512:1:2'],
      localPreference: 200,
    });
    c.edit('fixtures/cilium/bgp-advertisement.yaml', '"65000:100"', '"65536:100"');
    expect(problemsOf(c.root).join('\n')).toMatch(
      /bgp-advertisement\.yaml:\d+: spec\.advertisements\[0\]\.attributes\.communities\.standard\[0\]: a standard community is AA:NN/,
    );
  });

  it('rejects a VIP pool that overlaps a lab subnet', () => {
    const c = labCopy();
    c.edit(
      'fixtures/cilium/lb-ip-pool.yaml',
      /start: 172\.30\.0\.10\n(\s+)stop: 172\.30\.0\.20/,
      'start: 192.168.100.200\n$1stop: 192.168.100.210',
    );
    expect(problemsOf(c.root).join('\n')).toMatch(/overlaps client:eth1's subnet 192\.168\.100\.0\/24/);
  });

  it('rejects a link to a node that does not exist', () => {
    const c = labCopy();
    c.edit('containerlab/anycast.clab.yml', '["spine:eth3", "leaf3:eth1"]', '["spine:eth3", "leaf4:eth1"]');
    expect(problemsOf(c.root).join('\n')).toMatch(
      /containerlab\/anycast\.clab\.yml:\d+: topology\.links: link endpoint "leaf4:eth1" names a node that does not exist/,
    );
  });
});
