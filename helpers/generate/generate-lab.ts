/**
 * A complete lab of N clusters × M nodes × K services behind C clients and S spines, in the
 * seed lab's formats (containerlab topology, FRR configs, Cilium CRDs, workloads): the shape
 * the suites already run on, grown. The files the seed lab shares by every cluster (daemons,
 * vtysh.conf, the peer config, the advertisement, the MD5 Secret, the echo Deployment) are
 * copied from the project, so a value is never typed twice; what grows with N, M, K, C and S
 * is written here.
 *
 * Address and ASN plan (none can collide for N ≤ 99, M ≤ 250, C ≤ 100, K ≤ 60 000, S ≤ 8):
 *   S spines `spine`, `spine2`, … (s = 0 … S−1), all AS64999: one shared spine ASN, so a leaf
 *   never passes one spine's routes on to another (AS-path loop prevention, as in RFC 7938);
 *   client leaf (leaf1) AS65001; cluster i's leaf AS65002+i, its nodes AS65101+i
 *   every leaf links to every spine: spine s ↔ leaf1 10.s.1.0/24, spine s ↔ leaf(i) 10.s.(2+i).0/24
 *   (spine .1, leaf .11); s ≤ 7 and 2+i ≤ 201 keep these inside 10.0–7.*, clear of the node networks
 *   (10.100 and up), the clients (192.168.*) and the pool (172.30.*); s = 0 is the one-spine plan
 *   interfaces: leaf1 eth1 … ethC to the clients, eth(C+1+s) to spine s; spine s eth1 to leaf1,
 *   eth(2+i) to leaf(i); leaf(i) eth1 to spine, eth2 to its node network, eth(2+s) to spine s ≥ 1
 *   router IDs: spine s 10.s.1.1, leaf1 10.0.1.11, leaf(i) 10.0.(2+i).11 (their first fabric addresses)
 *   client j 192.168.(100+j).11/24 behind leaf1 (.1)
 *   cluster i's node network 10.(100+i).0.0/24: leaf .101 (as in the seed), nodes .2, .3, …
 *   K VIPs from one pool 172.30.0.10 onwards, one Service each, all advertised by every cluster
 * Every spine holds each VIP with ECMP over the N clusters; with S > 1 leaf1 holds it with ECMP
 * over the S spines (multipath-relax: two spines may pass on different clusters' AS paths).
 * S = 1 writes exactly the one-spine lab.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { intToIp, ipToInt } from '../model/ipv4.js';

export interface GenerateOptions {
  clusters: number;
  nodesPerCluster: number;
  services: number;
  clients: number;
  spines: number;
}

export const LIMITS = {
  // Leaf ASNs 65002–65100 and node ASNs 65101–65199 stay apart up to 99 clusters.
  clusters: [1, 99],
  nodesPerCluster: [1, 250],
  services: [1, 60_000],
  clients: [1, 100],
  spines: [1, 8],
} as const;

const pad = (n: number) => String(n).padStart(2, '0');
export const clusterName = (i: number) => `cluster${pad(i + 1)}`;
/** minikube's node names: the profile, then <profile>-m02, -m03, … */
export const nodeName = (i: number, j: number) => (j === 0 ? clusterName(i) : `${clusterName(i)}-m${pad(j + 1)}`);
const clientName = (j: number) => (j === 0 ? 'client' : `client${pad(j + 1)}`);
const leafName = (i: number) => `leaf${i + 2}`;
const spineName = (s: number) => (s === 0 ? 'spine' : `spine${s + 1}`);
const spines = (o: GenerateOptions) => Array.from({ length: o.spines }, (_, s) => s);
/** The /24 between spine s and leaf1 (k = 0) or cluster k−1's leaf: spine .1, leaf .11. */
const fabricNet = (s: number, k: number) => `10.${s}.${1 + k}`;
/** A cluster leaf's interface to spine s: eth1 to the first (as in the seed), eth2 is its node network. */
const leafUplink = (s: number) => (s === 0 ? 'eth1' : `eth${2 + s}`);
const clientNet = (j: number) => `192.168.${100 + j}`;
const nodeNet = (i: number) => `10.${100 + i}.0`;

