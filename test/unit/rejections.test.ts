/**
 * Every kind of bad input `check` (and `up`, and `npm test`) rejects before anything starts,
 * each asserted to name the file, the field and, where the parser gives one, the line.
 * Each case mutates a throw-away copy of the real lab files.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectionsOf } from '../support/rejections.js';
import { labCopy, type LabCopy } from '../support/lab-copy.js';

const TOPO = 'containerlab/anycast.clab.yml';
const PEER = 'fixtures/cilium/bgp-peer-config.yaml';
const CC1 = 'fixtures/cilium/cluster01/bgp-cluster-config.yaml';
const ADV = 'fixtures/cilium/bgp-advertisement.yaml';
const POOL = 'fixtures/cilium/lb-ip-pool.yaml';
const ECHO = 'fixtures/workloads/echo.yaml';
const LEAF2 = 'containerlab/configs/leaf2.frr.conf';
const SECRET = 'fixtures/cilium/bgp-auth-secret.yaml';
const DAEMONS = 'containerlab/configs/daemons';
const SPINE = 'containerlab/configs/spine.frr.conf';
const LEAF1 = 'containerlab/configs/leaf1.frr.conf';
const LEAF3 = 'containerlab/configs/leaf3.frr.conf';

/** A "billion laughs" mapping: nine levels of nine aliases each (9^9 nodes once expanded). */
const LAUGHS = [
  'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
];

const problems = (c: LabCopy): string[] => rejectionsOf(c.root);

/** The 1-based line of the first line of `file` in the copy that contains `text`. */
const lineOf = (c: LabCopy, file: string, text: string) =>
  c
    .read(file)
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

