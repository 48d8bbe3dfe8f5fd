/**
 * Bad FRR input `check` (and `up`, and `npm test`) rejects before anything starts: a daemons file that starts no bgpd, and fabric
 * sessions that could never come up (one-sided, wrong remote-as, MD5 on one side or
 * mismatched, an address that is no router's or is not directly connected). Each asserted to
 * name the file, the field and the line; each mutates a throw-away copy of the real lab files.
 */
import { checkRejects, TOPO, CC1, LEAF2, DAEMONS, SPINE, LEAF1, LEAF3, lineOf } from '../support/rejections.js';

checkRejects([
  {
    name: 'keepalive above hold on a leaf',
    mutate: (c) => c.edit(LEAF2, 'timers bgp 3 9', 'timers bgp 10 9'),
    expect: (c) => `${LEAF2}:${lineOf(c, LEAF2, 'router bgp')}: timers bgp: keepalive 10 s exceeds hold 9 s`,
  },
  {
    name: 'bgpd=no in the daemons file of routers whose frr.conf has router bgp',
    mutate: (c) => c.edit(DAEMONS, 'bgpd=yes', 'bgpd=no'),
    expect: (c) =>
      `${DAEMONS}:${lineOf(c, DAEMONS, 'bgpd=no')}: bgpd: bgpd=no, but leaf2's ${LEAF2}:${lineOf(c, LEAF2, 'router bgp')} has "router bgp 65002": watchfrr would not start bgpd and leaf2 would run no BGP`,
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
]);
