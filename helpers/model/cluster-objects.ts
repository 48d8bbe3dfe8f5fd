/**
 * A cluster's manifests as typed objects: each validated against its schema and sorted by kind,
 * then checked on its own (a pool's blocks, what an advertisement or a ClusterConfig asks for
 * that is not emulated), and for selectors that select nothing in the cluster.
 */
import type { ProblemList } from './errors.js';
import {
  advertisementSchema,
  clusterConfigSchema,
  ipPoolSchema,
  peerConfigSchema,
  UNSUPPORTED_CILIUM_KINDS,
  type Advertisement,
  type ClusterConfig,
  type IpPool,
  type PeerConfig,
} from './cilium-crds.js';
import {
  configMapSchema,
  deploymentSchema,
  namespaceSchema,
  secretSchema,
  serviceSchema,
  type ConfigMap,
  type Deployment,
  type Secret,
  type Service,
} from './kube-objects.js';
import { serviceSelectorLabels } from './lb-ipam.js';
import { selectorMatches } from './label-selector.js';
import type { Manifest } from './manifests.js';
import { pathToString, validateDoc, type YamlDoc } from './yaml-file.js';
import { cidrError, ipToInt, ipv4Error } from './ipv4.js';

export interface DeploymentDoc {
  d: Deployment;
  doc: YamlDoc;
}

export interface ServiceDoc {
  s: Service;
  doc: YamlDoc;
}

/** The valid objects of one cluster's manifests, by kind, in the order they were applied. */
export interface ClusterObjects {
  pools: IpPool[];
  peerConfigs: PeerConfig[];
  advertisements: Advertisement[];
  clusterConfigs: ClusterConfig[];
  secrets: Secret[];
  configMaps: ConfigMap[];
  deployments: DeploymentDoc[];
  services: ServiceDoc[];
  /** The document each pool, peer config, advertisement, cluster config, Secret and ConfigMap was read from. */
  fileOf: Map<object, YamlDoc>;
  /** Objects that failed validation (`Kind/name`): references to them are not reported again as missing. */
  invalid: Set<string>;
}

/** Validates each manifest and sorts the valid ones by kind; a duplicate within the cluster or an unknown kind is a problem. */
export function readClusterObjects(cluster: string, manifests: Manifest[], problems: ProblemList): ClusterObjects {
  const objects: ClusterObjects = {
    pools: [],
    peerConfigs: [],
    advertisements: [],
    clusterConfigs: [],
    secrets: [],
    configMaps: [],
    deployments: [],
    services: [],
    fileOf: new Map(),
    invalid: new Set(),
  };
  const seen = new Set<string>();
  for (const m of manifests) {
    const id = `${m.kind}/${m.namespace ?? ''}/${m.name}`;
    // Shared manifests appear once per cluster; only a true duplicate within one cluster is an error.
    if (seen.has(id)) {
      problems.add({
        file: m.doc.file,
        field: 'metadata.name',
        line: m.doc.lineOf(['metadata', 'name']),
        message: `${m.kind} "${m.name}" is defined twice for cluster ${cluster}`,
      });
      continue;
    }
    seen.add(id);
    sortManifest(m, objects, problems);
  }
  return objects;
}

/** Validates one manifest against the schema of its kind and files the object under its kind. */
function sortManifest(m: Manifest, objects: ClusterObjects, problems: ProblemList): void {
  const keep = <T extends object>(v: T | undefined, list: T[]) => {
    if (v) {
      list.push(v);
      objects.fileOf.set(v, m.doc);
    } else objects.invalid.add(`${m.kind}/${m.name}`);
  };
  switch (m.kind) {
    case 'CiliumLoadBalancerIPPool':
      keep(validateDoc(m.doc, ipPoolSchema, problems), objects.pools);
      break;
    case 'CiliumBGPPeerConfig':
      keep(validateDoc(m.doc, peerConfigSchema, problems), objects.peerConfigs);
      break;
    case 'CiliumBGPAdvertisement':
      keep(validateDoc(m.doc, advertisementSchema, problems), objects.advertisements);
      break;
    case 'CiliumBGPClusterConfig':
      keep(validateDoc(m.doc, clusterConfigSchema, problems), objects.clusterConfigs);
      break;
    case 'Secret':
      keep(validateDoc(m.doc, secretSchema, problems), objects.secrets);
      break;
    case 'ConfigMap':
      keep(validateDoc(m.doc, configMapSchema, problems), objects.configMaps);
      break;
    case 'Namespace':
      validateDoc(m.doc, namespaceSchema, problems);
      break;
    case 'Deployment': {
      const d = validateDoc(m.doc, deploymentSchema, problems);
      if (d) objects.deployments.push({ d, doc: m.doc });
      break;
    }
    case 'Service': {
      const s = validateDoc(m.doc, serviceSchema, problems);
      if (s) objects.services.push({ s, doc: m.doc });
      break;
    }
    default:
      problems.add({
        file: m.doc.file,
        field: 'kind',
        line: m.doc.lineOf(['kind']),
        message: UNSUPPORTED_CILIUM_KINDS.includes(m.kind)
          ? `${m.kind} is not emulated by anycast-verify`
          : `${m.apiVersion} ${m.kind} is not a kind anycast-verify knows how to apply or emulate`,
      });
  }
}