/** Files of the project that every generated lab shares unchanged. */
const SHARED = [
  'containerlab/configs/daemons',
  'containerlab/configs/vtysh.conf',
  'fixtures/cilium/bgp-peer-config.yaml',
  'fixtures/cilium/bgp-advertisement.yaml',
  'fixtures/cilium/bgp-auth-secret.yaml',
];

export function validateOptions(o: GenerateOptions): string[] {
  return (Object.keys(LIMITS) as (keyof GenerateOptions)[]).flatMap((k) => {
    const [lo, hi] = LIMITS[k];
    const v = o[k];
    if (!Number.isInteger(v) || v < lo || v > hi)
      return [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be an integer from ${lo} to ${hi}`];
    return [];
  });
}

/** The lab's files by path, relative to the lab's root. */
export function generateLab(o: GenerateOptions, projectRoot: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of SHARED) files.set(f, readFileSync(join(projectRoot, f), 'utf8'));
  const md5 = secretPassword(readFileSync(join(projectRoot, 'fixtures/cilium/bgp-auth-secret.yaml'), 'utf8'));
  files.set('containerlab/anycast.clab.yml', topology(o));
  for (const s of spines(o)) files.set(`containerlab/configs/${spineName(s)}.frr.conf`, spineConf(o, s));
  files.set('containerlab/configs/leaf1.frr.conf', clientLeafConf(o));
  for (let i = 0; i < o.clusters; i++) {
    files.set(`containerlab/configs/${leafName(i)}.frr.conf`, clusterLeafConf(o, i, md5));
    files.set(`fixtures/cilium/${clusterName(i)}/bgp-cluster-config.yaml`, clusterConfig(i));
    files.set(`fixtures/workloads/${clusterName(i)}/cluster-identity.yaml`, identity(i));
  }
  files.set('fixtures/cilium/lb-ip-pool.yaml', pool(o));
  files.set(
    'fixtures/workloads/echo.yaml',
    workload(o, readFileSync(join(projectRoot, 'fixtures/workloads/echo.yaml'), 'utf8')),
  );
  return files;
}

/** The MD5 password of the shared Secret (stringData as written, or data base64-decoded), which the leaves must repeat. */
function secretPassword(text: string): string {
  const secret = parse(text) as { stringData?: { password?: string }; data?: { password?: string } };
  const pw =
    secret.stringData?.password ??
    (secret.data?.password ? Buffer.from(secret.data.password, 'base64').toString('utf8') : undefined);
  if (!pw) throw new Error('fixtures/cilium/bgp-auth-secret.yaml has no password to give the leaves');
  return pw;
}

function topology(o: GenerateOptions): string {
  const lines = [
    `# Generated by anycast-verify generate --clusters ${o.clusters} --nodes-per-cluster ${o.nodesPerCluster} --services ${o.services} --clients ${o.clients}${o.spines > 1 ? ` --spines ${o.spines}` : ''}`,
    `name: gen-${o.clusters}x${o.nodesPerCluster}x${o.services}${o.spines > 1 ? `-s${o.spines}` : ''}`,
    '',
    'topology:',
    '  groups:',
    '    fabric:',
    '      kind: linux',
    '      image: quay.io/frrouting/frr:${FRR_VERSION:=10.5.1}',
    '    hosts:',
    '      kind: linux',
    '      image: nicolaka/netshoot:v0.14',
    '',
    '  nodes:',
  ];
  for (let j = 0; j < o.clients; j++)
    lines.push(
      `    ${clientName(j)}:`,
      '      group: hosts',
      '      exec:',
      `        - ip addr add ${clientNet(j)}.11/24 dev eth1`,
      `        - ip route replace default via ${clientNet(j)}.1 dev eth1`,
    );
  const routers = ['leaf1', ...spines(o).map(spineName), ...Array.from({ length: o.clusters }, (_, i) => leafName(i))];
  routers.forEach((r) => {
    lines.push(
      `    ${r}:`,
      '      group: fabric',
      '      binds:',
      `        - configs/${r}.frr.conf:/etc/frr/frr.conf`,
      '        - configs/daemons:/etc/frr/daemons',
      '        - configs/vtysh.conf:/etc/frr/vtysh.conf',
    );
    // Written out per router, not as a YAML anchor: the model parses with an alias limit (a guard against alias bombs).
    lines.push(
      '      sysctls:',
      '        net.ipv4.ip_forward: 1',
      '        net.ipv4.fib_multipath_hash_policy: 3',
      '        net.ipv4.fib_multipath_hash_fields: "0x0037"',
    );
  });
  for (let i = 0; i < o.clusters; i++) lines.push(`    br-${clusterName(i)}:`, '      kind: bridge');
  for (let i = 0; i < o.clusters; i++)
    for (let j = 0; j < o.nodesPerCluster; j++)
      lines.push(
        `    ${nodeName(i, j)}:`,
        '      kind: ext-container',
        '      labels:',
        `        anycast-verify/cluster: ${clusterName(i)}`,
        `        anycast-verify/node-ip: ${nodeNet(i)}.${2 + j}/24`,
        `        anycast-verify/bridge: br-${clusterName(i)}`,
        '      exec:',
        ...Array.from(
          { length: o.clients },
          (_, c) => `        - ip route replace ${clientNet(c)}.0/24 via ${nodeNet(i)}.101`,
        ),
      );
  lines.push('', '  links:');
  for (let j = 0; j < o.clients; j++) lines.push(`    - endpoints: ["${clientName(j)}:eth1", "leaf1:eth${j + 1}"]`);
  for (const s of spines(o)) {
    lines.push(`    - endpoints: ["leaf1:eth${o.clients + 1 + s}", "${spineName(s)}:eth1"]`);
    for (let i = 0; i < o.clusters; i++)
      lines.push(`    - endpoints: ["${spineName(s)}:eth${i + 2}", "${leafName(i)}:${leafUplink(s)}"]`);
  }
  for (let i = 0; i < o.clusters; i++)
    lines.push(`    - endpoints: ["${leafName(i)}:eth2", "br-${clusterName(i)}:${leafName(i)}-eth2"]`);
  return `${lines.join('\n')}\n`;
}

const header = (name: string) => ['frr defaults traditional', `hostname ${name}`, 'no ipv6 forwarding', '!'];
const iface = (dev: string, description: string, address: string) => [
  `interface ${dev}`,
  ` description ${description}`,
  ` ip address ${address}`,
  'exit',
  '!',
];

function spineConf(o: GenerateOptions, s: number): string {
  const lines = [...header(spineName(s)), ...iface('eth1', 'leaf1', `${fabricNet(s, 0)}.1/24`)];
  for (let i = 0; i < o.clusters; i++) lines.push(...iface(`eth${i + 2}`, leafName(i), `${fabricNet(s, i + 1)}.1/24`));
  lines.push(
    'router bgp 64999',
    ` bgp router-id ${fabricNet(s, 0)}.1`,
    ' no bgp ebgp-requires-policy',
    ' bgp bestpath as-path multipath-relax',
    ' timers bgp 3 9',
  );
  lines.push(` neighbor ${fabricNet(s, 0)}.11 remote-as 65001`, ` neighbor ${fabricNet(s, 0)}.11 description leaf1`);
  for (let i = 0; i < o.clusters; i++)
    lines.push(
      ` neighbor ${fabricNet(s, i + 1)}.11 remote-as ${65002 + i}`,
      ` neighbor ${fabricNet(s, i + 1)}.11 description ${leafName(i)}`,
    );
  lines.push(
    ' !',
    ' address-family ipv4 unicast',
    `  maximum-paths ${Math.max(8, o.clusters)}`,
    ' exit-address-family',
    'exit',
  );
  return `${lines.join('\n')}\n`;
}

function clientLeafConf(o: GenerateOptions): string {
  const lines = header('leaf1');
  for (let j = 0; j < o.clients; j++) lines.push(...iface(`eth${j + 1}`, clientName(j), `${clientNet(j)}.1/24`));
  for (const s of spines(o)) lines.push(...iface(`eth${o.clients + 1 + s}`, spineName(s), `${fabricNet(s, 0)}.11/24`));
  lines.push('router bgp 65001', ' bgp router-id 10.0.1.11', ' no bgp ebgp-requires-policy');
  // One path per spine, each with the AS path of whichever cluster that spine passes on: ECMP
  // over the spines needs multipath-relax (and room for S paths). One spine: the seed's leaf1.
  if (o.spines > 1) lines.push(' bgp bestpath as-path multipath-relax');
  lines.push(' timers bgp 3 9');
  for (const s of spines(o))
    lines.push(
      ` neighbor ${fabricNet(s, 0)}.1 remote-as 64999`,
      ` neighbor ${fabricNet(s, 0)}.1 description ${spineName(s)}`,
    );
  lines.push(' !', ' address-family ipv4 unicast');
  for (let j = 0; j < o.clients; j++) lines.push(`  network ${clientNet(j)}.0/24`);
  if (o.spines > 1) lines.push(`  maximum-paths ${Math.max(8, o.spines)}`);
  lines.push(' exit-address-family', 'exit');
  return `${lines.join('\n')}\n`;
}

function clusterLeafConf(o: GenerateOptions, i: number, md5: string): string {
  const lines = [
    ...header(leafName(i)),
    ...iface('eth1', 'spine', `${fabricNet(0, i + 1)}.11/24`),
    ...iface('eth2', `${clusterName(i)} node network`, `${nodeNet(i)}.101/24`),
  ];
  for (const s of spines(o).slice(1)) lines.push(...iface(leafUplink(s), spineName(s), `${fabricNet(s, i + 1)}.11/24`));
  lines.push(
    `router bgp ${65002 + i}`,
    ` bgp router-id ${fabricNet(0, i + 1)}.11`,
    ' no bgp ebgp-requires-policy',
    ' timers bgp 3 9',
  );
  for (const s of spines(o))
    lines.push(
      ` neighbor ${fabricNet(s, i + 1)}.1 remote-as 64999`,
      ` neighbor ${fabricNet(s, i + 1)}.1 description ${spineName(s)}`,
    );
  for (let j = 0; j < o.nodesPerCluster; j++) {
    const n = `${nodeNet(i)}.${2 + j}`;
    lines.push(
      ` neighbor ${n} remote-as ${65101 + i}`,
      ` neighbor ${n} description ${nodeName(i, j)} (Cilium)`,
      ` neighbor ${n} passive`,
      ` neighbor ${n} password ${md5}`,
    );
  }
  lines.push('exit');
  return `${lines.join('\n')}\n`;
}

function clusterConfig(i: number): string {
  return [
    `# ${clusterName(i)}'s BGP instance: every node (no nodeSelector) peers with ${leafName(i)}.`,
    'apiVersion: cilium.io/v2',
    'kind: CiliumBGPClusterConfig',
    'metadata:',
    `  name: ${clusterName(i)}-fabric`,
    'spec:',
    '  bgpInstances:',
    `    - name: ${clusterName(i)}`,
    `      localASN: ${65101 + i}`,
    '      peers:',
    `        - name: ${leafName(i)}`,
    `          peerAddress: ${nodeNet(i)}.101`,
    `          peerASN: ${65002 + i}`,
    '          peerConfigRef:',
    '            name: fabric-leaf',
    '',
  ].join('\n');
}

function identity(i: number): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: cluster-identity',
    '  namespace: anycast-echo',
    'data:',
    `  name: ${clusterName(i)}`,
    '',
  ].join('\n');
}

