/**
 * The lab model: everything the providers and suites need, read from the containerlab
 * topology, the FRR configs it binds and the Cilium/Kubernetes fixtures. This is the only
 * place an address, ASN, timer or password enters the code; everything downstream reads
 * it from here.
 */
import { DEFAULT_INTENT, loadIntent, type LoadedIntent } from './intent.js';
import { describeHashing, HASH_FIELDS, HASH_POLICY, hashingOf, hashingSysctls, type FabricHashing } from './hashing.js';
import { resolve } from 'node:path';
import { LabConfigError, ProblemList } from './errors.js';
import { parseDaemons, type FrrDaemons } from './frr-daemons.js';
import { parseFrrConfig, withDaemonsProfile, type FrrConfig } from './frr-config.js';
import { parseExecLine, type HostAddress, type HostRoute } from './host-exec.js';
import { parseCidr } from './ipv4.js';
import { loadManifests, type Manifest } from './manifests.js';
import {
  LABEL_BRIDGE,
  LABEL_CLUSTER,
  LABEL_NODE_IP,
  loadTopology,
  type TopoLink,
  type TopoNode,
  type Topology,
} from './topology.js';
import { displayPath } from './yaml-file.js';
import { resolveClusters, type ClusterModel } from './clusters.js';
import { runCrossChecks } from './cross-checks.js';

export interface RouterModel {
  name: string;
  node: TopoNode;
  frr: FrrConfig;
  /** Host paths of the files the topology binds into /etc/frr. */
  frrConfPath: string;
  daemonsPath: string;
  vtyshConfPath?: string;
  daemons: FrrDaemons;
  sysctls: Record<string, string>;
  /** Interfaces with their first IPv4 address in CIDR form, from frr.conf. */
  interfaces: Record<string, string[]>;
}

export interface HostModel {
  name: string;
  node: TopoNode;
  addresses: HostAddress[];
  routes: HostRoute[];
}

export interface K8sNodeModel {
  name: string;
  cluster: string;
  /** InternalIP without prefix length. */
  ip: string;
  cidr: string;
  bridge: string;
  /** The node's interface on its bridge (eth0 in a minikube container). */
  iface: string;
  routes: HostRoute[];
  node: TopoNode;
}

export interface LabModel {
  root: string;
  /** Absolute path of the fixtures folder. */
  fixturesDir: string;
  name: string;
  topology: Topology;
  routers: Record<string, RouterModel>;
  hosts: Record<string, HostModel>;
  bridges: string[];
  k8sNodes: Record<string, K8sNodeModel>;
  clusters: Record<string, ClusterModel>;
  links: TopoLink[];
  hashing: FabricHashing;
  /** The declared intent (intent.yaml), when the project has one. */
  intent?: LoadedIntent;
  /** What this model was loaded from: loadModelFrom(source) loads it again. */
  source: ModelSource;
}

export interface LoadOptions {
  /** Project root; file names in messages are relative to it. */
  root: string;
  topologyFile?: string;
  fixturesDir?: string;
  /** Default: intent.yaml in the project root (optional). */
  intentFile?: string;
}

/**
 * The files a model was read from (absolute paths) and the hash-policy override it carries:
 * enough to load the same model again. `up` records it in the lab's run state, and a test
 * run's global setup hands it to the workers, so every reader of a running lab loads the
 * model it was built from, not the project root's default files.
 */
export interface ModelSource extends LoadOptions {
  root: string;
  topologyFile: string;
  fixturesDir: string;
  intentFile: string;
  /** `up --hash-policy`: the override withHashing applied to the files' policy. */
  hashing?: FabricHashing;
  /** A scenario lab's name (withLabName): the same files, run under another name beside the run's lab. */
  name?: string;
}

export const DEFAULT_TOPOLOGY = 'containerlab/anycast.clab.yml';
export const DEFAULT_FIXTURES = 'fixtures';

