/**
 * Every BGP session is checked from both ends: the README's "How to add a cluster" recipe
 * followed with one side of the new leaf's session to the spine left out is rejected by
 * `check`, naming both files and lines, and `intent --init` refuses to write it down.
 * Timers the two ends offer differently are a warning, not an error (FRR negotiates the smaller).
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { formatProblem } from '../../helpers/model/errors.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { modelWarnings } from '../../helpers/model/warnings.js';
import { CLI } from '../support/host.js';
import { rejectionsOf } from '../support/rejections.js';
import { labCopy, type LabCopy } from '../support/lab-copy.js';

const TOPO = 'containerlab/anycast.clab.yml';
const SPINE = 'containerlab/configs/spine.frr.conf';
const LEAF2 = 'containerlab/configs/leaf2.frr.conf';
const LEAF4 = 'containerlab/configs/leaf4.frr.conf';

const lineOf = (c: LabCopy, file: string, text: string) =>
  c
    .read(file)
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

/**
 * The README's recipe for a third cluster (cluster03 behind leaf4, AS65004, nodes AS65103 on
 * 192.168.98.0/24), made from cluster02's files; `leaveOut` drops one side of leaf4 ↔ spine.
 */
function addCluster(c: LabCopy, leaveOut?: 'spine-neighbour' | 'leaf-neighbour'): void {
  // 1. A leaf with its frr.conf, linked to the spine; the neighbour in the spine's frr.conf.
  let leaf4 = c
    .read('containerlab/configs/leaf3.frr.conf')
    .replaceAll('leaf3', 'leaf4')
    .replaceAll('cluster02', 'cluster03')
    .replaceAll('10.0.3.', '10.0.4.')
    .replaceAll('192.168.99.', '192.168.98.')
    .replaceAll('65003', '65004')
    .replaceAll('65102', '65103');
  if (leaveOut === 'leaf-neighbour')
    leaf4 = leaf4.replace(' neighbor 10.0.4.1 remote-as 64999\n neighbor 10.0.4.1 description spine\n', '');
  c.write(LEAF4, leaf4);
  c.edit(
    TOPO,
    '    # The minikube networks',
    [
      '    leaf4:',
      '      group: fabric',
      '      binds:',
      '        - configs/leaf4.frr.conf:/etc/frr/frr.conf',
      '        - configs/daemons:/etc/frr/daemons',
      '        - configs/vtysh.conf:/etc/frr/vtysh.conf',
      '      sysctls: *fabric-sysctls',
      '',
      '    # The minikube networks',
    ].join('\n'),
  );
  c.edit(
    SPINE,
    'router bgp 64999',
    'interface eth4\n description leaf4\n ip address 10.0.4.1/24\nexit\n!\nrouter bgp 64999',
  );
  if (leaveOut !== 'spine-neighbour')
    c.edit(
      SPINE,
      ' neighbor 10.0.3.11 description leaf3\n',
      ' neighbor 10.0.3.11 description leaf3\n neighbor 10.0.4.11 remote-as 65004\n neighbor 10.0.4.11 description leaf4\n',
    );
  // 2. The cluster network's bridge, the leaf's link to it, and the cluster's node.
  c.edit(
    TOPO,
    '  links:\n',
    [
      '    br-cluster03:',
      '      kind: bridge',
      '    cluster03:',
      '      kind: ext-container',
      '      labels:',
      '        anycast-verify/cluster: cluster03',
      '        anycast-verify/node-ip: 192.168.98.2/24',
      '        anycast-verify/bridge: br-cluster03',
      '      exec:',
      '        - ip route replace 192.168.100.0/24 via 192.168.98.101',
      '        - ip route replace 192.168.200.0/24 via 192.168.98.101',
      '',
      '  links:',
      '    - endpoints: ["spine:eth4", "leaf4:eth1"]',
      '    - endpoints: ["leaf4:eth2", "br-cluster03:leaf4-eth2"]',
      '',
    ].join('\n'),
  );
  // 3. (The node as leaf4's passive neighbour with the cluster's ASN and the MD5 password came with leaf3's file.)
  // 4. The cluster's CiliumBGPClusterConfig and identity.
  c.write(
    'fixtures/cilium/cluster03/bgp-cluster-config.yaml',
    c
      .read('fixtures/cilium/cluster02/bgp-cluster-config.yaml')
      .replaceAll('cluster02', 'cluster03')
      .replaceAll('leaf3', 'leaf4')
      .replaceAll('65102', '65103')
      .replaceAll('65003', '65004')
      .replaceAll('192.168.99.', '192.168.98.'),
  );
  c.write(
    'fixtures/workloads/cluster03/cluster-identity.yaml',
    c.read('fixtures/workloads/cluster02/cluster-identity.yaml').replaceAll('cluster02', 'cluster03'),
  );
}

