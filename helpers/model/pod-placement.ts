/**
 * Which nodes a Deployment's pods may run on, as the scheduler would decide it from the fields
 * the emulation follows: `nodeName` pins them; `nodeSelector` keeps the nodes whose labels
 * match, with the labels every node carries (kubernetes.io/hostname = the node's name,
 * kubernetes.io/os = linux); `tolerations` allow what no node of the lab asks for (minikube's
 * node carries no taint), so they change nothing. `affinity` and `topologySpreadConstraints`
 * are rejected by name: the emulation places pods round-robin over the nodes left, and would
 * not follow them. A selector no node matches is rejected: every pod would stay Pending.
 */
import type { ProblemList } from './errors.js';
import type { K8sNodeModel } from './lab-model.js';
import type { DeploymentDoc } from './cluster-objects.js';

/** The labels the emulation knows a node to carry (a node's other labels are not in the lab's files). */
export function nodeLabels(node: K8sNodeModel): Record<string, string> {
  return { 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux' };
}

interface PodPlacementFields {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: unknown;
  topologySpreadConstraints?: unknown;
}

/** The nodes the Deployment's pods may be placed on (in node order), or undefined after a problem. */
export function placementNodes(
  { d, doc }: DeploymentDoc,
  cluster: string,
  nodes: K8sNodeModel[],
  problems: ProblemList,
): K8sNodeModel[] | undefined {
  const spec = d.spec.template.spec as PodPlacementFields;
  const path = (f: string) => ['spec', 'template', 'spec', f];
  const fail = (field: string, message: string, at = field.split('.')) => {
    problems.add({ file: doc.file, field: `spec.template.spec.${field}`, line: doc.lineOf(path(at[0]!)), message });
    return undefined;
  };
  for (const f of ['affinity', 'topologySpreadConstraints'] as const)
    if (spec[f] !== undefined)
      return fail(
        f,
        `${f} is not emulated: the netns provider places pods round-robin over the nodes nodeName and nodeSelector allow`,
      );
  let eligible = nodes;
  if (spec.nodeName !== undefined) {
    eligible = nodes.filter((n) => n.name === spec.nodeName);
    if (eligible.length === 0)
      return fail(
        'nodeName',
        `no node ${spec.nodeName} in cluster ${cluster} (its nodes: ${nodes.map((n) => n.name).join(', ')})`,
      );
  }
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (!(key in nodeLabels(eligible[0] ?? nodes[0]!)))
      return fail(
        `nodeSelector.${key}`,
        `node label ${key} is not known to the emulation (it knows kubernetes.io/hostname and kubernetes.io/os)`,
        ['nodeSelector'],
      );
    eligible = eligible.filter((n) => nodeLabels(n)[key] === value);
  }
  if (eligible.length === 0 && nodes.length > 0)
    return fail(
      'nodeSelector',
      `no node of cluster ${cluster} matches (${Object.entries(spec.nodeSelector ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}): every pod would stay Pending`,
    );
  return eligible;
}
