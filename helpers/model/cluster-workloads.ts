/**
 * A cluster's workloads as the netns provider emulates them: the echo pods each Deployment
 * places on the nodes (with their whoami identity), and each Service with the VIP LB-IPAM
 * hands it and the pods it selects.
 */
import { placementNodes } from './pod-placement.js';
import type { ProblemList } from './errors.js';
import type { IpPool } from './cilium-crds.js';
import type { ConfigMap, Deployment, Service } from './kube-objects.js';
import {
  allocateLoadBalancerIPs,
  isLbIpamService,
  poolSelects,
  serviceKey,
  serviceSelectorLabels,
  type Allocation,
} from './lb-ipam.js';
import { selectorMatches } from './label-selector.js';
import type { K8sNodeModel } from './lab-model.js';
import type { YamlDoc } from './yaml-file.js';
import type { ClusterObjects, DeploymentDoc, ServiceDoc } from './cluster-objects.js';

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
  /** Whether its readiness probe passes against the echo server (no probe: ready once started, as Kubernetes has it). */
  ready: boolean;
  /** Why it never becomes ready, when it does not. */
  notReady?: string;
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

const ECHO_IMAGE = /^(docker\.io\/)?traefik\/whoami(:|@|$)/;

/** Places each Deployment's replicas round-robin on the nodes its pods may run on (pod-placement.ts) and resolves the echo identity. */
export function placePods(
  cluster: string,
  nodes: K8sNodeModel[],
  deployments: DeploymentDoc[],
  configMaps: ConfigMap[],
  problems: ProblemList,
): EchoPod[] {
  const pods: EchoPod[] = [];
  for (const dep of deployments) {
    const { d, doc } = dep;
    const ns = d.metadata.namespace ?? 'default';
    const c = d.spec.template.spec.containers[0]!;
    if (d.spec.template.spec.containers.length > 1 || !ECHO_IMAGE.test(c.image)) {
      problems.add({
        file: doc.file,
        field: 'spec.template.spec.containers',
        line: doc.lineOf(['spec', 'template', 'spec', 'containers']),
        message: 'the netns provider emulates one traefik/whoami container per pod; other workloads are not emulated',
      });
      continue;
    }
    for (const kind of ['exec', 'grpc'] as const)
      if (c.readinessProbe?.[kind] !== undefined)
        problems.add({
          file: doc.file,
          field: `spec.template.spec.containers[0].readinessProbe.${kind}`,
          line: doc.lineOf(['spec', 'template', 'spec', 'containers', 0, 'readinessProbe', kind]),
          message: `${kind === 'exec' ? 'an' : 'a'} ${kind} readiness probe is not emulated (the netns lab runs httpGet and tcpSocket probes against the echo server)`,
        });
    const eligible = placementNodes(dep, cluster, nodes, problems);
    if (!eligible) continue;
    const replicas = d.spec.replicas ?? 1;
    for (let i = 0; i < replicas && eligible.length > 0; i++) {
      const node = eligible[i % eligible.length]!;
      const podName = `${d.metadata.name}-netns-${i}`;
      const env = resolveEnv(
        c.env ?? [],
        { cluster, node: node.name, pod: podName, namespace: ns },
        configMaps,
        ns,
        doc,
        problems,
      );
      const portArg = c.args?.find((a) => a.startsWith('--port='))?.slice('--port='.length);
      const port = Number(portArg ?? env.WHOAMI_PORT_NUMBER ?? 80);
      const notReady = probeFailure(c, port);
      pods.push({
        name: podName,
        namespace: ns,
        node: node.name,
        deployment: d.metadata.name,
        labels: d.spec.template.metadata.labels,
        whoamiName: env.WHOAMI_NAME ?? '',
        containerPort: port,
        ready: notReady === undefined,
        ...(notReady ? { notReady } : {}),
      });
    }
  }
  return pods;
}

/**
 * Why the container's readiness probe fails against the echo server (traefik/whoami answers
 * plain HTTP 200 on every path of the port it listens on), or undefined when it passes.
 */