const intentInit = (c: LabCopy) =>
  execa(process.execPath, [CLI, '-C', c.root, 'intent', '--init', '--force'], { reject: false });

describe('"How to add a cluster" with one side of the new session left out', () => {
  it('followed in full, the lab loads and `intent --init` declares the new sessions', async () => {
    const c = labCopy();
    addCluster(c);
    expect(rejectionsOf(c.root)).toEqual([]);
    const r = await intentInit(c);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(c.read('intent.yaml')).toContain('- {between: [spine, leaf4], asns: [64999, 65004], hold: 9}');
    expect(c.read('intent.yaml')).toContain('clusters: [cluster01, cluster02, cluster03]');
  });

  it("the spine's neighbour left out: check names the spine's file and leaf4's line; intent --init refuses (exit 2)", async () => {
    const c = labCopy();
    addCluster(c, 'spine-neighbour');
    const want = `${SPINE}:${lineOf(c, SPINE, 'router bgp')}: neighbor 10.0.4.11: spine has no neighbor 10.0.4.11 (leaf4's eth1), but leaf4 peers with spine at ${LEAF4}:${lineOf(c, LEAF4, 'neighbor 10.0.4.1 remote-as')} ("neighbor 10.0.4.1 remote-as 64999"): the session is configured on one side only and never comes up`;
    expect(rejectionsOf(c.root)).toEqual([want]);
    const before = c.read('intent.yaml');
    const r = await intentInit(c);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(want);
    expect(c.read('intent.yaml')).toBe(before);
  });

  it("the leaf's neighbour left out: check names leaf4's file and the spine's line", () => {
    const c = labCopy();
    addCluster(c, 'leaf-neighbour');
    expect(rejectionsOf(c.root)).toEqual([
      `${LEAF4}:${lineOf(c, LEAF4, 'router bgp')}: neighbor 10.0.4.1: leaf4 has no neighbor 10.0.4.1 (spine's eth4), but spine peers with leaf4 at ${SPINE}:${lineOf(c, SPINE, 'neighbor 10.0.4.11 remote-as')} ("neighbor 10.0.4.11 remote-as 65004"): the session is configured on one side only and never comes up`,
    ]);
  });
});

describe('timers the two ends offer differently', () => {
  it('the seed warns of none', () => {
    const c = labCopy();
    expect(modelWarnings(loadLabModel({ root: c.root })).map(formatProblem)).toEqual([]);
  });

  it('are a warning naming both ends, with the hold time FRR negotiates (the smaller)', () => {
    const c = labCopy();
    c.edit(LEAF2, 'timers bgp 3 9', 'timers bgp 10 30');
    c.edit(
      SPINE,
      ' neighbor 10.0.2.11 description leaf2\n',
      ' neighbor 10.0.2.11 description leaf2\n neighbor 10.0.2.11 timers 5 15\n',
    );
    expect(rejectionsOf(c.root)).toEqual([]);
    expect(modelWarnings(loadLabModel({ root: c.root })).map(formatProblem)).toEqual([
      `${LEAF2}:${lineOf(c, LEAF2, 'timers bgp')}: timers bgp: leaf2 offers spine hold 30 s, keepalive 10 s ("timers bgp"); spine offers hold 15 s, keepalive 5 s (${SPINE}:${lineOf(c, SPINE, 'neighbor 10.0.2.11 timers')}): FRR accepts the difference and the session runs on hold 15 s, the smaller (declare \`hold\` in intent.yaml to pin it)`,
      `${LEAF2}:${lineOf(c, LEAF2, 'timers bgp')}: timers bgp: leaf2 offers cluster01 hold 30 s, keepalive 10 s ("timers bgp"); cluster01 offers hold 9 s, keepalive 3 s (fixtures/cilium/bgp-peer-config.yaml): FRR accepts the difference and the session runs on hold 9 s, the smaller (declare \`hold\` in intent.yaml to pin it)`,
    ]);
  });
});