/** Loads and checks every input file. Throws LabConfigError listing every problem found. */
export function loadLabModel(opts: LoadOptions): LabModel {
  const root = resolve(opts.root);
  const problems = new ProblemList();
  const topoPath = resolve(root, opts.topologyFile ?? DEFAULT_TOPOLOGY);
  const topology = loadTopology(root, topoPath, problems);
  if (!topology) throw new LabConfigError(problems.items);
  const { routers, hosts, k8sNodes, bridges } = readNodes(root, topology, problems);

  const clusterNames = [...new Set(Object.values(k8sNodes).map((n) => n.cluster))].sort();
  const fixturesDir = resolve(root, opts.fixturesDir ?? DEFAULT_FIXTURES);
  const manifests: Record<string, Manifest[]> = loadManifests(root, fixturesDir, clusterNames, problems);
  const clients = Object.values(hosts).flatMap((h) =>
    h.addresses.map((a) => ({ name: h.name, ip: a.cidr.split('/')[0]! })),
  );
  const clusters = resolveClusters(clusterNames, k8sNodes, manifests, problems, clients);

  const intentFile = resolve(root, opts.intentFile ?? DEFAULT_INTENT);
  const model: LabModel = {
    root,
    fixturesDir,
    name: topology.name,
    topology,
    routers,
    hosts,
    bridges,
    k8sNodes,
    clusters,
    links: topology.links,
    hashing: fabricHashing(routers, problems, topology.file),
    intent: loadIntent(root, intentFile, problems),
    source: { root, topologyFile: topoPath, fixturesDir, intentFile },
  };
  if (problems.empty) runCrossChecks(model, problems);
  problems.throwIfAny();
  return model;
}

/** Where a problem with one of a node's fields sits in the topology file. */
type FieldAt = (field: string) => { file: string; field: string; line?: number };

/** The topology's nodes by role: FRR routers (they bind an frr.conf), hosts, Kubernetes nodes, bridges. */
function readNodes(
  root: string,
  topology: Topology,
  problems: ProblemList,
): Pick<LabModel, 'routers' | 'hosts' | 'k8sNodes' | 'bridges'> {
  const routers: Record<string, RouterModel> = {};
  const hosts: Record<string, HostModel> = {};
  const k8sNodes: Record<string, K8sNodeModel> = {};
  const bridges: string[] = [];
  const file = topology.file;
  for (const node of Object.values(topology.nodes)) {
    const at: FieldAt = (field) => ({ file, field: `topology.nodes.${node.name}.${field}`, line: node.line });
    if (node.kind === 'bridge') bridges.push(node.name);
    else if (node.kind === 'ext-container') {
      const k8sNode = readK8sNode(node, at, problems);
      if (k8sNode) k8sNodes[node.name] = k8sNode;
    } else {
      const frrBind = node.binds.find((b) => b.containerPath === '/etc/frr/frr.conf');
      if (frrBind) {
        const router = readRouter(root, node, frrBind.hostPath, at, problems);
        if (router) routers[node.name] = router;
      } else hosts[node.name] = readHost(node, at, problems);
    }
  }
  return { routers, hosts, k8sNodes, bridges };
}

/** A Kubernetes node (an ext-container): its cluster, address and bridge from its labels, its routes from exec. */
function readK8sNode(node: TopoNode, at: FieldAt, problems: ProblemList): K8sNodeModel | undefined {
  const cluster = node.labels[LABEL_CLUSTER];
  const ipLabel = node.labels[LABEL_NODE_IP];
  const bridge = node.labels[LABEL_BRIDGE];
  if (!cluster || !ipLabel || !bridge) {
    problems.add({
      ...at('labels'),
      message: `a Kubernetes node needs the labels ${LABEL_CLUSTER}, ${LABEL_NODE_IP} and ${LABEL_BRIDGE}`,
    });
    return undefined;
  }
  let cidr;
  try {
    cidr = parseCidr(ipLabel);
  } catch (err) {
    problems.add({ ...at(`labels.${LABEL_NODE_IP}`), message: (err as Error).message });
    return undefined;
  }
  const routes: HostRoute[] = [];
  node.exec.forEach((line, i) => {
    const e = parseExecLine(line);
    if ('error' in e) problems.add({ ...at(`exec[${i}]`), message: `"${line}": ${e.error}` });
    else if (e.type === 'route') routes.push(e.route);
    else
      problems.add({
        ...at(`exec[${i}]`),
        message: `"${line}": the node's address comes from the ${LABEL_NODE_IP} label (minikube --static-ip), not from exec`,
      });
  });
  return { name: node.name, cluster, ip: cidr.address, cidr: ipLabel, bridge, iface: 'eth0', routes, node };
}