function probeFailure(
  c: Deployment['spec']['template']['spec']['containers'][0],
  listening: number,
): string | undefined {
  const probe = c.readinessProbe;
  if (!probe) return undefined;
  const portOf = (p: number | string) =>
    typeof p === 'number' ? p : c.ports?.find((x) => x.name === p)?.containerPort;
  const check = probe.httpGet ?? probe.tcpSocket;
  if (!check) return undefined;
  const port = portOf(check.port);
  if (port === undefined) return `its readinessProbe names port "${check.port}", which the container does not declare`;
  if (port !== listening) return `its readinessProbe checks port ${port}; the echo server listens on ${listening}`;
  if (probe.httpGet?.scheme && probe.httpGet.scheme.toUpperCase() !== 'HTTP')
    return `its readinessProbe speaks ${probe.httpGet.scheme}; the echo server answers plain HTTP`;
  return undefined;
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
    const at = {
      file: doc.file,
      field: `spec.template.spec.containers[0].env[${i}]`,
      line: doc.lineOf(['spec', 'template', 'spec', 'containers', 0, 'env', i]),
    };
    if (v.value !== undefined) {
      // Kubernetes expands $(VAR) from variables defined earlier in the list.
      env[v.name] = v.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => env[n] ?? m);
    } else if (v.valueFrom?.configMapKeyRef) {
      const ref = v.valueFrom.configMapKeyRef;
      const cm = configMaps.find(
        (c) => c.metadata.name === ref.name && (c.metadata.namespace ?? 'default') === namespace,
      );
      const val = cm?.data?.[ref.key];
      if (val === undefined && !ref.optional)
        problems.add({
          ...at,
          message: `ConfigMap ${namespace}/${ref.name} with key "${ref.key}" is not in this cluster's fixtures (the pod would not start)`,
        });
      if (val !== undefined) env[v.name] = val;
    } else if (v.valueFrom?.fieldRef) {
      const fields: Record<string, string> = {
        'spec.nodeName': ctx.node,
        'metadata.name': ctx.pod,
        'metadata.namespace': ctx.namespace,
      };
      const val = fields[v.valueFrom.fieldRef.fieldPath];
      if (val === undefined)
        problems.add({
          ...at,
          message: `fieldRef ${v.valueFrom.fieldRef.fieldPath} is not emulated (spec.nodeName, metadata.name, metadata.namespace are)`,
        });
      else env[v.name] = val;
    } else problems.add({ ...at, message: 'only value, configMapKeyRef and fieldRef are emulated' });
  });
  return env;
}

/**
 * Each Service with the VIP LB-IPAM allocates it from the (readable) pools and the pods it
 * selects. A Service no pool serves is reported, unless a pool that selects it is unreadable
 * (that pool's problem says it all).
 */
export function resolveServices(
  cluster: string,
  objects: ClusterObjects,
  pods: EchoPod[],
  unreadablePools: IpPool[],
  problems: ProblemList,
): ServiceModel[] {
  const allocations = allocateLoadBalancerIPs(
    objects.pools,
    objects.services.map((x) => x.s),
  );
  return objects.services.map((service) => {
    const { s, doc } = service;
    const key = serviceKey(s);
    const namespace = s.metadata.namespace ?? 'default';
    const allocation = allocations.find((a) => a.service === key);
    const selected = selectedPods(s, pods);
    checkServicePorts(service, selected, objects.deployments, problems);
    for (const a of ['lbipam.cilium.io/sharing-key', 'io.cilium/lb-ipam-sharing-key'])
      if (s.metadata.annotations?.[a] !== undefined)
        problems.add({
          file: doc.file,
          field: `metadata.annotations.${a}`,
          line: doc.lineOf(['metadata', 'annotations', a]),
          message: 'LB-IPAM IP sharing between Services is not emulated (each Service gets its own VIP here)',
        });
    if (allocation?.reason && !unreadablePools.some((p) => poolSelects(p, s)))
      problems.add({
        file: doc.file,
        field: 'metadata.labels',
        line: doc.lineOf(['metadata']),
        message: `Service ${key} gets no LoadBalancer IP in cluster ${cluster}: ${allocation.reason}`,
      });
    return {
      key,
      namespace,
      name: s.metadata.name,
      labels: serviceSelectorLabels(s),
      vip: allocation?.ip,
      port: s.spec.ports[0]!.port,
      externalTrafficPolicy: s.spec.externalTrafficPolicy ?? 'Cluster',
      pods: selected,
      allocation,
    };
  });
}

/** The pods of the Service's namespace its selector matches (none without a selector). */
function selectedPods(s: Service, pods: EchoPod[]): EchoPod[] {
  const namespace = s.metadata.namespace ?? 'default';
  const selector = s.spec.selector;
  return pods.filter(
    (p) => p.namespace === namespace && selector !== undefined && selectorMatches({ matchLabels: selector }, p.labels),
  );
}

/** The Service's (first) port targets the port each selected echo container listens on, and an LB-IPAM Service has one port only. */
function checkServicePorts(
  { s, doc }: ServiceDoc,
  selected: EchoPod[],
  deployments: DeploymentDoc[],
  problems: ProblemList,
): void {
  const port = s.spec.ports[0]!;
  for (const pod of selected) {
    const d = deployments.find(
      (x) => x.d.metadata.name === pod.deployment && (x.d.metadata.namespace ?? 'default') === pod.namespace,
    )!;
    const target = port.targetPort ?? port.port;
    const cport =
      typeof target === 'number'
        ? target
        : d.d.spec.template.spec.containers[0]!.ports?.find((p) => p.name === target)?.containerPort;
    if (cport !== pod.containerPort) {
      problems.add({
        file: doc.file,
        field: 'spec.ports[0].targetPort',
        line: doc.lineOf(['spec', 'ports', 0]),
        message: `targets ${String(target)}, but the echo container listens on port ${pod.containerPort}`,
      });
    }
  }
  if (isLbIpamService(s) && s.spec.ports.length > 1) {
    problems.add({
      file: doc.file,
      field: 'spec.ports',
      line: doc.lineOf(['spec', 'ports']),
      message: 'the emulated echo serves one port per Service; more than one is not emulated',
    });
  }
}
