/**
 * The runtime a netns lab runs from: chosen from the pins in versions.env (FRR_VERSION,
 * CILIUM_VERSION, each overridable by environment like the nightly), or named with
 * `--runtime` / ANYCAST_VERIFY_RUNTIME, and required to be built.
 */
import { loadVersions } from '../model/version-pins.js';
import type { LabRuntime } from '../runtime/run-state.js';
import { chooseRuntime, type RuntimeChoice } from './catalog.js';
import { requireRuntime } from './store.js';

export function runtimeChoice(projectRoot: string, override?: string): RuntimeChoice {
  const pins = loadVersions(projectRoot);
  return chooseRuntime({ frr: pins.FRR_VERSION, cilium: pins.CILIUM_VERSION }, override ?? (process.env.ANYCAST_VERIFY_RUNTIME || undefined));
}

export function resolveLabRuntime(projectRoot: string, override?: string): LabRuntime {
  const choice = runtimeChoice(projectRoot, override);
  const built = requireRuntime(choice.suite);
  return { suite: choice.suite, root: built.root, frr: built.manifest.frr, gobgp: built.manifest.gobgp, requested: choice.requested, reason: choice.reason };
}

/** "FRR 10.5.1 pinned, 10.3 emulated; GoBGP 3.37.0 (Cilium 1.18.14) pinned, 3.36.0 emulated" */
export function describeVersions(rt: LabRuntime): string {
  return `FRR ${rt.requested.frr} pinned, ${rt.frr} emulated; GoBGP ${rt.requested.gobgp} (Cilium ${rt.requested.cilium}) pinned, ${rt.gobgp} emulated (runtime ${rt.suite})`;
}
