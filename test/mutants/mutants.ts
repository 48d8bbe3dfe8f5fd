/**
 * Valid-but-broken edits of the seed lab: each is a change a user could make by mistake that
 * the files accept (or that only a check of the files against each other rejects), and that
 * breaks what the lab is for. Every one must be caught by a named claim: `check` (the files,
 * FRR's own parser, the intent) or, where only the running lab can show it, the fast suites.
 */
export interface Edit {
  file: string;
  from: string | RegExp;
  to: string;
}

export interface Mutant {
  name: string;
  /** What kind of edit it is (FRR policy, ASNs, multipath, pools, advertisements, selectors, replicas, ...). */
  area: string;
  edits: Edit[];
}

const POOL = 'fixtures/cilium/lb-ip-pool.yaml';
const ADVERT = 'fixtures/cilium/bgp-advertisement.yaml';
const PEER = 'fixtures/cilium/bgp-peer-config.yaml';
const CC2 = 'fixtures/cilium/cluster02/bgp-cluster-config.yaml';
const ECHO = 'fixtures/workloads/echo.yaml';
const SPINE = 'containerlab/configs/spine.frr.conf';
const LEAF3 = 'containerlab/configs/leaf3.frr.conf';

export const MUTANTS: Mutant[] = [
  {
    name: 'the pool moves to other addresses',
    area: 'pools',
    edits: [
      {
        file: POOL,
        from: /start: 172\.30\.0\.10\n(\s+)stop: 172\.30\.0\.20/,
        to: 'start: 172.30.0.100\n$1stop: 172.30.0.120',
      },
    ],
  },
  {
    name: 'a new overlapping pool takes over the Service (Cilium marks it Conflicting)',
    area: 'pools',
    edits: [
      { file: POOL, from: 'matchLabels:\n      lbmode: bgp', to: 'matchLabels:\n      lbmode: legacy' },
      {
        file: POOL,
        from: /$(?![\s\S])/,
        to: '---\napiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: new-vips\nspec:\n  blocks:\n    - start: 172.30.0.10\n      stop: 172.30.0.12\n  serviceSelector:\n    matchLabels:\n      lbmode: bgp\n',
      },
    ],
  },
  {
    name: 'the pool is disabled',
    area: 'pools',
    edits: [{ file: POOL, from: 'spec:\n', to: 'spec:\n  disabled: true\n' }],
  },
  {
    name: "the pool's selector no longer matches the Service",
    area: 'selectors',
    edits: [{ file: POOL, from: 'matchLabels:\n      lbmode: bgp', to: 'matchLabels:\n      lbmode: l2' }],
  },
  {
    name: "the advertisement's selector no longer matches the Service",
    area: 'advertisements',
    edits: [{ file: ADVERT, from: 'matchLabels:\n          lbmode: bgp', to: 'matchLabels:\n          lbmode: l2' }],
  },
  {
    name: 'the peer config selects no advertisement',
    area: 'advertisements',
    edits: [{ file: PEER, from: 'advertise: bgp', to: 'advertise: none' }],
  },
  {
    name: "cluster02's cluster config selects no node",
    area: 'selectors',
    edits: [{ file: CC2, from: 'spec:\n', to: 'spec:\n  nodeSelector:\n    matchLabels:\n      rack: nowhere\n' }],
  },
  {
    name: 'the Service becomes ClusterIP',
    area: 'services',
    edits: [{ file: ECHO, from: 'type: LoadBalancer', to: 'type: ClusterIP' }],
  },
  {
    name: 'the Service moves to port 8080',
    area: 'services',
    edits: [{ file: ECHO, from: /port: 80\n(\s+)targetPort: http/, to: 'port: 8080\n$1targetPort: http' }],
  },
  {
    name: 'the echo Deployment is scaled to zero',
    area: 'replicas',
    edits: [{ file: ECHO, from: 'replicas: 1', to: 'replicas: 0' }],
  },
  {
    name: 'the spine shuts its session to leaf3 down',
    area: 'FRR policy',
    edits: [
      {
        file: SPINE,
        from: ' neighbor 10.0.3.11 description leaf3\n',
        to: ' neighbor 10.0.3.11 description leaf3\n neighbor 10.0.3.11 shutdown\n',
      },
    ],
  },
  {
    name: "the echo pods' readiness probe checks a port nothing listens on",
    area: 'readiness',
    edits: [
      {
        file: ECHO,
        from: /httpGet:\n(\s+)path: \/health\n(\s+)port: http/,
        to: 'httpGet:\n$1path: /health\n$2port: 8080',
      },
    ],
  },
  {
    name: 'the spine loses multipath-relax',
    area: 'multipath',
    edits: [{ file: SPINE, from: ' bgp bestpath as-path multipath-relax\n', to: '' }],
  },
  {
    name: 'the spine installs one path (maximum-paths 1)',
    area: 'multipath',
    edits: [{ file: SPINE, from: 'maximum-paths 8', to: 'maximum-paths 1' }],
  },
  {
    name: "cluster02's ASN changes on both ends",
    area: 'ASNs',
    edits: [
      { file: LEAF3, from: 'neighbor 192.168.99.2 remote-as 65102', to: 'neighbor 192.168.99.2 remote-as 65112' },
      { file: CC2, from: 'localASN: 65102', to: 'localASN: 65112' },
    ],
  },
  {
    name: 'leaf3 and cluster02 change ASN together (AS path shape kept)',
    area: 'ASNs',
    edits: [
      { file: LEAF3, from: 'router bgp 65003', to: 'router bgp 65013' },
      { file: SPINE, from: 'neighbor 10.0.3.11 remote-as 65003', to: 'neighbor 10.0.3.11 remote-as 65013' },
      { file: CC2, from: 'peerASN: 65003', to: 'peerASN: 65013' },
    ],
  },
  {
    name: 'node-facing timers lengthened on both ends',
    area: 'timers',
    edits: [
      { file: PEER, from: 'holdTimeSeconds: 9', to: 'holdTimeSeconds: 90' },
      { file: PEER, from: 'keepAliveTimeSeconds: 3', to: 'keepAliveTimeSeconds: 30' },
      { file: 'containerlab/configs/leaf2.frr.conf', from: 'timers bgp 3 9', to: 'timers bgp 30 90' },
      { file: LEAF3, from: 'timers bgp 3 9', to: 'timers bgp 30 90' },
    ],
  },
  {
    name: 'graceful restart switched off on the nodes',
    area: 'FRR/Cilium policy',
    edits: [{ file: PEER, from: /gracefulRestart:\n(\s+)enabled: true/, to: 'gracefulRestart:\n$1enabled: false' }],
  },
  {
    name: 'the spine drops its session to leaf3 (both ends)',
    area: 'FRR policy',
    edits: [
      { file: SPINE, from: /^\s+neighbor 10\.0\.3\.11 .*\n/gm, to: '' },
      { file: LEAF3, from: /^\s+neighbor 10\.0\.3\.1 .*\n/gm, to: '' },
    ],
  },
];
