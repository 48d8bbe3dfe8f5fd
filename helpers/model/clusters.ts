/**
 * Resolves, per cluster, what Cilium would do with the fixtures: which VIP LB-IPAM hands
 * each Service, and for each node the BGP speaker Cilium would configure in its embedded
 * GoBGP (peers, timers, graceful restart, MD5, and the exact prefixes it exports).
 * This is the spec the netns provider's emulated node runs, and the expectation the
 * suites check on either provider.
 */
import ipaddr from 'ipaddr.js';
import { ProblemList } from './errors.js';
import {
  advertisementSchema,
  CILIUM_DEFAULTS,
  clusterConfigSchema,
  ipPoolSchema,
  peerConfigSchema,
  UNSUPPORTED_CILIUM_KINDS,
  type Advertisement,
  type ClusterConfig,
  type IpPool,
  type PeerConfig,
} from './cilium-crds.js';
import { configMapSchema, deploymentSchema, namespaceSchema, secretSchema, serviceSchema, type ConfigMap, type Deployment, type Secret, type Service } from './kube-objects.js';
import { allocateLoadBalancerIPs, isLbIpamService, poolSelects, serviceKey, serviceSelectorLabels, type Allocation } from './lb-ipam.js';
import { selectorMatches } from './label-selector.js';
import type { K8sNodeModel } from './lab-model.js';
import type { Manifest } from './manifests.js';
import { pathToString, validateDoc, type YamlDoc } from './yaml-file.js';
import { cidrError, ipToInt, ipv4Error, isIPv4 } from './ipv4.js';

export interface AdvertisedPrefix {
  prefix: string;
  /** Service the prefix belongs to, namespace/name. */
  service: string;
}

export interface SpeakerPeer {
  name: string;
  address: string;
  asn: number;
  port: number;
  connectRetrySeconds: number;
  holdSeconds: number;
  keepaliveSeconds: number;
  /** TCP-MD5 password, when the PeerConfig names an auth Secret that holds one. */
  password?: string;
  /** Where the password came from, for messages: the Secret, with its file and the line of the key. */
  passwordSource?: string;
  gracefulRestart?: { restartTimeSeconds: number };
  ebgpMultihop: number;
  families: { afi: 'ipv4' | 'ipv6'; safi: 'unicast' }[];
  advertise: AdvertisedPrefix[];
  /** Where the peer came from: ClusterConfig file (with the peer's field and lines, for cross-file messages) and PeerConfig file. */
  source: { clusterConfig: string; peer: PeerAt; peerConfig?: string };
}

/** The peer's entry in its CiliumBGPClusterConfig: field path and the lines of the fields other files are checked against. */
export interface PeerAt {
  field: string;
  lines: { peerAddress?: number; peerASN?: number };
}

export interface SpeakerIntent {
  node: string;
  instance: string;
  localASN: number;
  routerId: string;
  peers: SpeakerPeer[];
}

export interface EchoPod {
  name: string;
  namespace: string;
  node: string;
  deployment: string;
  labels: Record<string, string>;
  /** The whoami `Name:` line (WHOAMI_NAME with $(VAR) references resolved). */
  whoamiName: string;
  /** The port the container listens on. */
  containerPort: number;
}

export interface ServiceModel {
  /** `namespace/name`, as reports and LB-IPAM name it. */
  key: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  vip?: string;
  port: number;
  externalTrafficPolicy: 'Cluster' | 'Local';
  /** Pods the Service selects. */
  pods: EchoPod[];
  allocation?: Allocation;
}

export interface ClusterModel {
  name: string;
  nodes: string[];
  manifests: Manifest[];
  services: ServiceModel[];
  speakers: Record<string, SpeakerIntent>;
  pods: EchoPod[];
  /** Names of pools, peer configs, advertisements with their files, for messages. */
  objects: { pools: IpPool[]; peerConfigs: PeerConfig[]; advertisements: Advertisement[]; clusterConfigs: ClusterConfig[] };
  /** The document each of `objects` was read from, so a cross-file check can name its file and line. */
  sources: ReadonlyMap<object, YamlDoc>;
}

