/**
 * Mixed versions: a router or a Kubernetes node may run from another runtime than the lab's
 * (`--runtime-of spine=sid,cluster02=bookworm`, or ANYCAST_VERIFY_RUNTIME_OF), the way a fabric
 * runs during an upgrade: FRR on a router, GoBGP (the emulated Cilium) on a node, each from its
 * own Debian runtime. Each named runtime must be built; a name that is no router or Kubernetes
 * node of the lab, or a runtime that does not exist, is refused before anything starts.
 */
import type { LabModel } from '../model/lab-model.js';
import type { LabRuntime } from '../os/run-state.js';
import { RUNTIME_SUITES } from './catalog.js';
import { resolveLabRuntime } from './resolve.js';

/** `node=suite[,node=suite…]` as a map; throws naming the part that is not one. */
export function parseRuntimeOf(spec: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (spec ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([\w.-]+)=([\w-]+)$/.exec(part);
    if (!m) throw new Error(`--runtime-of: "${part}" is not <node>=<runtime> (e.g. spine=sid)`);
    if (out[m[1]!] !== undefined) throw new Error(`--runtime-of: ${m[1]} named twice`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** Each named node's runtime, resolved and built; throws naming what is wrong. */
export function resolveRuntimeOf(
  model: LabModel,
  spec = process.env.ANYCAST_VERIFY_RUNTIME_OF,
): Record<string, LabRuntime> {
  const wanted = parseRuntimeOf(spec);
  const nodes = [...Object.keys(model.routers), ...Object.keys(model.k8sNodes)];
  const out: Record<string, LabRuntime> = {};
  for (const [node, suite] of Object.entries(wanted)) {
    if (!nodes.includes(node))
      throw new Error(
        `--runtime-of: "${node}" is no router or Kubernetes node of lab "${model.name}" (${nodes.join(', ')}); hosts run the tool's own Node.js`,
      );
    if (!(RUNTIME_SUITES as readonly string[]).includes(suite))
      throw new Error(`--runtime-of ${node}=${suite}: no such runtime (${RUNTIME_SUITES.join(', ')})`);
    out[node] = resolveLabRuntime(model.root, suite);
  }
  return out;
}

/** The runtime a node runs from: its own, else the lab's. */
export const runtimeFor = (lab: LabRuntime, of: Record<string, LabRuntime> | undefined, node: string): LabRuntime =>
  of?.[node] ?? lab;

const runtimeText = (r: LabRuntime) => `${r.suite} (FRR ${r.frr}, GoBGP ${r.gobgp})`;

/** One line per node whose runtime is not the lab's: `spine: sid (FRR 10.7.1, GoBGP 4.8.0)`. */
export function describeRuntimeOf(of: Record<string, LabRuntime> | undefined): string[] {
  return Object.entries(of ?? {}).map(([n, r]) => `${n}: ${runtimeText(r)}`);
}

/** How a lab's versions (lab.json) name a node's own runtime: `runtime of spine`. */
const RUNTIME_OF_KEY = 'runtime of ';

/** The versions entries for the nodes whose runtime is not the lab's. */
export function runtimeOfVersions(of: Record<string, LabRuntime> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(of ?? {}).map(([n, r]) => [`${RUNTIME_OF_KEY}${n}`, runtimeText(r)]));
}

/** Read back from a lab's versions: each node on its own runtime, and that runtime's text. */
export function nodesOnOtherRuntimes(versions: Record<string, string>): [node: string, runtime: string][] {
  return Object.entries(versions)
    .filter(([k]) => k.startsWith(RUNTIME_OF_KEY))
    .map(([k, v]) => [k.slice(RUNTIME_OF_KEY.length), v]);
}
