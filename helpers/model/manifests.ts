/**
 * Finds the fixtures each cluster gets. Layout (see fixtures/README.md):
 *   fixtures/<group>/*.yaml            applied to every cluster
 *   fixtures/<group>/<cluster>/*.yaml  applied to that cluster only
 * A sub-folder that names no cluster of the topology is an error (a typo would otherwise
 * silently drop its manifests).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ProblemList } from './errors.js';
import { displayPath, readYamlDocs, type YamlDoc } from './yaml-file.js';

export interface Manifest {
  doc: YamlDoc;
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
}

/** Apply order: what others depend on first (namespaces, secrets, config maps), workloads last. */
const KIND_ORDER = ['Namespace', 'Secret', 'ConfigMap', 'CiliumLoadBalancerIPPool', 'CiliumBGPAdvertisement', 'CiliumBGPPeerConfig', 'CiliumBGPClusterConfig', 'Deployment', 'Service'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export function loadManifests(root: string, fixturesDir: string, clusters: string[], problems: ProblemList): Record<string, Manifest[]> {
  const perCluster: Record<string, Manifest[]> = Object.fromEntries(clusters.map((c) => [c, []]));
  if (!existsSync(fixturesDir)) {
    problems.add({ file: displayPath(root, fixturesDir), field: '(folder)', message: 'fixtures folder not found' });
    return perCluster;
  }
  const before = problems.items.length;
  let objects = 0;
  for (const group of readdirSync(fixturesDir).sort()) {
    const groupDir = join(fixturesDir, group);
    if (!statSync(groupDir).isDirectory()) continue;
    const shared = yamlFiles(groupDir).flatMap((f) => toManifests(root, f, problems));
    objects += shared.length;
    for (const c of clusters) perCluster[c]!.push(...shared);
    for (const sub of readdirSync(groupDir).sort()) {
      const subDir = join(groupDir, sub);
      if (!statSync(subDir).isDirectory()) continue;
      if (!clusters.includes(sub)) {
        problems.add({ file: displayPath(root, subDir), field: '(folder)', message: `"${sub}" is not a cluster of the topology (clusters: ${clusters.join(', ')})` });
        continue;
      }
      const own = yamlFiles(subDir).flatMap((f) => toManifests(root, f, problems));
      objects += own.length;
      perCluster[sub]!.push(...own);
    }
  }
  // Nothing at all (and no file that failed to parse): the lab would start with no Cilium config.
  if (objects === 0 && problems.items.length === before) {
    problems.add({ file: displayPath(root, fixturesDir), field: '(folder)', message: 'no Kubernetes objects (*.yaml, *.yml) in it: the clusters would get no Cilium BGP configuration, no LB-IPAM pool and no workload' });
  }
  for (const c of clusters) perCluster[c]!.sort((a, b) => rank(a.kind) - rank(b.kind));
  return perCluster;
}

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

function toManifests(root: string, file: string, problems: ProblemList): Manifest[] {
  return readYamlDocs(root, file, problems).flatMap((doc) => {
    const d = doc.data as Record<string, unknown> | null;
    const meta = (d?.metadata ?? {}) as Record<string, unknown>;
    if (!d || typeof d !== 'object' || typeof d.kind !== 'string' || typeof d.apiVersion !== 'string' || typeof meta.name !== 'string') {
      problems.add({ file: doc.file, field: '(document)', message: 'not a Kubernetes object (apiVersion, kind and metadata.name are required)', line: doc.lineOf([]) });
      return [];
    }
    return [{ doc, kind: d.kind, apiVersion: d.apiVersion, name: meta.name, namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined }];
  });
}
