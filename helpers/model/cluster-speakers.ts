/**
 * For each node of a cluster, the BGP speaker Cilium would configure in its embedded GoBGP:
 * the CiliumBGPClusterConfig that selects the node, its instance, and each peer with the
 * PeerConfig it names (timers, graceful restart, MD5 from the auth Secret) and the exact
 * prefixes it exports to that peer.
 */
import ipaddr from 'ipaddr.js';
import type { ProblemList } from './errors.js';
import { CILIUM_DEFAULTS, type ClusterConfig, type PeerConfig } from './cilium-crds.js';
import type { Secret } from './kube-objects.js';
import { isLbIpamService, serviceKey, serviceSelectorLabels } from './lb-ipam.js';
import { selectorMatches, type LabelSelector } from './label-selector.js';
import type { K8sNodeModel } from './lab-model.js';
import { pathToString, type YamlDoc } from './yaml-file.js';
import { ipv4Error, isIPv4 } from './ipv4.js';
import type { ClusterObjects, ServiceDoc } from './cluster-objects.js';
import type { ServiceModel } from './cluster-workloads.js';
import { mergeByPrefix, pathAttributes, type PathAttributes } from './cilium-attributes.js';

export interface AdvertisedPrefix {
  prefix: string;
  /** Service the prefix belongs to, namespace/name. */
  service: string;
  /** The path attributes the advertisements that select it set (merged as Cilium merges them: ./cilium-attributes.ts). */
  attributes: PathAttributes;
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

type InstancePeer = NonNullable<ClusterConfig['spec']['bgpInstances'][number]['peers']>[number];
type Family = { afi: string; safi: string; advertisements?: LabelSelector };

/** Cilium's families when a PeerConfig names none (or there is no PeerConfig). */
const DEFAULT_FAMILIES: Family[] = [
  { afi: 'ipv6', safi: 'unicast' },
  { afi: 'ipv4', safi: 'unicast' },
];

/** What resolving one node's speaker reads: the cluster's objects and Services, and the node. */
interface SpeakerContext {
  cluster: string;
  objects: ClusterObjects;
  /** The LB-IPAM Services, whose VIPs an advertisement can export. */
  lbServices: ServiceDoc[];
  services: ServiceModel[];
  node: K8sNodeModel;
  problems: ProblemList;
}

/** The speaker of each node some CiliumBGPClusterConfig selects (and that can start one), by node name. */
export function resolveSpeakers(
  cluster: string,
  nodes: K8sNodeModel[],
  objects: ClusterObjects,
  services: ServiceModel[],
  problems: ProblemList,
): Record<string, SpeakerIntent> {
  const speakers: Record<string, SpeakerIntent> = {};
  const lbServices = objects.services.filter((x) => isLbIpamService(x.s));
  for (const node of nodes) {
    const speaker = resolveSpeaker({ cluster, objects, lbServices, services, node, problems });
    if (speaker) speakers[node.name] = speaker;
  }
  return speakers;
}

/** The node's speaker from the first ClusterConfig that selects it; undefined when none does or its instance has no local ASN. */
function resolveSpeaker(ctx: SpeakerContext): SpeakerIntent | undefined {
  const { node, problems } = ctx;
  const c = clusterConfigOf(ctx);
  if (!c) return undefined;
  const cdoc = ctx.objects.fileOf.get(c)!;
  if (c.spec.bgpInstances.length > 1) {
    problems.add({
      file: cdoc.file,
      field: 'spec.bgpInstances',
      line: cdoc.lineOf(['spec', 'bgpInstances', 1]),
      message: 'more than one BGP instance per node is not emulated',
    });
  }
  const inst = c.spec.bgpInstances[0]!;
  if (inst.localASN === undefined) {
    problems.add({
      file: cdoc.file,
      field: 'spec.bgpInstances[0].localASN',
      line: cdoc.lineOf(['spec', 'bgpInstances', 0]),
      message: 'required: the Cilium agent cannot start a BGP instance without a local ASN',
    });
    return undefined;
  }
  const peers = (inst.peers ?? []).flatMap((p, i) => resolveInstancePeer(ctx, cdoc, p, i) ?? []);
  return { node: node.name, instance: inst.name, localASN: inst.localASN, routerId: node.ip, peers };
}

/** The ClusterConfig Cilium applies to the node: the first that selects it (a second is reported as a conflict). */
function clusterConfigOf({ objects, node, problems }: SpeakerContext): ClusterConfig | undefined {
  const cc = objects.clusterConfigs.filter(
    (c) => !c.spec.nodeSelector || selectorMatches(c.spec.nodeSelector, { 'kubernetes.io/hostname': node.name }),
  );
  if (cc.length > 1) {
    const f = objects.fileOf.get(cc[1]!)!;
    problems.add({
      file: f.file,
      field: 'spec.nodeSelector',
      line: f.lineOf(['spec']),
      message: `two CiliumBGPClusterConfigs select node ${node.name}; Cilium keeps only the first (cilium.io/ConflictingClusterConfig)`,
    });
  }
  return cc[0];
}

/** One peer of the node's BGP instance (spec.bgpInstances[0].peers[i]); undefined, with the problem reported, when Cilium would not dial it. */
function resolveInstancePeer(ctx: SpeakerContext, cdoc: YamlDoc, p: InstancePeer, i: number): SpeakerPeer | undefined {
  const { objects, problems } = ctx;
  const at = (field: string) => ({
    file: cdoc.file,
    field: `spec.bgpInstances[0].peers[${i}].${field}`,
    line: cdoc.lineOf(['spec', 'bgpInstances', 0, 'peers', i, ...field.split('.')]),
  });
  const target = peerTarget(p);
  if ('message' in target) {
    problems.add({ ...at(target.field), message: target.message });
    return undefined;
  }
  let pc: PeerConfig | undefined;
  if (p.peerConfigRef) {
    pc = objects.peerConfigs.find((x) => x.metadata.name === p.peerConfigRef!.name);
    if (!pc) {
      if (objects.invalid.has(`CiliumBGPPeerConfig/${p.peerConfigRef.name}`)) return undefined;
      problems.add({
        ...at('peerConfigRef.name'),
        message: `no CiliumBGPPeerConfig named "${p.peerConfigRef.name}" is applied to cluster ${ctx.cluster}`,
      });
      return undefined;
    }
  }
  const peerPath = ['spec', 'bgpInstances', 0, 'peers', i];
  const peerAt: PeerAt = {
    field: pathToString(peerPath),
    lines: { peerAddress: cdoc.lineOf([...peerPath, 'peerAddress']), peerASN: cdoc.lineOf([...peerPath, 'peerASN']) },
  };
  return resolvePeer(ctx, { name: p.name, ...target }, pc, cdoc.file, peerAt);
}

/** The address and ASN Cilium would dial, or the field that keeps it from dialling and why. */
function peerTarget(p: InstancePeer): { address: string; asn: number } | { field: string; message: string } {
  if (!p.peerAddress) return { field: 'peerAddress', message: 'required (autoDiscovery is not emulated)' };
  const addressError = peerAddressError(p.peerAddress);
  if (addressError) return { field: 'peerAddress', message: addressError };
  if (!p.peerASN)
    return { field: 'peerASN', message: 'set it explicitly: 0 (learn the ASN from the OPEN) is not emulated' };
  return { address: p.peerAddress, asn: p.peerASN };
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

/** The peer as Cilium's GoBGP runs it: the PeerConfig's settings over Cilium's defaults. */
function resolvePeer(
  ctx: SpeakerContext,
  peer: { name: string; address: string; asn: number },
  pc: PeerConfig | undefined,
  ccFile: string,
  peerAt: PeerAt,
): SpeakerPeer {
  const spec = pc?.spec;
  const pcDoc = pc ? ctx.objects.fileOf.get(pc) : undefined;
  const { password, passwordSource } = peerPassword(spec, pcDoc, ctx.objects, ctx.problems);
  const { families, advertise } = peerFamilies(ctx, spec, pcDoc, ccFile);
  return {
    name: peer.name,
    address: peer.address,
    asn: peer.asn,
    port: spec?.transport?.peerPort ?? CILIUM_DEFAULTS.peerPort,
    connectRetrySeconds: spec?.timers?.connectRetryTimeSeconds ?? CILIUM_DEFAULTS.connectRetryTimeSeconds,
    holdSeconds: spec?.timers?.holdTimeSeconds ?? CILIUM_DEFAULTS.holdTimeSeconds,
    keepaliveSeconds: spec?.timers?.keepAliveTimeSeconds ?? CILIUM_DEFAULTS.keepAliveTimeSeconds,
    password,
    passwordSource,
    gracefulRestart: spec?.gracefulRestart?.enabled
      ? { restartTimeSeconds: spec.gracefulRestart.restartTimeSeconds ?? CILIUM_DEFAULTS.restartTimeSeconds }
      : undefined,
    ebgpMultihop: spec?.ebgpMultihop ?? CILIUM_DEFAULTS.ebgpMultihop,
    families,
    advertise,
    source: { clusterConfig: ccFile, peer: peerAt, peerConfig: pcDoc?.file },
  };
}

/**
 * The TCP-MD5 password of the PeerConfig's auth Secret (in kube-system, Cilium's BGP secrets
 * namespace) and where it came from. A named Secret without one is reported on the PeerConfig,
 * unless it failed validation (data not base64, say): then it is reported on its own file.
 */
function peerPassword(
  spec: PeerConfig['spec'] | undefined,
  pcDoc: YamlDoc | undefined,
  objects: ClusterObjects,
  problems: ProblemList,
): { password?: string; passwordSource?: string } {
  if (!spec?.authSecretRef || !pcDoc) return { password: undefined, passwordSource: undefined };
  const ref = spec.authSecretRef;
  const secret = objects.secrets.find(
    (s) => s.metadata.name === ref && (s.metadata.namespace ?? 'default') === 'kube-system',
  );
  const password = secret && secretPassword(secret);
  const passwordSource = secret ? secretSource(ref, secret, objects.fileOf.get(secret)) : undefined;
  if (!password && !objects.invalid.has(`Secret/${ref}`)) {
    problems.add({
      file: pcDoc.file,
      field: 'spec.authSecretRef',
      line: pcDoc.lineOf(['spec', 'authSecretRef']),
      message: `no Secret "${ref}" with key "password" in kube-system (Cilium's BGP secrets namespace); Cilium would peer with an empty password`,
    });
  }
  return { password, passwordSource };
}

/** The Secret's `password` key: stringData as written, data base64-decoded. */
function secretPassword(secret: Secret): string | undefined {
  const fromData = secret.data?.password ? Buffer.from(secret.data.password, 'base64').toString('utf8') : undefined;
  return secret.stringData?.password ?? fromData;
}

/** The Secret, for messages: its name, with its file and the line of the password key. */
function secretSource(name: string, secret: Secret, doc: YamlDoc | undefined): string {
  const key = doc?.lineOf([secret.stringData?.password !== undefined ? 'stringData' : 'data', 'password']);
  return `Secret kube-system/${name}${doc ? ` (${doc.file}${key ? `:${key}` : ''})` : ''}`;
}

/** The families the peer runs (a family Cilium does nothing with is reported) and the prefixes its IPv4 family exports. */
function peerFamilies(
  ctx: SpeakerContext,
  spec: PeerConfig['spec'] | undefined,
  pcDoc: YamlDoc | undefined,
  ccFile: string,
): { families: SpeakerPeer['families']; advertise: AdvertisedPrefix[] } {
  const advertise: AdvertisedPrefix[] = [];
  const usable: SpeakerPeer['families'] = [];
  ((spec?.families ?? DEFAULT_FAMILIES) as Family[]).forEach((f, i) => {
    if (f.safi !== 'unicast' || (f.afi !== 'ipv4' && f.afi !== 'ipv6')) {
      ctx.problems.add({
        file: pcDoc?.file ?? ccFile,
        field: `spec.families[${i}]`,
        line: pcDoc?.lineOf(['spec', 'families', i]),
        message: `${f.afi}/${f.safi} is not emulated (only ipv4/unicast and ipv6/unicast do anything in Cilium)`,
      });
      return;
    }
    usable.push({ afi: f.afi, safi: 'unicast' });
    if (f.afi !== 'ipv4' || !f.advertisements) return; // nil selector: nothing advertised (Cilium semantics)
    advertise.push(...selectedVipPrefixes(ctx, f.advertisements));
  });
  return { families: usable, advertise: mergeByPrefix(advertise) };
}

/**
 * The /32 of each VIP the advertisements `selector` picks export from the node, in order, repeats
 * included (each with the attributes of the advertisement that picked it): LoadBalancerIP of each LB-IPAM Service with a VIP that a Service advertisement selects;
 * with externalTrafficPolicy Local, only from a node with a ready local backend.
 */
function selectedVipPrefixes(
  { objects, lbServices, services, node }: SpeakerContext,
  selector: LabelSelector,
): AdvertisedPrefix[] {
  const out: AdvertisedPrefix[] = [];
  for (const adv of objects.advertisements.filter((a) => selectorMatches(selector, a.metadata.labels ?? {}))) {
    for (const entry of adv.spec.advertisements) {
      if (entry.advertisementType !== 'Service' || !entry.service || !entry.selector) continue;
      if (!entry.service.addresses.includes('LoadBalancerIP')) continue;
      for (const { s } of lbServices) {
        if (!selectorMatches(entry.selector, serviceSelectorLabels(s))) continue;
        const model = services.find((m) => m.key === serviceKey(s));
        if (!model?.vip) continue;
        // externalTrafficPolicy Local: only nodes with a ready local backend advertise (Cilium 1.16–1.18
        // keeps only ready or serving-terminating endpoints of the EndpointSlice).
        if (model.externalTrafficPolicy === 'Local' && !model.pods.some((p) => p.node === node.name && p.ready))
          continue;
        out.push({ prefix: `${model.vip}/32`, service: model.key, attributes: pathAttributes(entry.attributes) });
      }
    }
  }
  return out;
}
