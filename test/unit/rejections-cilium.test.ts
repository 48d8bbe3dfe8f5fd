/**
 * Bad Cilium input `check` (and `up`, and `npm test`) rejects before anything starts: values
 * outside the CRDs, what the emulation does not model, selectors that select nothing, peers
 * that are no router, and MD5 passwords the leaves and the Secret disagree on (the difference
 * shown, never the values). Each asserted to name the file, the field and, where the parser
 * gives one, the line; each mutates a throw-away copy of the real lab files.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkRejects, TOPO, PEER, CC1, ADV, LEAF2, SECRET, lineOf } from '../support/rejections.js';

checkRejects([
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
    name: 'keepAliveTimeSeconds left to its CRD default (30) above holdTimeSeconds 9',
    mutate: (c) => c.edit(PEER, '    keepAliveTimeSeconds: 3\n', ''),
    expect: (c) =>
      `${PEER}:${lineOf(c, PEER, 'timers:')}: spec.timers.keepAliveTimeSeconds: unset, so Kubernetes applies the CRD default 30, which exceeds holdTimeSeconds 9 (the CRD requires keepAliveTimeSeconds <= holdTimeSeconds)`,
  },
  {
    name: 'a cluster whose node no CiliumBGPClusterConfig selects',
    mutate: (c) => rmSync(join(c.root, 'fixtures/cilium/cluster01'), { recursive: true }),
    expect: (c) =>
      `${TOPO}:${lineOf(c, TOPO, '    cluster01:')}: topology.nodes.cluster01: no CiliumBGPClusterConfig of cluster cluster01 selects this node, so it would run no BGP speaker, yet leaf2 (${LEAF2}:${lineOf(c, LEAF2, 'neighbor 192.168.49.2 remote-as')}) peers with it`,
  },
]);