const ECHO_IMAGE = /^(docker\.io\/)?traefik\/whoami(:|@|$)/;

export function resolveClusters(names: string[], nodes: Record<string, K8sNodeModel>, manifests: Record<string, Manifest[]>, problems: ProblemList): Record<string, ClusterModel> {
  const out: Record<string, ClusterModel> = {};
  for (const name of names) {
    const clusterNodes = Object.values(nodes).filter((n) => n.cluster === name);
    out[name] = resolveCluster(name, clusterNodes, manifests[name] ?? [], problems);
  }
  return out;
}

function resolveCluster(name: string, nodes: K8sNodeModel[], manifests: Manifest[], problems: ProblemList): ClusterModel {
  const pools: IpPool[] = [];
  const peerConfigs: PeerConfig[] = [];
  const advertisements: Advertisement[] = [];
  const clusterConfigs: ClusterConfig[] = [];
  const secrets: Secret[] = [];
  const configMaps: ConfigMap[] = [];
  const deployments: { d: Deployment; doc: YamlDoc }[] = [];
  const services: { s: Service; doc: YamlDoc }[] = [];
  const fileOf = new Map<object, YamlDoc>();
  const seen = new Set<string>();
  /** Objects that failed validation: references to them are not reported again as missing. */
  const invalid = new Set<string>();

  for (const m of manifests) {
    const id = `${m.kind}/${m.namespace ?? ''}/${m.name}`;
    // Shared manifests appear once per cluster; only a true duplicate within one cluster is an error.
    if (seen.has(id)) {
      problems.add({ file: m.doc.file, field: 'metadata.name', line: m.doc.lineOf(['metadata', 'name']), message: `${m.kind} "${m.name}" is defined twice for cluster ${name}` });
      continue;
    }
    seen.add(id);
    const keep = <T extends object>(v: T | undefined, list: T[]) => {
      if (v) {
        list.push(v);
        fileOf.set(v, m.doc);
      } else invalid.add(`${m.kind}/${m.name}`);
    };
    switch (m.kind) {
      case 'CiliumLoadBalancerIPPool':
        keep(validateDoc(m.doc, ipPoolSchema, problems), pools);
        break;
      case 'CiliumBGPPeerConfig':
        keep(validateDoc(m.doc, peerConfigSchema, problems), peerConfigs);
        break;
      case 'CiliumBGPAdvertisement':
        keep(validateDoc(m.doc, advertisementSchema, problems), advertisements);
        break;
      case 'CiliumBGPClusterConfig':
        keep(validateDoc(m.doc, clusterConfigSchema, problems), clusterConfigs);
        break;
      case 'Secret':
        keep(validateDoc(m.doc, secretSchema, problems), secrets);
        break;
      case 'ConfigMap':
        keep(validateDoc(m.doc, configMapSchema, problems), configMaps);
        break;
      case 'Namespace':
        validateDoc(m.doc, namespaceSchema, problems);
        break;
      case 'Deployment': {
        const d = validateDoc(m.doc, deploymentSchema, problems);
        if (d) deployments.push({ d, doc: m.doc });
        break;
      }
      case 'Service': {
        const s = validateDoc(m.doc, serviceSchema, problems);
        if (s) services.push({ s, doc: m.doc });
        break;
      }
      default:
        problems.add({
          file: m.doc.file,
          field: 'kind',
          line: m.doc.lineOf(['kind']),
          message: UNSUPPORTED_CILIUM_KINDS.includes(m.kind) ? `${m.kind} is not emulated by anycast-verify` : `${m.apiVersion} ${m.kind} is not a kind anycast-verify knows how to apply or emulate`,
        });
    }
  }

  // A pool with an unreadable block is reported here and left out of LB-IPAM (and of the cross-checks).
  const badPools = pools.filter((p) => !checkPool(p, fileOf.get(p)!, problems));
  pools.splice(0, pools.length, ...pools.filter((p) => !badPools.includes(p)));
  for (const a of advertisements) checkAdvertisement(a, fileOf.get(a)!, problems);
  for (const c of clusterConfigs) checkClusterConfig(c, fileOf.get(c)!, problems);

  const allocations = allocateLoadBalancerIPs(pools, services.map((x) => x.s));
  const pods = placePods(name, nodes, deployments, configMaps, problems);
  const serviceModels: ServiceModel[] = services.map(({ s, doc }) => {
    const key = serviceKey(s);
    const namespace = s.metadata.namespace ?? 'default';
    const allocation = allocations.find((a) => a.service === key);
    const selector = s.spec.selector;
    const selected = pods.filter((p) => p.namespace === namespace && selector !== undefined && selectorMatches({ matchLabels: selector }, p.labels));
    const port = s.spec.ports[0]!;
    for (const pod of selected) {
      const d = deployments.find((x) => x.d.metadata.name === pod.deployment && (x.d.metadata.namespace ?? 'default') === pod.namespace)!;
      const target = port.targetPort ?? port.port;
      const cport = typeof target === 'number' ? target : d.d.spec.template.spec.containers[0]!.ports?.find((p) => p.name === target)?.containerPort;
      if (cport !== pod.containerPort) {
        problems.add({ file: doc.file, field: 'spec.ports[0].targetPort', line: doc.lineOf(['spec', 'ports', 0]), message: `targets ${String(target)}, but the echo container listens on port ${pod.containerPort}` });
      }
    }
    if (isLbIpamService(s) && s.spec.ports.length > 1) {
      problems.add({ file: doc.file, field: 'spec.ports', line: doc.lineOf(['spec', 'ports']), message: 'the emulated echo serves one port per Service; more than one is not emulated' });
    }
    // No IP because a pool that selects it is unreadable: that pool's problem says it all.
    if (allocation?.reason && !badPools.some((p) => poolSelects(p, s))) problems.add({ file: doc.file, field: 'metadata.labels', line: doc.lineOf(['metadata']), message: `Service ${key} gets no LoadBalancer IP in cluster ${name}: ${allocation.reason}` });
    return {
      key,
      namespace,
      name: s.metadata.name,
      labels: serviceSelectorLabels(s),
      vip: allocation?.ip,
      port: port.port,
      externalTrafficPolicy: s.spec.externalTrafficPolicy ?? 'Cluster',
      pods: selected,
      allocation,
    };
  });

  // An advertisement whose Service selector matches no Service of this cluster advertises nothing: say so.
  for (const adv of advertisements) {
    const doc = fileOf.get(adv)!;
    adv.spec.advertisements.forEach((e, i) => {
      if (e.advertisementType !== 'Service' || !e.service) return;
      const at = { file: doc.file, field: `spec.advertisements[${i}].selector`, line: doc.lineOf(['spec', 'advertisements', i, 'selector']) };
      if (!e.selector) problems.add({ ...at, message: 'no selector: Cilium then advertises no Service (select all with a NotIn expression on a never-used value)' });
      else if (!services.some(({ s }) => selectorMatches(e.selector!, serviceSelectorLabels(s)))) problems.add({ ...at, message: `selects no Service in cluster ${name}` });
    });
  }
  for (const pc of peerConfigs) {
    const doc = fileOf.get(pc)!;
    (pc.spec.families ?? []).forEach((f, i) => {
      if (f.advertisements && !advertisements.some((a) => selectorMatches(f.advertisements!, a.metadata.labels ?? {}))) {
        problems.add({ file: doc.file, field: `spec.families[${i}].advertisements`, line: doc.lineOf(['spec', 'families', i, 'advertisements']), message: `selects no CiliumBGPAdvertisement in cluster ${name} (they are selected by their metadata.labels)` });
      }
    });
  }

  const speakers: Record<string, SpeakerIntent> = {};
  const lbServices = services.filter((x) => isLbIpamService(x.s));
  for (const node of nodes) {
    const cc = clusterConfigs.filter((c) => !c.spec.nodeSelector || selectorMatches(c.spec.nodeSelector, { 'kubernetes.io/hostname': node.name }));
    if (cc.length === 0) continue;
    if (cc.length > 1) {
      const f = fileOf.get(cc[1]!)!;
      problems.add({ file: f.file, field: 'spec.nodeSelector', line: f.lineOf(['spec']), message: `two CiliumBGPClusterConfigs select node ${node.name}; Cilium keeps only the first (cilium.io/ConflictingClusterConfig)` });
    }
    const c = cc[0]!;
    const cdoc = fileOf.get(c)!;
    if (c.spec.bgpInstances.length > 1) {
      problems.add({ file: cdoc.file, field: 'spec.bgpInstances', line: cdoc.lineOf(['spec', 'bgpInstances', 1]), message: 'more than one BGP instance per node is not emulated' });
    }
    const inst = c.spec.bgpInstances[0]!;
    if (inst.localASN === undefined) {
      problems.add({ file: cdoc.file, field: 'spec.bgpInstances[0].localASN', line: cdoc.lineOf(['spec', 'bgpInstances', 0]), message: 'required: the Cilium agent cannot start a BGP instance without a local ASN' });
      continue;
    }
    const peers: SpeakerPeer[] = [];
    (inst.peers ?? []).forEach((p, i) => {
      const at = (field: string) => ({ file: cdoc.file, field: `spec.bgpInstances[0].peers[${i}].${field}`, line: cdoc.lineOf(['spec', 'bgpInstances', 0, 'peers', i, ...field.split('.')]) });
      if (!p.peerAddress) {
        problems.add({ ...at('peerAddress'), message: 'required (autoDiscovery is not emulated)' });
        return;
      }
      const addressError = peerAddressError(p.peerAddress);
      if (addressError) {
        problems.add({ ...at('peerAddress'), message: addressError });
        return;
      }
      if (!p.peerASN) {
        problems.add({ ...at('peerASN'), message: 'set it explicitly: 0 (learn the ASN from the OPEN) is not emulated' });
        return;
      }
      let pc: PeerConfig | undefined;
      if (p.peerConfigRef) {
        pc = peerConfigs.find((x) => x.metadata.name === p.peerConfigRef!.name);
        if (!pc) {
          if (invalid.has(`CiliumBGPPeerConfig/${p.peerConfigRef.name}`)) return;
          problems.add({ ...at('peerConfigRef.name'), message: `no CiliumBGPPeerConfig named "${p.peerConfigRef.name}" is applied to cluster ${name}` });
          return;
        }
      }
      const peerPath = ['spec', 'bgpInstances', 0, 'peers', i];
      const peerAt: PeerAt = { field: pathToString(peerPath), lines: { peerAddress: cdoc.lineOf([...peerPath, 'peerAddress']), peerASN: cdoc.lineOf([...peerPath, 'peerASN']) } };
      peers.push(resolvePeer(p.name, p.peerAddress, p.peerASN, pc, pc ? fileOf.get(pc) : undefined, cdoc.file, peerAt, secrets, fileOf, invalid, advertisements, lbServices, serviceModels, node, problems));
    });
    speakers[node.name] = { node: node.name, instance: inst.name, localASN: inst.localASN, routerId: node.ip, peers };
  }

  return { name, nodes: nodes.map((n) => n.name), manifests, services: serviceModels, speakers, pods, objects: { pools, peerConfigs, advertisements, clusterConfigs }, sources: fileOf };
}