const cases: {
  name: string;
  mutate: (c: LabCopy) => void;
  expect: (c: LabCopy) => RegExp | string;
  notExpect?: RegExp;
}[] = [
  {
    name: 'an unknown field in the topology',
    mutate: (c) =>
      c.edit(
        TOPO,
        '      group: hosts\n      exec:\n        - ip addr add 192.168.100.11/24',
        '      group: hosts\n      imgae: alpine\n      exec:\n        - ip addr add 192.168.100.11/24',
      ),
    expect: (c) =>
      `${TOPO}:${lineOf(c, TOPO, 'imgae')}: topology.nodes.client.imgae: unknown field (misspelled, or not supported by anycast-verify)`,
  },
  {
    name: 'an ASN outside the CRD range',
    mutate: (c) => c.edit(CC1, 'localASN: 65101', 'localASN: 0'),
    expect: (c) => new RegExp(`^${CC1}:${lineOf(c, CC1, 'localASN')}: spec\\.bgpInstances\\[0\\]\\.localASN: .*>=1`),
  },
  {
    name: 'keepalive above hold in the PeerConfig',
    mutate: (c) => c.edit(PEER, 'keepAliveTimeSeconds: 3', 'keepAliveTimeSeconds: 10'),
    expect: (c) =>
      `${PEER}:${lineOf(c, PEER, 'keepAliveTimeSeconds')}: spec.timers.keepAliveTimeSeconds: keepAliveTimeSeconds must not exceed holdTimeSeconds`,
  },
  {
    name: 'keepalive above hold on a leaf',
    mutate: (c) => c.edit(LEAF2, 'timers bgp 3 9', 'timers bgp 10 9'),
    expect: (c) => `${LEAF2}:${lineOf(c, LEAF2, 'router bgp')}: timers bgp: keepalive 10 s exceeds hold 9 s`,
  },
  {
    name: 'a Cilium kind that is not emulated',
    mutate: (c) =>
      c.write(
        'fixtures/cilium/override.yaml',
        'apiVersion: cilium.io/v2\nkind: CiliumBGPNodeConfigOverride\nmetadata:\n  name: cluster01\nspec: {}\n',
      ),
    expect: () =>
      'fixtures/cilium/override.yaml:2: kind: CiliumBGPNodeConfigOverride is not emulated by anycast-verify',
  },
  {
    name: 'a PodCIDR advertisement (not emulated)',
    mutate: (c) =>
      c.edit(
        ADV,
        '    - advertisementType: Service',
        '    - advertisementType: PodCIDR\n    - advertisementType: Service',
      ),
    expect: (c) =>
      `${ADV}:${lineOf(c, ADV, 'PodCIDR')}: spec.advertisements[0].advertisementType: PodCIDR advertisements are not emulated (only Service)`,
  },
  {
    name: 'a listening Cilium speaker (not emulated)',
    mutate: (c) => c.edit(CC1, '      localASN: 65101', '      localASN: 65101\n      localPort: 179'),
    expect: (c) =>
      `${CC1}:${lineOf(c, CC1, 'localPort')}: spec.bgpInstances[0].localPort: a listening Cilium speaker is not emulated (Cilium dials out only by default)`,
  },
  {
    name: 'a peerAddress that is no router of the topology',
    mutate: (c) => c.edit(CC1, 'peerAddress: 192.168.49.101', 'peerAddress: 192.168.49.102'),
    expect: (c) =>
      `${CC1}:${lineOf(c, CC1, 'peerAddress')}: spec.bgpInstances[0].peers[0].peerAddress: 192.168.49.102 is not an address of any FRR router in the topology`,
  },
  {
    name: 'an MD5 password on the leaf only',
    mutate: (c) => c.edit(PEER, '  authSecretRef: bgp-auth-secret\n', ''),
    expect: (c) =>
      new RegExp(
        `^${LEAF2}:${lineOf(c, LEAF2, 'neighbor 192.168.49.2 remote-as')}: neighbor 192\\.168\\.49\\.2 password: leaf2 sets a password for 192\\.168\\.49\\.2, but Cilium has none .*MD5 on one side only`,
      ),
  },
  {
    name: 'an MD5 password on the Cilium side only',
    mutate: (c) => c.edit(LEAF2, ' neighbor 192.168.49.2 password anycast-lab-md5\n', ''),
    expect: (c) =>
      new RegExp(
        `^${LEAF2}:${lineOf(c, LEAF2, 'neighbor 192.168.49.2 remote-as')}: neighbor 192\\.168\\.49\\.2 password: leaf2 has no password for 192\\.168\\.49\\.2, but Cilium uses one \\(Secret kube-system/bgp-auth-secret \\(${SECRET}:${lineOf(c, SECRET, 'password:')}\\)\\): MD5 on one side only`,
      ),
  },
  {
    name: 'a duplicate address',
    mutate: (c) => c.edit(TOPO, 'ip addr add 192.168.200.22/24 dev eth1', 'ip addr add 192.168.200.1/24 dev eth1'),
    expect: () =>
      new RegExp(
        `^${TOPO}:\\d+: topology\\.nodes\\.client02\\.exec: address 192\\.168\\.200\\.1 is also configured on leaf1:eth2`,
      ),
  },
  {
    name: 'a Service no pool can serve',
    mutate: (c) =>
      c.edit(
        POOL,
        /serviceSelector:\n(\s+)matchLabels:\n(\s+)lbmode: bgp/,
        'serviceSelector:\n$1matchLabels:\n$2lbmode: l2',
      ),
    expect: () =>
      new RegExp(
        `^${ECHO}:\\d+: metadata\\.labels: Service anycast-echo/echo gets no LoadBalancer IP in cluster cluster01: no CiliumLoadBalancerIPPool selects this Service`,
      ),
  },
  {
    name: 'an advertisement selecting no Service',
    mutate: (c) =>
      c.edit(
        ADV,
        /selector:\n(\s+)matchLabels:\n(\s+)lbmode: bgp/,
        'selector:\n$1matchLabels:\n$2lbmode: nothing-has-this',
      ),
    expect: (c) =>
      `${ADV}:${lineOf(c, ADV, 'selector:')}: spec.advertisements[0].selector: selects no Service in cluster cluster01`,
  },
  {
    name: 'a PeerConfig family selecting no advertisement',
    mutate: (c) => c.edit(PEER, 'advertise: bgp', 'advertise: other'),
    expect: (c) =>
      `${PEER}:${lineOf(c, PEER, 'advertisements:')}: spec.families[0].advertisements: selects no CiliumBGPAdvertisement in cluster cluster01 (they are selected by their metadata.labels)`,
  },
  {
    name: 'a fixtures folder for a cluster the topology does not have',
    mutate: (c) =>
      c.write('fixtures/cilium/cluster03/x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'),
    expect: () =>
      'fixtures/cilium/cluster03: (folder): "cluster03" is not a cluster of the topology (clusters: cluster01, cluster02)',
  },
  {
    name: 'an exec line the netns provider cannot reproduce',
    mutate: (c) =>
      c.edit(
        TOPO,
        'ip route replace default via 192.168.100.1 dev eth1',
        'ip route replace default via 192.168.100.1 dev eth1 metric 10',
      ),
    expect: () =>
      new RegExp(
        `^${TOPO}:\\d+: topology\\.nodes\\.client\\.exec\\[1\\]: "ip route replace default via 192\\.168\\.100\\.1 dev eth1 metric 10": route option "metric" is not emulated`,
      ),
  },
  {
    name: 'a pool block whose stop has an octet above 255',
    mutate: (c) => c.edit(POOL, 'stop: 172.30.0.20', 'stop: 172.30.0.256'),
    expect: (c) =>
      `${POOL}:${lineOf(c, POOL, 'stop:')}: spec.blocks[0].stop: "172.30.0.256" is not an IPv4 address (octet 256 is above 255)`,
  },
  {
    name: 'a pool block whose start has a letter O for a zero',
    mutate: (c) => c.edit(POOL, 'start: 172.30.0.10', 'start: 172.30.0.1O'),
    expect: (c) =>
      `${POOL}:${lineOf(c, POOL, 'start:')}: spec.blocks[0].start: "172.30.0.1O" is not an IPv4 address ("1O" is not a decimal number)`,
  },
  {
    name: 'a pool block with a /33 cidr',
    mutate: (c) => c.edit(POOL, /- start: 172\.30\.0\.10\n\s+stop: 172\.30\.0\.20/, '- cidr: 172.30.0.0/33'),
    expect: (c) =>
      `${POOL}:${lineOf(c, POOL, 'cidr:')}: spec.blocks[0].cidr: "172.30.0.0/33" is not an IPv4 CIDR (prefix length 33 is above 32)`,
  },
  {
    name: 'a YAML alias bomb (billion laughs) in a fixture',
    mutate: (c) =>
      c.write(
        'fixtures/workloads/laughs.yaml',
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: laughs\n  namespace: anycast-echo\ndata:\n${LAUGHS.map((l) => `  ${l}`).join('\n')}\n`,
      ),
    expect: () =>
      /^fixtures\/workloads\/laughs\.yaml:10: data\.d\[0\]: YAML aliases expand beyond the limit of 100 .*billion laughs/,
  },
  {
    name: 'a YAML alias bomb (billion laughs) in the topology',
    mutate: (c) => c.write(TOPO, `${c.read(TOPO)}\n# laughs\nx-laughs:\n${LAUGHS.map((l) => `  ${l}`).join('\n')}\n`),
    expect: (c) =>
      new RegExp(
        `^${TOPO}:${lineOf(c, TOPO, 'd: &d')}: x-laughs\\.d\\[0\\]: YAML aliases expand beyond the limit of 100`,
      ),
  },
  {
    name: "a pool overlapping a fabric subnet (names the pool's file and line and the FRR file it overlaps)",
    mutate: (c) => c.edit(POOL, /- start: 172\.30\.0\.10\n\s+stop: 172\.30\.0\.20/, '- cidr: 192.168.49.0/28'),
    expect: (c) =>
      `${POOL}:${lineOf(c, POOL, 'cidr:')}: spec.blocks[0].cidr: range 192.168.49.0-192.168.49.15 overlaps leaf2:eth2's subnet 192.168.49.0/24 (${LEAF2}:${lineOf(c, LEAF2, 'interface eth2')})`,
    notExpect: /^fixtures: /,
  },
  {
    name: 'a Secret whose data is not base64',
    mutate: (c) => c.edit(SECRET, 'stringData:\n  password: anycast-lab-md5', 'data:\n  password: anycast-lab-md5!'),
    expect: (c) =>
      `${SECRET}:${lineOf(c, SECRET, 'password:')}: data.password: not valid base64 (Kubernetes decodes data values as standard base64; put plain text under stringData)`,
    notExpect: /differs|no Secret/,
  },
  {
    name: 'a Secret password with a trailing newline (the difference is shown, not the values)',
    mutate: (c) =>
      c.edit(
        SECRET,
        'stringData:\n  password: anycast-lab-md5',
        `data:\n  password: ${Buffer.from('anycast-lab-md5\n').toString('base64')}`,
      ),
    expect: (c) =>
      `${LEAF2}:${lineOf(c, LEAF2, 'neighbor 192.168.49.2 remote-as')}: neighbor 192.168.49.2 password: leaf2's password for 192.168.49.2 differs from Secret kube-system/bgp-auth-secret (${SECRET}:${lineOf(c, SECRET, 'password:')}) only in whitespace: trailing "" (leaf2) vs "\\n" (the Secret)`,
    notExpect: /anycast-lab-md5/,
  },
  {
    name: 'a password that differs in more than whitespace (neither value shown)',
    mutate: (c) =>
      c.edit(LEAF2, 'neighbor 192.168.49.2 password anycast-lab-md5', 'neighbor 192.168.49.2 password anycast-lab-md6'),
    expect: (c) =>
      `${LEAF2}:${lineOf(c, LEAF2, 'neighbor 192.168.49.2 remote-as')}: neighbor 192.168.49.2 password: leaf2's password for 192.168.49.2 differs from Secret kube-system/bgp-auth-secret (${SECRET}:${lineOf(c, SECRET, 'password:')}) (same length, first difference at character 15; values not shown)`,
    notExpect: /anycast-lab-md/,
  },
  {
    name: 'a peerAddress in /32 notation',
    mutate: (c) => c.edit(CC1, 'peerAddress: 192.168.49.101', 'peerAddress: 192.168.49.101/32'),
    expect: (c) =>
      `${CC1}:${lineOf(c, CC1, 'peerAddress')}: spec.bgpInstances[0].peers[0].peerAddress: "192.168.49.101/32" is a prefix: CiliumBGPClusterConfig takes a bare IP address (the CRD's pattern allows no prefix length; /32 notation was CiliumBGPPeeringPolicy's), write 192.168.49.101`,
    notExpect: /IPv6/,
  },
  {
    name: 'a disabled pool (not "exhausted")',
    mutate: (c) => c.edit(POOL, 'spec:\n', 'spec:\n  disabled: true\n'),
    expect: () =>
      new RegExp(
        `^${ECHO}:\\d+: metadata\\.labels: Service anycast-echo/echo gets no LoadBalancer IP in cluster cluster01: every pool that selects it is disabled \\(anycast-vips: spec\\.disabled is true; Cilium allocates no new IP from it\\)$`,
      ),
    notExpect: /exhausted/,
  },
  {
    name: 'keepAliveTimeSeconds left to its CRD default (30) above holdTimeSeconds 9',
    mutate: (c) => c.edit(PEER, '    keepAliveTimeSeconds: 3\n', ''),
    expect: (c) =>
      `${PEER}:${lineOf(c, PEER, 'timers:')}: spec.timers.keepAliveTimeSeconds: unset, so Kubernetes applies the CRD default 30, which exceeds holdTimeSeconds 9 (the CRD requires keepAliveTimeSeconds <= holdTimeSeconds)`,
  },
  {
    name: 'bgpd=no in the daemons file of routers whose frr.conf has router bgp',
    mutate: (c) => c.edit(DAEMONS, 'bgpd=yes', 'bgpd=no'),
    expect: (c) =>
      `${DAEMONS}:${lineOf(c, DAEMONS, 'bgpd=no')}: bgpd: bgpd=no, but leaf2's ${LEAF2}:${lineOf(c, LEAF2, 'router bgp')} has "router bgp 65002": watchfrr would not start bgpd and leaf2 would run no BGP`,
  },
  {
    name: 'an empty fixtures folder',
    mutate: (c) => {
      rmSync(join(c.root, 'fixtures'), { recursive: true });
      mkdirSync(join(c.root, 'fixtures'));
    },
    expect: () =>
      'fixtures: (folder): no Kubernetes objects (*.yaml, *.yml) in it: the clusters would get no Cilium BGP configuration, no LB-IPAM pool and no workload',
  },
  {
    name: 'a cluster whose node no CiliumBGPClusterConfig selects',
    mutate: (c) => rmSync(join(c.root, 'fixtures/cilium/cluster01'), { recursive: true }),
    expect: (c) =>
      `${TOPO}:${lineOf(c, TOPO, '    cluster01:')}: topology.nodes.cluster01: no CiliumBGPClusterConfig of cluster cluster01 selects this node, so it would run no BGP speaker, yet leaf2 (${LEAF2}:${lineOf(c, LEAF2, 'neighbor 192.168.49.2 remote-as')}) peers with it`,
  },
  {
    name: "a ConfigMap whose data exceeds the API server's 1 MiB",
    mutate: (c) =>
      c.write(
        'fixtures/workloads/cluster01/big.yaml',
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: anycast-echo\ndata:\n  blob: ${'x'.repeat(1024 * 1024)}\n  more: "x"\n`,
      ),
    expect: () =>
      'fixtures/workloads/cluster01/big.yaml:6: data: ConfigMap data totals 1048577 bytes; the API server refuses more than 1048576 (1 MiB)',
  },
  {
    name: "an object larger than etcd's 1.5 MiB request limit",
    mutate: (c) =>
      c.edit(
        ECHO,
        'value: cluster=$(CLUSTER_NAME) node=$(NODE_NAME) pod=$(POD_NAME)',
        `value: cluster=$(CLUSTER_NAME) node=$(NODE_NAME) pod=$(POD_NAME) ${'x'.repeat(1.5 * 1024 * 1024)}`,
      ),
    expect: (c) =>
      new RegExp(
        `^${ECHO}:${lineOf(c, ECHO, 'kind: Deployment') - 1}: \\(document\\): Deployment anycast-echo/echo is \\d+ bytes as JSON; etcd refuses a request over 1572864 bytes \\(1\\.5 MiB, --max-request-bytes default\\)`,
      ),
  },
  {
    name: 'a neighbour statement the expectations would not follow (shutdown)',
    mutate: (c) =>
      c.edit(
        'containerlab/configs/spine.frr.conf',
        ' neighbor 10.0.3.11 description leaf3\n',
        ' neighbor 10.0.3.11 description leaf3\n neighbor 10.0.3.11 shutdown\n',
      ),
    expect: (c) =>
      `containerlab/configs/spine.frr.conf:${lineOf(c, 'containerlab/configs/spine.frr.conf', 'neighbor 10.0.3.11 shutdown')}: neighbor 10.0.3.11 shutdown: not modelled by anycast-verify: it changes which sessions come up or which paths win, and the expectations derived from the files would not follow it`,
  },
  {
    name: 'a route-map on a neighbour in the address family',
    mutate: (c) =>
      c.edit(
        'containerlab/configs/spine.frr.conf',
        '  maximum-paths 8\n',
        '  maximum-paths 8\n  neighbor 10.0.1.11 route-map PREPEND out\n',
      ),
    expect: () =>
      /^containerlab\/configs\/spine\.frr\.conf:\d+: neighbor 10\.0\.1\.11 route-map PREPEND out: not modelled by anycast-verify/,
  },
  {
    name: "a one-sided fabric session: the spine's neighbour statements for leaf3 removed",
    mutate: (c) => c.edit(SPINE, ' neighbor 10.0.3.11 remote-as 65003\n neighbor 10.0.3.11 description leaf3\n', ''),
    expect: (c) =>
      `${SPINE}:${lineOf(c, SPINE, 'router bgp')}: neighbor 10.0.3.11: spine has no neighbor 10.0.3.11 (leaf3's eth1), but leaf3 peers with spine at ${LEAF3}:${lineOf(c, LEAF3, 'neighbor 10.0.3.1 remote-as')} ("neighbor 10.0.3.1 remote-as 64999"): the session is configured on one side only and never comes up`,
  },
  {
    name: "a one-sided fabric session: leaf1's neighbour statements for the spine removed",
    mutate: (c) => c.edit(LEAF1, ' neighbor 10.0.1.1 remote-as 64999\n neighbor 10.0.1.1 description spine\n', ''),
    expect: (c) =>
      `${LEAF1}:${lineOf(c, LEAF1, 'router bgp')}: neighbor 10.0.1.1: leaf1 has no neighbor 10.0.1.1 (spine's eth1), but spine peers with leaf1 at ${SPINE}:${lineOf(c, SPINE, 'neighbor 10.0.1.11 remote-as')} ("neighbor 10.0.1.11 remote-as 65001"): the session is configured on one side only and never comes up`,
  },
  {
    name: "a wrong remote-as on the spine for leaf2 (names leaf2's router bgp line)",
    mutate: (c) => c.edit(SPINE, 'neighbor 10.0.2.11 remote-as 65002', 'neighbor 10.0.2.11 remote-as 65012'),
    expect: (c) =>
      `${SPINE}:${lineOf(c, SPINE, 'neighbor 10.0.2.11 remote-as')}: neighbor 10.0.2.11 remote-as: 65012 does not match leaf2's "router bgp 65002" (${LEAF2}:${lineOf(c, LEAF2, 'router bgp')}): FRR refuses leaf2's OPEN (Bad Peer AS) and the session never comes up`,
  },
  {
    name: 'an MD5 password on one fabric side only (the spine, for leaf2)',
    mutate: (c) =>
      c.edit(
        SPINE,
        ' neighbor 10.0.2.11 description leaf2\n',
        ' neighbor 10.0.2.11 description leaf2\n neighbor 10.0.2.11 password fabric-md5\n',
      ),
    expect: (c) =>
      `${SPINE}:${lineOf(c, SPINE, 'neighbor 10.0.2.11 password')}: neighbor 10.0.2.11 password: spine sets a password for 10.0.2.11, but leaf2 has none for 10.0.2.1 (${LEAF2}:${lineOf(c, LEAF2, 'neighbor 10.0.2.1 remote-as')}): MD5 on one side only, the TCP connection never opens`,
    notExpect: /fabric-md5/,
  },
  {
    name: 'mismatched MD5 passwords on the two ends of a fabric session (neither value shown)',
    mutate: (c) => {
      c.edit(
        SPINE,
        ' neighbor 10.0.2.11 description leaf2\n',
        ' neighbor 10.0.2.11 description leaf2\n neighbor 10.0.2.11 password fabric-md5\n',
      );
      c.edit(
        LEAF2,
        ' neighbor 10.0.2.1 description spine\n',
        ' neighbor 10.0.2.1 description spine\n neighbor 10.0.2.1 password fabric-md6\n',
      );
    },
    expect: (c) =>
      `${LEAF2}:${lineOf(c, LEAF2, 'neighbor 10.0.2.1 password')}: neighbor 10.0.2.1 password: leaf2's password for 10.0.2.1 differs from spine's for 10.0.2.11 (${SPINE}:${lineOf(c, SPINE, 'neighbor 10.0.2.11 password')}) (same length, first difference at character 10; values not shown)`,
    notExpect: /fabric-md/,
  },
  {
    name: 'a neighbour address that belongs to no router (a typo on the spine)',
    mutate: (c) => c.edit(SPINE, /neighbor 10\.0\.1\.11 /g, 'neighbor 10.0.1.12 '),
    expect: (c) =>
      `${SPINE}:${lineOf(c, SPINE, 'neighbor 10.0.1.12 remote-as')}: neighbor 10.0.1.12: 10.0.1.12 is not an address of any FRR router or Kubernetes node in ${TOPO}: the session has no other end`,
  },
  {
    name: "a neighbour on a network the two routers do not share (leaf1 naming the spine's leaf2-facing address)",
    mutate: (c) => c.edit(LEAF1, /neighbor 10\.0\.1\.1 /g, 'neighbor 10.0.2.1 '),
    expect: (c) =>
      `${LEAF1}:${lineOf(c, LEAF1, 'neighbor 10.0.2.1 remote-as')}: neighbor 10.0.2.1: 10.0.2.1 is spine's eth2 (${SPINE}:${lineOf(c, SPINE, 'interface eth2')}), on no network leaf1 shares with spine: FRR's eBGP needs a directly connected neighbour (TTL 1), and ebgp-multihop/update-source are not modelled`,
  },
  {
    name: 'a neighbour that is a host (a client runs no BGP)',
    mutate: (c) =>
      c.edit(
        LEAF1,
        ' neighbor 10.0.1.1 description spine\n',
        ' neighbor 10.0.1.1 description spine\n neighbor 192.168.100.11 remote-as 65500\n',
      ),
    expect: (c) =>
      new RegExp(
        `^${LEAF1}:${lineOf(c, LEAF1, 'neighbor 192.168.100.11')}: neighbor 192\\.168\\.100\\.11: 192\\.168\\.100\\.11 is host client's address \\(${TOPO}:\\d+\\), and a host runs no BGP$`,
      ),
  },
  {
    name: 'a neighbour with no remote-as',
    mutate: (c) => c.edit(SPINE, 'neighbor 10.0.3.11 remote-as 65003\n', ''),
    expect: (c) =>
      `${SPINE}:${lineOf(c, SPINE, 'neighbor 10.0.3.11 description')}: neighbor 10.0.3.11: no "neighbor 10.0.3.11 remote-as": FRR creates no neighbour without one (and refuses its other statements)`,
  },
  {
    name: 'a leaf peering with a node whose cluster does not peer with that leaf (one-sided node session)',
    mutate: (c) =>
      c.edit(
        LEAF3,
        ' neighbor 192.168.99.2 passive\n',
        ' neighbor 192.168.99.2 passive\n neighbor 192.168.49.2 remote-as 65101\n',
      ),
    expect: (c) =>
      `${LEAF3}:${lineOf(c, LEAF3, 'neighbor 192.168.49.2 remote-as')}: neighbor 192.168.49.2: leaf3 peers with node cluster01 of cluster cluster01, but no peer of its CiliumBGPClusterConfig (${CC1}) is an address of leaf3 (its peers: 192.168.49.101): the session is configured on one side only and never comes up`,
  },
];

describe('check rejects, naming file, field and line', () => {
  it.each(cases.map((x) => [x.name, x] as const))('%s', (_name, x) => {
    const c = labCopy();
    x.mutate(c);
    const want = x.expect(c);
    const got = problems(c);
    if (typeof want === 'string') expect(got).toContain(want);
    else
      expect(
        got.some((p) => want.test(p)),
        `one of:\n${got.join('\n')}`,
      ).toBe(true);
    if (x.notExpect) expect(got.filter((p) => x.notExpect!.test(p))).toEqual([]);
  });
});