function pool(o: GenerateOptions): string {
  const first = ipToInt('172.30.0.10');
  return [
    '# LB-IPAM pool shared by every cluster: the same VIPs are allocated in each cluster (anycast).',
    'apiVersion: cilium.io/v2',
    'kind: CiliumLoadBalancerIPPool',
    'metadata:',
    '  name: anycast-vips',
    'spec:',
    '  blocks:',
    `    - start: ${intToIp(first)}`,
    `      stop: ${intToIp(first + o.services - 1)}`,
    '  serviceSelector:',
    '    matchLabels:',
    '      lbmode: bgp',
    '',
  ].join('\n');
}

/** The seed's echo workload with one replica per node and K Services (echo, echo-2, …) selecting it. */
function workload(o: GenerateOptions, seed: string): string {
  const docs = seed.split(/^---$/m);
  const service = docs.find((d) => /^kind: Service$/m.test(d));
  if (!service) throw new Error('fixtures/workloads/echo.yaml has no Service to replicate');
  const rest = docs
    .filter((d) => d !== service)
    .map((d) => d.replace(/^(\s*)replicas: \d+$/m, `$1replicas: ${o.nodesPerCluster}`));
  const services = Array.from({ length: o.services }, (_, k) =>
    k === 0 ? service : service.replace(/^ {2}name: echo$/m, `  name: echo-${k + 1}`),
  );
  return [...rest, ...services].join('---');
}
