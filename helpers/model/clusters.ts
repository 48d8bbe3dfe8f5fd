/**
 * Resolves, per cluster, what Cilium would do with the fixtures: which VIP LB-IPAM hands
 * each Service, and for each node the BGP speaker Cilium would configure in its embedded
 * GoBGP (peers, timers, graceful restart, MD5, and the exact prefixes it exports).
 * This is the spec the netns provider's emulated node runs, and the expectation the
 * suites check on either provider.
 */
import { checkServiceFields, type LabClient } from './service-fields.js';
import type { ProblemList } from './errors.js';
import type { Advertisement, ClusterConfig, IpPool, PeerConfig } from './cilium-crds.js';
import type { K8sNodeModel } from './lab-model.js';
import type { Manifest } from './manifests.js';
import type { YamlDoc } from './yaml-file.js';
import {
  checkAdvertisementsSelectServices,
  checkClusterObjects,
  checkFamiliesSelectAdvertisements,
  readClusterObjects,
} from './cluster-objects.js';
import { placePods, resolveServices, type EchoPod, type ServiceModel } from './cluster-workloads.js';
import { resolveSpeakers, type SpeakerIntent } from './cluster-speakers.js';

export type { EchoPod, ServiceModel } from './cluster-workloads.js';
export type { AdvertisedPrefix, PeerAt, SpeakerIntent, SpeakerPeer } from './cluster-speakers.js';

export interface ClusterModel {
  name: string;
  nodes: string[];
  manifests: Manifest[];
  services: ServiceModel[];
  speakers: Record<string, SpeakerIntent>;
  pods: EchoPod[];
  /** Names of pools, peer configs, advertisements with their files, for messages. */
  objects: {
    pools: IpPool[];
    peerConfigs: PeerConfig[];
    advertisements: Advertisement[];
    clusterConfigs: ClusterConfig[];
  };
  /** The document each of `objects` was read from, so a cross-file check can name its file and line. */
  sources: ReadonlyMap<object, YamlDoc>;
}

export function resolveClusters(
  names: string[],
  nodes: Record<string, K8sNodeModel>,
  manifests: Record<string, Manifest[]>,
  problems: ProblemList,
  clients: LabClient[] = [],
): Record<string, ClusterModel> {
  const out: Record<string, ClusterModel> = {};
  for (const name of names) {
    const clusterNodes = Object.values(nodes).filter((n) => n.cluster === name);
    out[name] = resolveCluster(name, clusterNodes, manifests[name] ?? [], problems, clients);
  }
  return out;
}

function resolveCluster(
  name: string,
  nodes: K8sNodeModel[],
  manifests: Manifest[],
  problems: ProblemList,
  clients: LabClient[],
): ClusterModel {
  const { objects, unreadablePools } = checkClusterObjects(readClusterObjects(name, manifests, problems), problems);
  const pods = placePods(name, nodes, objects.deployments, objects.configMaps, problems);
  const services = resolveServices(name, objects, pods, unreadablePools, problems);
  checkServiceFields(objects.services, clients, problems);
  checkAdvertisementsSelectServices(name, objects, problems);
  checkFamiliesSelectAdvertisements(name, objects, problems);
  const speakers = resolveSpeakers(name, nodes, objects, services, problems);
  const { pools, peerConfigs, advertisements, clusterConfigs } = objects;
  return {
    name,
    nodes: nodes.map((n) => n.name),
    manifests,
    services,
    speakers,
    pods,
    objects: { pools, peerConfigs, advertisements, clusterConfigs },
    sources: objects.fileOf,
  };
}