function resolvePeer(
  name: string,
  address: string,
  asn: number,
  pc: PeerConfig | undefined,
  pcDoc: YamlDoc | undefined,
  ccFile: string,
  peerAt: PeerAt,
  secrets: Secret[],
  fileOf: ReadonlyMap<object, YamlDoc>,
  invalid: Set<string>,
  advertisements: Advertisement[],
  lbServices: { s: Service; doc: YamlDoc }[],
  services: ServiceModel[],
  node: K8sNodeModel,
  problems: ProblemList,
): SpeakerPeer {
  const spec = pc?.spec;
  let password: string | undefined;
  let passwordSource: string | undefined;
  if (spec?.authSecretRef && pcDoc) {
    const secret = secrets.find((s) => s.metadata.name === spec.authSecretRef && (s.metadata.namespace ?? 'default') === 'kube-system');
    const fromData = secret?.data?.password ? Buffer.from(secret.data.password, 'base64').toString('utf8') : undefined;
    password = secret?.stringData?.password ?? fromData;
    const sdoc = secret && fileOf.get(secret);
    const key = sdoc?.lineOf([secret?.stringData?.password !== undefined ? 'stringData' : 'data', 'password']);
    passwordSource = secret ? `Secret kube-system/${spec.authSecretRef}${sdoc ? ` (${sdoc.file}${key ? `:${key}` : ''})` : ''}` : undefined;
    // A Secret that failed validation (data not base64, say) is reported on its own file.
    if (!password && !invalid.has(`Secret/${spec.authSecretRef}`)) {
      problems.add({
        file: pcDoc.file,
        field: 'spec.authSecretRef',
        line: pcDoc.lineOf(['spec', 'authSecretRef']),
        message: `no Secret "${spec.authSecretRef}" with key "password" in kube-system (Cilium's BGP secrets namespace); Cilium would peer with an empty password`,
      });
    }
  }
  const families = (spec?.families ?? [
    { afi: 'ipv6', safi: 'unicast' },
    { afi: 'ipv4', safi: 'unicast' },
  ]) as { afi: string; safi: string; advertisements?: import('./label-selector.js').LabelSelector }[];
  const advertise: AdvertisedPrefix[] = [];
  const usable: SpeakerPeer['families'] = [];
  families.forEach((f, i) => {
    if (f.safi !== 'unicast' || (f.afi !== 'ipv4' && f.afi !== 'ipv6')) {
      problems.add({ file: pcDoc?.file ?? ccFile, field: `spec.families[${i}]`, line: pcDoc?.lineOf(['spec', 'families', i]), message: `${f.afi}/${f.safi} is not emulated (only ipv4/unicast and ipv6/unicast do anything in Cilium)` });
      return;
    }
    usable.push({ afi: f.afi, safi: 'unicast' });
    if (f.afi !== 'ipv4' || !f.advertisements) return; // nil selector: nothing advertised (Cilium semantics)
    for (const adv of advertisements.filter((a) => selectorMatches(f.advertisements!, a.metadata.labels ?? {}))) {
      for (const entry of adv.spec.advertisements) {
        if (entry.advertisementType !== 'Service' || !entry.service || !entry.selector) continue;
        if (!entry.service.addresses.includes('LoadBalancerIP')) continue;
        for (const { s } of lbServices) {
          if (!selectorMatches(entry.selector, serviceSelectorLabels(s))) continue;
          const model = services.find((m) => m.key === serviceKey(s));
          if (!model?.vip) continue;
          // externalTrafficPolicy Local: only nodes with a local backend advertise.
          if (model.externalTrafficPolicy === 'Local' && !model.pods.some((p) => p.node === node.name)) continue;
          if (!advertise.some((a) => a.prefix === `${model.vip}/32`)) advertise.push({ prefix: `${model.vip}/32`, service: model.key });
        }
      }
    }
  });
  return {
    name,
    address,
    asn,
    port: spec?.transport?.peerPort ?? CILIUM_DEFAULTS.peerPort,
    connectRetrySeconds: spec?.timers?.connectRetryTimeSeconds ?? CILIUM_DEFAULTS.connectRetryTimeSeconds,
    holdSeconds: spec?.timers?.holdTimeSeconds ?? CILIUM_DEFAULTS.holdTimeSeconds,
    keepaliveSeconds: spec?.timers?.keepAliveTimeSeconds ?? CILIUM_DEFAULTS.keepAliveTimeSeconds,
    password,
    passwordSource,
    gracefulRestart: spec?.gracefulRestart?.enabled ? { restartTimeSeconds: spec.gracefulRestart.restartTimeSeconds ?? CILIUM_DEFAULTS.restartTimeSeconds } : undefined,
    ebgpMultihop: spec?.ebgpMultihop ?? CILIUM_DEFAULTS.ebgpMultihop,
    families: usable,
    advertise,
    source: { clusterConfig: ccFile, peer: peerAt, peerConfig: pcDoc?.file },
  };
}

