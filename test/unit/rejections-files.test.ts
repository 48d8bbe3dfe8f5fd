/**
 * Bad lab files `check` (and `up`, and `npm test`) rejects before anything starts: the
 * topology (unknown fields, duplicate addresses, exec lines the netns provider cannot
 * reproduce), YAML alias bombs, LB-IPAM pools (malformed, overlapping the fabric, disabled),
 * fixtures folders, and objects the API server or etcd would refuse for their size. Each
 * asserted to name the file, the field and, where the parser gives one, the line; each
 * mutates a throw-away copy of the real lab files.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkRejects, TOPO, POOL, ECHO, LEAF2, lineOf } from '../support/rejections.js';

/** A "billion laughs" mapping: nine levels of nine aliases each (9^9 nodes once expanded). */
const LAUGHS = [
  'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
];

checkRejects([
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
    name: 'a disabled pool (not "exhausted")',
    mutate: (c) => c.edit(POOL, 'spec:\n', 'spec:\n  disabled: true\n'),
    expect: () =>
      new RegExp(
        `^${ECHO}:\\d+: metadata\\.labels: Service anycast-echo/echo gets no LoadBalancer IP in cluster cluster01: every pool that selects it is disabled \\(anycast-vips: spec\\.disabled is true; Cilium allocates no new IP from it\\)$`,
      ),
    notExpect: /exhausted/,
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
]);
