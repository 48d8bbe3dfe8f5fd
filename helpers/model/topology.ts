/**
 * Loads a containerlab topology file into plain data. Only the parts of containerlab the
 * lab needs are accepted; any other field is reported (never silently ignored), because
 * the netns provider could not honour it.
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { ProblemList } from './errors.js';
import { readYamlDocs, validateDoc, type YamlDoc } from './yaml-file.js';

/** Labels of our own on ext-container (Kubernetes node) entries. */
export const LABEL_CLUSTER = 'anycast-verify/cluster';
export const LABEL_NODE_IP = 'anycast-verify/node-ip';
export const LABEL_BRIDGE = 'anycast-verify/bridge';

const scalar = z.union([z.string(), z.number()]);

const nodeSchema = z
  .object({
    kind: z.enum(['linux', 'bridge', 'ext-container']).optional(),
    group: z.string().optional(),
    image: z.string().optional(),
    'image-pull-policy': z.string().optional(),
    binds: z.array(z.string()).optional(),
    exec: z.array(z.string()).optional(),
    labels: z.record(z.string(), scalar).optional(),
    sysctls: z.record(z.string(), scalar).optional(),
  })
  .strict();

/** Groups, kinds and defaults may only carry scalars: how containerlab merges lists and maps is not emulated. */
const inheritedSchema = z
  .object({
    kind: z.enum(['linux', 'bridge', 'ext-container']).optional(),
    image: z.string().optional(),
    'image-pull-policy': z.string().optional(),
  })
  .strict();

const endpointPattern = /^([^:\s]+):([^:\s]+)$/;

const topologySchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9-._]*$/, 'letters, digits, "-", "." and "_" only'),
    topology: z
      .object({
        defaults: inheritedSchema.optional(),
        kinds: z.record(z.string(), inheritedSchema).optional(),
        groups: z.record(z.string(), inheritedSchema).optional(),
        nodes: z.record(z.string(), nodeSchema.nullable()),
        links: z.array(
          z
            .object({
              endpoints: z.tuple([
                z.string().regex(endpointPattern, 'expected "node:interface"'),
                z.string().regex(endpointPattern, 'expected "node:interface"'),
              ]),
            })
            .strict(),
        ),
      })
      .strict(),
  })
  .strict();

export type NodeKind = 'linux' | 'bridge' | 'ext-container';

export interface Bind {
  /** Absolute path on the host (relative binds resolve against the topology's folder, as containerlab does). */
  hostPath: string;
  containerPath: string;
}

export interface TopoNode {
  name: string;
  kind: NodeKind;
  image?: string;
  binds: Bind[];
  exec: string[];
  labels: Record<string, string>;
  sysctls: Record<string, string>;
  /** Line of the node's entry, for messages. */
  line?: number;
}

export interface Endpoint {
  node: string;
  iface: string;
}

export interface TopoLink {
  a: Endpoint;
  b: Endpoint;
  line?: number;
}

export interface Topology {
  file: string;
  /** Absolute path of the topology file. */
  path: string;
  name: string;
  nodes: Record<string, TopoNode>;
  links: TopoLink[];
  doc: YamlDoc;
}

/** Expands `${VAR}`, `${VAR:=default}` and `${VAR:-default}` like containerlab does in topology values. */
export function expandEnv(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[=-]([^}]*))?\}/g,
    (_m, name: string, def: string | undefined) => env[name] || def || '',
  );
}

export function loadTopology(root: string, path: string, problems: ProblemList): Topology | undefined {
  const docs = readYamlDocs(root, path, problems);
  if (docs.length === 0) {
    if (problems.empty) problems.add({ file: path, field: '(document)', message: 'the topology file is empty' });
    return undefined;
  }
  const doc = docs[0]!;
  const parsed = validateDoc(doc, topologySchema, problems);
  if (!parsed) return undefined;
  const base = dirname(path);
  const t = parsed.topology;
  const nodes: Record<string, TopoNode> = {};
  for (const [name, raw] of Object.entries(t.nodes)) {
    const n = raw ?? {};
    const group = n.group ? t.groups?.[n.group] : undefined;
    if (n.group && !group) {
      problems.add({
        file: doc.file,
        field: `topology.nodes.${name}.group`,
        message: `group "${n.group}" is not defined under topology.groups`,
        line: doc.lineOf(['topology', 'nodes', name, 'group']),
      });
    }
    const kind = n.kind ?? group?.kind ?? t.defaults?.kind;
    if (!kind) {
      problems.add({
        file: doc.file,
        field: `topology.nodes.${name}.kind`,
        message: 'no kind (set it on the node, its group or topology.defaults)',
        line: doc.lineOf(['topology', 'nodes', name]),
      });
      continue;
    }
    const kindDefaults = t.kinds?.[kind];
    const image = n.image ?? group?.image ?? kindDefaults?.image ?? t.defaults?.image;
    nodes[name] = {
      name,
      kind,
      image: image === undefined ? undefined : expandEnv(image),
      binds: (n.binds ?? [])
        .map((b, i) => parseBind(b, base, problems, doc, ['topology', 'nodes', name, 'binds', i]))
        .filter((b): b is Bind => b !== undefined),
      exec: n.exec ?? [],
      labels: Object.fromEntries(Object.entries(n.labels ?? {}).map(([k, v]) => [k, String(v)])),
      sysctls: Object.fromEntries(Object.entries(n.sysctls ?? {}).map(([k, v]) => [k, String(v)])),
      line: doc.lineOf(['topology', 'nodes', name]),
    };
  }
  const links: TopoLink[] = t.links.map((l, i) => {
    const [a, b] = l.endpoints.map((e) => {
      const m = endpointPattern.exec(e)!;
      return { node: m[1]!, iface: m[2]! };
    }) as [Endpoint, Endpoint];
    return { a, b, line: doc.lineOf(['topology', 'links', i]) };
  });
  return { file: doc.file, path, name: parsed.name, nodes, links, doc };
}

function parseBind(
  spec: string,
  base: string,
  problems: ProblemList,
  doc: YamlDoc,
  path: (string | number)[],
): Bind | undefined {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) {
    problems.add({
      file: doc.file,
      field: path.join('.'),
      message: `bind "${spec}" is not "host-path:container-path[:ro|rw]"`,
      line: doc.lineOf(path),
    });
    return undefined;
  }
  return { hostPath: resolve(base, parts[0]), containerPath: parts[1] };
}