/**
 * Checks each block of a pool, naming the field at fault. Returns false when a block cannot
 * be read: such a pool then takes no part in LB-IPAM (nothing later trips over its addresses).
 */
function checkPool(p: IpPool, doc: YamlDoc, problems: ProblemList): boolean {
  let ok = true;
  p.spec.blocks.forEach((b, i) => {
    const bad = (field: 'cidr' | 'start' | 'stop' | undefined, message: string) => {
      const path = ['spec', 'blocks', i, ...(field ? [field] : [])];
      problems.add({ file: doc.file, field: pathToString(path), line: doc.lineOf(path), message });
      ok = false;
    };
    if (b.cidr && (b.start || b.stop)) bad(undefined, 'a block is either cidr or start/stop, not both');
    else if (!b.cidr && !b.start) bad(undefined, 'a block needs cidr or start');
    else if (b.cidr) {
      const e = cidrError(b.cidr);
      if (e) bad('cidr', e);
    } else {
      const startError = ipv4Error(b.start!);
      const stopError = b.stop === undefined ? undefined : ipv4Error(b.stop);
      if (startError) bad('start', startError);
      if (stopError) bad('stop', stopError);
      if (!startError && !stopError && b.stop && ipToInt(b.start!) > ipToInt(b.stop)) bad('stop', `stop ${b.stop} is below start ${b.start}`);
    }
  });
  return ok;
}

