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
const KIND_ORDER = [
  'Namespace',
  'Secret',
  'ConfigMap',
  'CiliumLoadBalancerIPPool',
  'CiliumBGPAdvertisement',
  'CiliumBGPPeerConfig',
  'CiliumBGPClusterConfig',
  'Deployment',
  'Service',
];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export function loadManifests(
  root: string,
  fixturesDir: string,
  clusters: string[],
  problems: ProblemList,
): Record<string, Manifest[]> {
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
        problems.add({
          file: displayPath(root, subDir),
          field: '(folder)',
          message: `"${sub}" is not a cluster of the topology (clusters: ${clusters.join(', ')})`,
        });
        continue;
      }
      const own = yamlFiles(subDir).flatMap((f) => toManifests(root, f, problems));
      objects += own.length;
      perCluster[sub]!.push(...own);
    }
  }
  // Nothing at all (and no file that failed to parse): the lab would start with no Cilium config.
  if (objects === 0 && problems.items.length === before) {
    problems.add({
      file: displayPath(root, fixturesDir),
      field: '(folder)',
      message:
        'no Kubernetes objects (*.yaml, *.yml) in it: the clusters would get no Cilium BGP configuration, no LB-IPAM pool and no workload',
    });
  }
  for (const c of clusters) perCluster[c]!.sort((a, b) => rank(a.kind) - rank(b.kind));
  return perCluster;
}

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/**
 * Kubernetes' size limits, checked per object (one YAML document):
 * - Secret and ConfigMap: the API server's validation (ValidateSecret, ValidateConfigMap in
 *   kubernetes pkg/apis/core/validation/validation.go) sums the bytes of the values (Secret:
 *   `data` decoded, after `stringData` is merged into it; ConfigMap: `data` and `binaryData`
 *   decoded) and refuses a total above core.MaxSecretSize, 1 MiB. Keys and metadata do not
 *   count, and no other kind has such a rule.
 * - Every object: the API server writes it to etcd in one request, and etcd refuses a request
 *   over its --max-request-bytes, 1.5 MiB by default ("etcdserver: request is too large").
 *   Measured here as the object's JSON: what etcd stores for a custom resource; built-in
 *   kinds are stored as protobuf, about the same when long strings dominate. Fields the
 *   server adds (managedFields) come on top, so this is the least the request will be.
 */
const MAX_DATA_BYTES = 1024 * 1024;
const ETCD_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;

function sizeProblems(doc: YamlDoc, kind: string, id: string, problems: ProblemList): void {
  const d = doc.data as Record<string, unknown>;
  const entries = (o: unknown): [string, string][] =>
    o && typeof o === 'object' ? Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  const decoded = (v: string) => Buffer.from(v, 'base64').length;
  let values: number[] = [];
  if (kind === 'Secret') {
    // stringData is merged into data on write: a key in both counts once, with stringData's value.
    const merged = new Map(entries(d.data).map(([k, v]) => [k, decoded(v)]));
    for (const [k, v] of entries(d.stringData)) merged.set(k, Buffer.byteLength(v));
    values = [...merged.values()];
  } else if (kind === 'ConfigMap')
    values = [
      ...entries(d.data).map(([, v]) => Buffer.byteLength(v)),
      ...entries(d.binaryData).map(([, v]) => decoded(v)),
    ];
  const total = values.reduce((a, b) => a + b, 0);
  if (total > MAX_DATA_BYTES) {
    const field = d.data !== undefined ? 'data' : kind === 'Secret' ? 'stringData' : 'binaryData';
    problems.add({
      file: doc.file,
      field,
      line: doc.lineOf([field]),
      message: `${kind} data totals ${total} bytes; the API server refuses more than ${MAX_DATA_BYTES} (1 MiB)`,
    });
  }
  const json = Buffer.byteLength(JSON.stringify(d));
  if (json > ETCD_MAX_REQUEST_BYTES) {
    problems.add({
      file: doc.file,
      field: '(document)',
      line: doc.lineOf([]),
      message: `${kind} ${id} is ${json} bytes as JSON; etcd refuses a request over ${ETCD_MAX_REQUEST_BYTES} bytes (1.5 MiB, --max-request-bytes default)`,
    });
  }
}

function toManifests(root: string, file: string, problems: ProblemList): Manifest[] {
  return readYamlDocs(root, file, problems).flatMap((doc) => {
    const d = doc.data as Record<string, unknown> | null;
    const meta = (d?.metadata ?? {}) as Record<string, unknown>;
    if (
      !d ||
      typeof d !== 'object' ||
      typeof d.kind !== 'string' ||
      typeof d.apiVersion !== 'string' ||
      typeof meta.name !== 'string'
    ) {
      problems.add({
        file: doc.file,
        field: '(document)',
        message: 'not a Kubernetes object (apiVersion, kind and metadata.name are required)',
        line: doc.lineOf([]),
      });
      return [];
    }
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
    sizeProblems(doc, d.kind, namespace ? `${namespace}/${meta.name}` : meta.name, problems);
    return [{ doc, kind: d.kind, apiVersion: d.apiVersion, name: meta.name, namespace }];
  });
}