/** An FRR router: its frr.conf and daemons file (both bound into /etc/frr), its sysctls. */
function readRouter(
  root: string,
  node: TopoNode,
  frrConfPath: string,
  at: FieldAt,
  problems: ProblemList,
): RouterModel | undefined {
  const daemonsBind = node.binds.find((b) => b.containerPath === '/etc/frr/daemons');
  const vtyshBind = node.binds.find((b) => b.containerPath === '/etc/frr/vtysh.conf');
  if (!daemonsBind) {
    problems.add({
      ...at('binds'),
      message: 'an FRR router must bind a daemons file to /etc/frr/daemons (the FRR image starts no bgpd without it)',
    });
    return undefined;
  }
  const parsed = parseFrrConfig(frrConfPath, displayPath(root, frrConfPath), problems);
  const daemons = parseDaemons(daemonsBind.hostPath, displayPath(root, daemonsBind.hostPath), problems);
  if (!parsed || !daemons) return undefined;
  const frr = withDaemonsProfile(parsed, daemons.profile?.name);
  if (node.exec.length > 0)
    problems.add({
      ...at('exec'),
      message: 'exec on an FRR router is not emulated: put addresses and routes in its frr.conf',
    });
  return {
    name: node.name,
    node,
    frr,
    frrConfPath,
    daemonsPath: daemonsBind.hostPath,
    vtyshConfPath: vtyshBind?.hostPath,
    daemons,
    sysctls: node.sysctls,
    interfaces: Object.fromEntries(Object.entries(frr.interfaces).map(([k, v]) => [k, v.addresses])),
  };
}

/** A plain Linux host (a client): its addresses and routes from exec; sysctls are not emulated on one. */
function readHost(node: TopoNode, at: FieldAt, problems: ProblemList): HostModel {
  const addresses: HostAddress[] = [];
  const routes: HostRoute[] = [];
  node.exec.forEach((line, i) => {
    const e = parseExecLine(line);
    if ('error' in e) problems.add({ ...at(`exec[${i}]`), message: `"${line}": ${e.error}` });
    else if (e.type === 'address') addresses.push(e.address);
    else routes.push(e.route);
  });
  if (Object.keys(node.sysctls).length > 0)
    problems.add({ ...at('sysctls'), message: 'sysctls on a host are not emulated' });
  return { name: node.name, node, addresses, routes };
}

function fabricHashing(routers: Record<string, RouterModel>, problems: ProblemList, file: string): FabricHashing {
  const seen = new Map<string, FabricHashing>();
  for (const r of Object.values(routers)) {
    const h = hashingOf(r.sysctls);
    seen.set(describeHashing(h), h);
  }
  if (seen.size > 1) {
    problems.add({
      file,
      field: `topology.nodes.*.sysctls.${HASH_POLICY}`,
      message: `the routers disagree on the ECMP hash policy/fields (${[...seen.keys()].join(' vs ')}); path prediction needs one policy fabric-wide`,
    });
  }
  return [...seen.values()][0] ?? { policy: 0 };
}

/** The model with every router's hash sysctls set to `h` (`up --hash-policy`): providers apply what the model holds. */
export function withHashing(model: LabModel, h: FabricHashing): LabModel {
  const routers = Object.fromEntries(
    Object.entries(model.routers).map(([name, r]) => {
      const { [HASH_POLICY]: _p, [HASH_FIELDS]: _f, ...rest } = r.sysctls;
      return [name, { ...r, sysctls: { ...rest, ...hashingSysctls(h) } }];
    }),
  );
  return { ...model, routers, hashing: h, source: { ...model.source, hashing: h } };
}

/**
 * The model under another lab name: the same routers, addresses and configs, in namespaces of
 * their own (every host-side name derives from the lab name), so copies run side by side.
 */
export function withLabName(model: LabModel, name: string): LabModel {
  return { ...model, name, source: { ...model.source, name } };
}

/** Whether two sources load the same model (the same files, the same override). */
export function sameSource(a: ModelSource, b: ModelSource): boolean {
  const h = (s: ModelSource) => (s.hashing ? describeHashing(s.hashing) : '');
  return (
    a.root === b.root &&
    a.topologyFile === b.topologyFile &&
    a.fixturesDir === b.fixturesDir &&
    a.intentFile === b.intentFile &&
    a.name === b.name &&
    h(a) === h(b)
  );
}

/** The model `source` describes: its files, with its hash-policy override applied. */
export function loadModelFrom(source: ModelSource): LabModel {
  const { hashing, name, ...files } = source;
  const loaded = loadLabModel(files);
  const model = hashing ? withHashing(loaded, hashing) : loaded;
  return name ? withLabName(model, name) : model;
}