/**
 * Why a peerAddress cannot be used; undefined for an IPv4 address. The CRD's pattern
 * (ciliumbgpclusterconfigs.yaml, v2 and v2alpha1) takes a bare IPv4 or IPv6 address, so
 * "192.0.2.1/32" (the older CiliumBGPPeeringPolicy's notation) is rejected by the API server.
 */
function peerAddressError(address: string): string | undefined {
  const prefixed = /^(.+)\/\d+$/.exec(address)?.[1];
  if (prefixed && (isIPv4(prefixed) || ipaddr.IPv6.isValid(prefixed))) {
    return `"${address}" is a prefix: CiliumBGPClusterConfig takes a bare IP address (the CRD's pattern allows no prefix length; /32 notation was CiliumBGPPeeringPolicy's), write ${prefixed}`;
  }
  if (ipaddr.IPv6.isValid(address)) return `"${address}" is an IPv6 address: IPv6 peers are not emulated`;
  return ipv4Error(address);
}

function checkAdvertisement(a: Advertisement, doc: YamlDoc, problems: ProblemList): void {
  a.spec.advertisements.forEach((e, i) => {
    const at = (f: string) => ({ file: doc.file, field: `spec.advertisements[${i}].${f}`, line: doc.lineOf(['spec', 'advertisements', i, f]) });
    if (e.advertisementType !== 'Service') problems.add({ ...at('advertisementType'), message: `${e.advertisementType} advertisements are not emulated (only Service)` });
    if (e.advertisementType === 'Service' && !e.service) problems.add({ ...at('service'), message: 'required when advertisementType is Service' });
    if (e.service) {
      for (const addr of e.service.addresses) if (addr !== 'LoadBalancerIP') problems.add({ ...at('service'), message: `${addr} advertisement is not emulated (only LoadBalancerIP)` });
      if (e.service.aggregationLengthIPv4 !== undefined || e.service.aggregationLengthIPv6 !== undefined) problems.add({ ...at('service'), message: 'aggregation is not emulated' });
    }
    if (e.attributes) problems.add({ ...at('attributes'), message: 'path attributes (communities, local preference) are not emulated' });
    if (e.interface) problems.add({ ...at('interface'), message: 'Interface advertisements are not emulated' });
  });
}