/**
 * Checks each pool, advertisement and ClusterConfig on its own. A pool with an unreadable block
 * is reported here and left out of the objects returned (so out of LB-IPAM and the cross-checks);
 * `unreadablePools` lists them.
 */
export function checkClusterObjects(
  objects: ClusterObjects,
  problems: ProblemList,
): { objects: ClusterObjects; unreadablePools: IpPool[] } {
  const unreadablePools = objects.pools.filter((p) => !checkPool(p, objects.fileOf.get(p)!, problems));
  for (const a of objects.advertisements) checkAdvertisement(a, objects.fileOf.get(a)!, problems);
  for (const c of objects.clusterConfigs) checkClusterConfig(c, objects.fileOf.get(c)!, problems);
  return { objects: { ...objects, pools: objects.pools.filter((p) => !unreadablePools.includes(p)) }, unreadablePools };
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
      if (!startError && !stopError && b.stop && ipToInt(b.start!) > ipToInt(b.stop))
        bad('stop', `stop ${b.stop} is below start ${b.start}`);
    }
  });
  return ok;
}

function checkAdvertisement(a: Advertisement, doc: YamlDoc, problems: ProblemList): void {
  a.spec.advertisements.forEach((e, i) => {
    const at = (f: string) => ({
      file: doc.file,
      field: `spec.advertisements[${i}].${f}`,
      line: doc.lineOf(['spec', 'advertisements', i, f]),
    });
    if (e.advertisementType !== 'Service')
      problems.add({
        ...at('advertisementType'),
        message: `${e.advertisementType} advertisements are not emulated (only Service)`,
      });
    if (e.advertisementType === 'Service' && !e.service)
      problems.add({ ...at('service'), message: 'required when advertisementType is Service' });
    if (e.service) {
      for (const addr of e.service.addresses)
        if (addr !== 'LoadBalancerIP')
          problems.add({ ...at('service'), message: `${addr} advertisement is not emulated (only LoadBalancerIP)` });
      if (e.service.aggregationLengthIPv4 !== undefined || e.service.aggregationLengthIPv6 !== undefined)
        problems.add({ ...at('service'), message: 'aggregation is not emulated' });
    }
    if (e.interface) problems.add({ ...at('interface'), message: 'Interface advertisements are not emulated' });
  });
}

function checkClusterConfig(c: ClusterConfig, doc: YamlDoc, problems: ProblemList): void {
  c.spec.bgpInstances.forEach((inst, i) => {
    if (inst.localPort !== undefined)
      problems.add({
        file: doc.file,
        field: `spec.bgpInstances[${i}].localPort`,
        line: doc.lineOf(['spec', 'bgpInstances', i, 'localPort']),
        message: 'a listening Cilium speaker is not emulated (Cilium dials out only by default)',
      });
    (inst.peers ?? []).forEach((p, j) => {
      if (p.autoDiscovery)
        problems.add({
          file: doc.file,
          field: `spec.bgpInstances[${i}].peers[${j}].autoDiscovery`,
          line: doc.lineOf(['spec', 'bgpInstances', i, 'peers', j, 'autoDiscovery']),
          message: 'peer auto-discovery is not emulated',
        });
    });
  });
}

/** An advertisement whose Service selector matches no Service of this cluster advertises nothing: say so. */
export function checkAdvertisementsSelectServices(
  cluster: string,
  objects: ClusterObjects,
  problems: ProblemList,
): void {
  for (const adv of objects.advertisements) {
    const doc = objects.fileOf.get(adv)!;
    adv.spec.advertisements.forEach((e, i) => {
      if (e.advertisementType !== 'Service' || !e.service) return;
      const at = {
        file: doc.file,
        field: `spec.advertisements[${i}].selector`,
        line: doc.lineOf(['spec', 'advertisements', i, 'selector']),
      };
      if (!e.selector)
        problems.add({
          ...at,
          message:
            'no selector: Cilium then advertises no Service (select all with a NotIn expression on a never-used value)',
        });
      else if (!objects.services.some(({ s }) => selectorMatches(e.selector!, serviceSelectorLabels(s))))
        problems.add({ ...at, message: `selects no Service in cluster ${cluster}` });
    });
  }
}

/** A PeerConfig family whose advertisement selector matches no CiliumBGPAdvertisement of this cluster advertises nothing: say so. */
export function checkFamiliesSelectAdvertisements(
  cluster: string,
  objects: ClusterObjects,
  problems: ProblemList,
): void {
  for (const pc of objects.peerConfigs) {
    const doc = objects.fileOf.get(pc)!;
    (pc.spec.families ?? []).forEach((f, i) => {
      if (
        f.advertisements &&
        !objects.advertisements.some((a) => selectorMatches(f.advertisements!, a.metadata.labels ?? {}))
      ) {
        problems.add({
          file: doc.file,
          field: `spec.families[${i}].advertisements`,
          line: doc.lineOf(['spec', 'families', i, 'advertisements']),
          message: `selects no CiliumBGPAdvertisement in cluster ${cluster} (they are selected by their metadata.labels)`,
        });
      }
    });
  }
}