function checkClusterConfig(c: ClusterConfig, doc: YamlDoc, problems: ProblemList): void {
  c.spec.bgpInstances.forEach((inst, i) => {
    if (inst.localPort !== undefined) problems.add({ file: doc.file, field: `spec.bgpInstances[${i}].localPort`, line: doc.lineOf(['spec', 'bgpInstances', i, 'localPort']), message: 'a listening Cilium speaker is not emulated (Cilium dials out only by default)' });
    (inst.peers ?? []).forEach((p, j) => {
      if (p.autoDiscovery) problems.add({ file: doc.file, field: `spec.bgpInstances[${i}].peers[${j}].autoDiscovery`, line: doc.lineOf(['spec', 'bgpInstances', i, 'peers', j, 'autoDiscovery']), message: 'peer auto-discovery is not emulated' });
    });
  });
}

/** Places each Deployment's replicas round-robin on the cluster's nodes and resolves the echo identity. */
function placePods(cluster: string, nodes: K8sNodeModel[], deployments: { d: Deployment; doc: YamlDoc }[], configMaps: ConfigMap[], problems: ProblemList): EchoPod[] {
  const pods: EchoPod[] = [];
  for (const { d, doc } of deployments) {
    const ns = d.metadata.namespace ?? 'default';
    const c = d.spec.template.spec.containers[0]!;
    if (d.spec.template.spec.containers.length > 1 || !ECHO_IMAGE.test(c.image)) {
      problems.add({ file: doc.file, field: 'spec.template.spec.containers', line: doc.lineOf(['spec', 'template', 'spec', 'containers']), message: 'the netns provider emulates one traefik/whoami container per pod; other workloads are not emulated' });
      continue;
    }
    const replicas = d.spec.replicas ?? 1;
    for (let i = 0; i < replicas && nodes.length > 0; i++) {
      const node = nodes[i % nodes.length]!;
      const podName = `${d.metadata.name}-netns-${i}`;
      const env = resolveEnv(c.env ?? [], { cluster, node: node.name, pod: podName, namespace: ns }, configMaps, ns, doc, problems);
      const portArg = c.args?.find((a) => a.startsWith('--port='))?.slice('--port='.length);
      const port = Number(portArg ?? env.WHOAMI_PORT_NUMBER ?? 80);
      pods.push({ name: podName, namespace: ns, node: node.name, deployment: d.metadata.name, labels: d.spec.template.metadata.labels, whoamiName: env.WHOAMI_NAME ?? '', containerPort: port });
    }
  }
  return pods;
}

function resolveEnv(
  vars: NonNullable<Deployment['spec']['template']['spec']['containers'][0]['env']>,
  ctx: { cluster: string; node: string; pod: string; namespace: string },
  configMaps: ConfigMap[],
  namespace: string,
  doc: YamlDoc,
  problems: ProblemList,
): Record<string, string> {
  const env: Record<string, string> = {};
  vars.forEach((v, i) => {
    const at = { file: doc.file, field: `spec.template.spec.containers[0].env[${i}]`, line: doc.lineOf(['spec', 'template', 'spec', 'containers', 0, 'env', i]) };
    if (v.value !== undefined) {
      // Kubernetes expands $(VAR) from variables defined earlier in the list.
      env[v.name] = v.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => env[n] ?? m);
    } else if (v.valueFrom?.configMapKeyRef) {
      const ref = v.valueFrom.configMapKeyRef;
      const cm = configMaps.find((c) => c.metadata.name === ref.name && (c.metadata.namespace ?? 'default') === namespace);
      const val = cm?.data?.[ref.key];
      if (val === undefined && !ref.optional) problems.add({ ...at, message: `ConfigMap ${namespace}/${ref.name} with key "${ref.key}" is not in this cluster's fixtures (the pod would not start)` });
      if (val !== undefined) env[v.name] = val;
    } else if (v.valueFrom?.fieldRef) {
      const fields: Record<string, string> = { 'spec.nodeName': ctx.node, 'metadata.name': ctx.pod, 'metadata.namespace': ctx.namespace };
      const val = fields[v.valueFrom.fieldRef.fieldPath];
      if (val === undefined) problems.add({ ...at, message: `fieldRef ${v.valueFrom.fieldRef.fieldPath} is not emulated (spec.nodeName, metadata.name, metadata.namespace are)` });
      else env[v.name] = val;
    } else problems.add({ ...at, message: 'only value, configMapKeyRef and fieldRef are emulated' });
  });
  return env;
}
